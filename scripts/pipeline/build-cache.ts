/**
 * The build cache: what a build may skip because nothing it depends on
 * changed. Two levels, both keyed by content, never by time:
 *
 * - a source's **parse** (its document model and messages): keyed by the
 *   source's bytes, its path, the parse options and our code; kept while
 *   every file the parse read (images, cover, bibliography, style) still has
 *   the same bytes, and while its date (from git or the file's mtime, when the
 *   front matter sets none) is the same;
 * - an **output**: keyed by the documents it shows, the template files its
 *   format uses, the theme, its paper size, the browser (PDF) and our code;
 *   kept while the file in the output folder is the one we wrote (same size
 *   and modification time), so an unchanged output is not rewritten;
 * - a book's **prints** (each run of its body, its folios, its front matter;
 *   see `print-book.ts`): keyed by their HTML, styles, assets, the templates,
 *   the theme, the browser and our code, so an edit prints one run again; the
 *   most recently used are kept (`maxPrints`).
 *
 * It lives in the project's cache folder (`cacheDir`), is safe to delete, and
 * `cache: false` (`--no-cache`) neither reads nor writes it. An entry that
 * cannot be read is a miss: the cache only ever saves time.
 */
import fsSync, {type Dirent} from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import v8 from 'node:v8'
import type {SourceEntry} from '../content/find-sources.js'
import {outputListName} from './launch.js'
import {digest} from '../content/file-reads.js'
import {sourceDate} from '../content/source-date.js'
import type {Document} from '../core/types.js'
import {packageDir, toolVersion} from '../core/version.js'
import {writeAtomic} from '../output/write-atomic.js'
import type {PrintCache} from '../pdf/print-book.js'
import {fromWire, toWire, type WireResult} from '../parse/wire.js'

/** A parse as the cache keeps it. */
interface ParseEntry {
  key: string
  reads: Record<string, string | null>
  /** Files the parse looked for without reading them (linked articles): whether each was there. */
  found: Record<string, boolean>
  /** The date came from the front matter or `SOURCE_DATE_EPOCH` (else it is checked again). */
  dateFixed: boolean
  wire: WireResult
}

/** An output as the cache knows it. */
export interface OutputEntry {
  key: string
  size: number
  mtimeMs: number
  /** PDF pages, and where a book's articles start, for the report of a kept output. */
  pages?: number | undefined
  articlePages?: number[] | undefined
}

/** The cache of one build or watch session. */
export interface BuildCache {
  /** The last good parse of `source`, when nothing it read has changed; else `undefined`. */
  parsed(source: SourceEntry, key: string): Promise<{file: Document['file']; document: Document} | undefined>
  /** Keep a good parse. */
  storeParse(source: SourceEntry, key: string, document: Document, dateFixed: boolean): Promise<void>
  /** What identifies a document's content for output keys (`undefined`: not known, so its outputs are always made). */
  fingerprint(document: Document): string | undefined
  /** The output at `target`, when it is the one `key` describes (else `undefined`: make it). */
  fresh(target: string, key: string): Promise<OutputEntry | undefined>
  /** Note that `target` was written for `key`. */
  written(target: string, key: string, about?: Pick<OutputEntry, 'pages' | 'articlePages'>): Promise<void>
  /** Write the output list (after each run). */
  save(): Promise<void>
  /** Printed parts of books (`undefined`: no cache). */
  prints: PrintCache | undefined
}

/** Most printed parts kept (a 200-article book has about 20); the least recently used go first. */
const maxPrints = 200

/** Key of a list of parts: any JSON-able values. */
export function keyOf(...parts: unknown[]): string {
  return digest(JSON.stringify(parts))
}

/** A cache in `dir` (`undefined`: none, every lookup a miss). */
export async function openBuildCache(dir: string | undefined): Promise<BuildCache> {
  const fingerprints = new WeakMap<Document, string>()
  if (!dir) return disabledCache(fingerprints)
  const parseDir = path.join(dir, 'parse')
  const listFile = path.join(dir, outputListName)
  let outputs: Record<string, OutputEntry> = {}
  try {
    outputs = JSON.parse(await fs.readFile(listFile, 'utf8')) as Record<string, OutputEntry>
  } catch {
    // No list yet, or an unreadable one: every output is made again.
  }
  let dirty = false
  const entryFile = (source: SourceEntry) => path.join(parseDir, `${digest(source.path)}.v8`)
  const prints = printStore(path.join(dir, 'prints'))
  const remember = (document: Document, entry: ParseEntry) => fingerprints.set(document, keyOf(entry.key, entry.reads, entry.found, document.date.toISOString()))
  return {
    async parsed(source, key) {
      let entry: ParseEntry
      try {
        entry = v8.deserialize(await fs.readFile(entryFile(source))) as ParseEntry
      } catch {
        return undefined
      }
      if (entry.key !== key || !entry.wire.document) return undefined
      for (const [file, hash] of Object.entries(entry.reads)) if ((await hashOf(file)) !== hash) return undefined
      for (const [file, found] of Object.entries(entry.found ?? {})) if ((await exists(file)) !== found) return undefined
      const {file, document} = fromWire(entry.wire)
      if (!document) return undefined
      if (!entry.dateFixed && (await sourceDate(source.path)).getTime() !== document.date.getTime()) return undefined
      remember(document, entry)
      return {file, document}
    },
    async storeParse(source, key, document, dateFixed) {
      const entry: ParseEntry = {key, reads: {...(document.file.data.reads ?? {})}, found: {...(document.file.data.found ?? {})}, dateFixed, wire: toWire({file: document.file, document})}
      remember(document, entry)
      await fs.mkdir(parseDir, {recursive: true})
      await writeAtomic(entryFile(source), v8.serialize(entry)).catch(() => {})
    },
    fingerprint: (document) => fingerprints.get(document),
    async fresh(target, key) {
      const known = outputs[target]
      if (known?.key !== key) return undefined
      const stat = await fs.stat(target).catch(() => undefined)
      return stat !== undefined && stat.size === known.size && stat.mtimeMs === known.mtimeMs ? known : undefined
    },
    async written(target, key, about = {}) {
      const stat = await fs.stat(target).catch(() => undefined)
      if (stat) outputs[target] = {key, size: stat.size, mtimeMs: stat.mtimeMs, ...about}
      else delete outputs[target]
      dirty = true
    },
    async save() {
      await prints.prune()
      if (!dirty) return
      dirty = false
      await fs.mkdir(dir, {recursive: true})
      await writeAtomic(listFile, new TextEncoder().encode(JSON.stringify(outputs))).catch(() => {})
    },
    prints
  }
}

/** PDFs by key in `dir`; a read marks the file used (its time), `prune` keeps the `maxPrints` most recently used. */
function printStore(dir: string): PrintCache & {prune(): Promise<void>} {
  const file = (key: string) => path.join(dir, `${key}.pdf`)
  let added = false
  return {
    async get(key) {
      try {
        const data = await fs.readFile(file(key))
        const now = new Date()
        await fs.utimes(file(key), now, now).catch(() => {})
        return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      } catch {
        return undefined
      }
    },
    async set(key, pdf) {
      added = true
      await fs.mkdir(dir, {recursive: true})
      await writeAtomic(file(key), pdf).catch(() => {})
    },
    async prune() {
      if (!added) return
      added = false
      const names = (await fs.readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith('.pdf'))
      if (names.length <= maxPrints) return
      const used = await Promise.all(names.map(async (name) => ({name, time: (await fs.stat(path.join(dir, name)).catch(() => undefined))?.mtimeMs ?? 0})))
      used.sort((a, b) => b.time - a.time || (a.name < b.name ? -1 : 1))
      await Promise.all(used.slice(maxPrints).map(({name}) => fs.rm(path.join(dir, name), {force: true})))
    }
  }
}

/** No cache: nothing is found, nothing kept (fingerprints are still known, for nothing). */
function disabledCache(fingerprints: WeakMap<Document, string>): BuildCache {
  return {
    parsed: async () => undefined,
    storeParse: async () => {},
    fingerprint: (document) => fingerprints.get(document),
    fresh: async () => undefined,
    written: async () => {},
    save: async () => {},
    prints: undefined
  }
}

/** Whether `file` exists (as `fs.existsSync` says, asynchronously). */
export async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false
  )
}

/** SHA-256 of a file's bytes, or `null` when it cannot be read (missing, a folder). */
export async function hashOf(file: string): Promise<string | null> {
  try {
    return digest(await fs.readFile(file))
  } catch {
    return null
  }
}

/**
 * What identifies our code: the version, and the size and time of every
 * code file of the tree that runs (`lib/` once compiled, `scripts/` when run
 * from source: the other one's files play no part), so a rebuilt or edited
 * tool never serves outputs of the old one; plus the versions of the packages
 * it depends on (fonts, highlighter, math). Read synchronously, once per
 * build: a few hundred `stat` calls one after another on the event loop took
 * 100 ms where the same calls in a row take 10 to 40.
 */
export async function codeFingerprint(codeDir: string = runningCodeDir): Promise<string> {
  const parts: string[] = [toolVersion]
  let entries: Dirent[] = []
  try {
    entries = fsSync.readdirSync(codeDir, {recursive: true, withFileTypes: true})
  } catch {
    // No such folder: the version and the dependencies still count.
  }
  for (const entry of entries) {
    if (!entry.isFile() || !isCode(entry.name)) continue
    const file = path.join(entry.parentPath ?? entry.path, entry.name)
    const stat = fsSync.statSync(file, {throwIfNoEntry: false})
    if (stat) parts.push(`${path.relative(codeDir, file)} ${stat.size} ${stat.mtimeMs}`)
  }
  const manifest = JSON.parse(await fs.readFile(path.join(packageDir, 'package.json'), 'utf8')) as {dependencies?: Record<string, string>}
  const versions = await Promise.all(Object.keys(manifest.dependencies ?? {}).map(async (name) => `${name} ${await installedVersion(name)}`))
  return digest([...parts, ...versions].sort().join('\n'))
}

/** The folder of the code that runs: `lib/` (compiled, bundled) or `scripts/` (from source), from this module's own place. */
const runningCodeDir = path.join(packageDir, path.relative(packageDir, fileURLToPath(import.meta.url)).split(path.sep)[0] ?? 'lib')

/** A file whose change changes what the tool does: not type declarations or source maps. */
function isCode(name: string): boolean {
  return !name.endsWith('.map') && !name.endsWith('.d.ts')
}

/** Version of an installed dependency: beside the package, or in its own `node_modules`. */
async function installedVersion(name: string): Promise<string> {
  for (const base of [path.join(packageDir, 'node_modules'), path.dirname(packageDir), path.dirname(path.dirname(packageDir))]) {
    try {
      return (JSON.parse(await fs.readFile(path.join(base, name, 'package.json'), 'utf8')) as {version: string}).version
    } catch {
      // Not there.
    }
  }
  return 'missing'
}

/**
 * Keys of the template folders by format: the PDF uses every file but the
 * EPUB's (`epub/`), the EPUB its own files, the labels and the cover (every
 * file when the cover includes others, `coverIncludes`: see
 * `Templates.coverKey`); a project's file wins over the package's of the
 * same name.
 */
export async function templateKeys(layers: readonly string[], coverIncludes: boolean): Promise<{pdf: string; epub: string}> {
  const files = new Map<string, string>()
  for (const layer of [...layers].reverse()) {
    const entries = await fs.readdir(layer, {recursive: true, withFileTypes: true}).catch(() => [])
    for (const entry of entries) {
      if (!entry.isFile()) continue
      const file = path.join(entry.parentPath ?? entry.path, entry.name)
      const hash = await hashOf(file)
      files.set(path.relative(layer, file).split(path.sep).join('/'), hash ?? 'unreadable')
    }
  }
  const sorted = [...files].sort(([a], [b]) => (a < b ? -1 : 1))
  // What `include()` in the cover reads is not known before it runs: then any file may be it.
  const epubFile = (name: string) => coverIncludes || name.startsWith('epub/') || name === 'labels.yaml' || name === 'cover.svg'
  return {pdf: keyOf(sorted.filter(([name]) => !name.startsWith('epub/'))), epub: keyOf(sorted.filter(([name]) => epubFile(name)))}
}
