/**
 * Watch mode: build once, then rebuild what each change touches, with one
 * builder (templates, Markdown processor, browser) kept warm for the whole
 * session. Bursts of file events are debounced into one rebuild; builds never
 * overlap, and changes made during a build are gathered into exactly one more.
 * Content problems are reported and the previous good outputs stay in place.
 */
import {createHash} from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import {watch as watchFiles} from 'chokidar'
import {createBuilder, type BrowserEnvironment, type BuildReport, type SourceReport} from '../pipeline/build.js'
import type {PublicationReport} from '../pipeline/book.js'
import {configName, loadConfig} from '../config/load-config.js'
import {resolveBuildOptions, type BuildOptionsInput, type Config, type Format} from '../config/schema.js'
import {findSources, type SourceEntry} from '../content/find-sources.js'
import {selectPublication} from '../content/select-publication.js'
import type {Document} from '../core/types.js'
import type {PhaseTimings} from '../core/phase-timings.js'
import {previewStatus, startPreview, type PreviewServer} from '../preview/preview-server.js'

/** Options of watch mode on top of the build options. */
export interface WatchOptions {
  /** Quiet time after the last file event before a rebuild starts, in ms (default: `100`). */
  debounce?: number
  /** Serve a live preview on 127.0.0.1 (default: `false`). */
  serve?: boolean
  /** Port of the preview (default: `4173`; `0` picks a free port). */
  port?: number
}

/** What `watch()` takes: build options and watch options together. */
export type WatchOptionsInput = BuildOptionsInput & WatchOptions

/** One rebuild: what was built, removed or moved, and the one line that says so. */
export interface Rebuild {
  /** `initial` for the first build, `templates` after a template edit, else `change`. */
  reason: 'initial' | 'templates' | 'change'
  /** The sources built this time, with their messages. */
  report: BuildReport
  /** Output base names whose outputs were deleted (their source is gone). */
  removed: string[]
  /** Output base names whose outputs were moved (their source was renamed). */
  moved: Array<{from: string; to: string}>
  /** Fatal messages of the built sources. */
  errors: number
  /** Warnings of the built sources. */
  warnings: number
  /** Wall time from the start of the rebuild to the last write, in ms. */
  ms: number
  /** Milliseconds per phase of the articles' builds (parse, render, print, package, write). */
  timings: PhaseTimings
  /** One line for the terminal: what was rebuilt, time taken, errors and warnings. */
  summary: string
}

/** Watch progress, in order. */
export type WatchEvent =
  /** A rebuild starts (the names it will build; more may follow after a rename). */
  | {type: 'building'; names: string[]}
  | {type: 'rebuild'; rebuild: Rebuild}
  /**
   * Something that is not a source's fault stopped a rebuild (a template that does
   * not compile, a browser that cannot start). Watching goes on; the next change retries.
   */
  | {type: 'error'; error: Error}

/** Hooks of a watch session. */
export interface WatchHooks {
  /** Called on progress; the CLI prints from here. */
  onEvent?: (event: WatchEvent) => void
}

/** A running watch session. */
export interface Watcher {
  /** The preview's address when `serve` is on. */
  readonly url: string | undefined
  /** Resolves when no change is waiting and no build is running. */
  idle(): Promise<void>
  /** Stop watching, let a build under way finish, close the preview and the browser. */
  close(): Promise<void>
}

/**
 * Build every source, then watch sources, their images and the template folder
 * and rebuild on change until `close()`. Resolves once the first build is done
 * and the file watcher is ready; throws when setup fails (no templates, no browser).
 */
export async function watch(input: WatchOptionsInput = {}, hooks: WatchHooks = {}, environment: BrowserEnvironment = {}): Promise<Watcher> {
  const {debounce = 100, serve = false, port = 4173, ...buildInput} = input
  const options = resolveBuildOptions(buildInput)
  const root = path.resolve(options.root)
  const templatesDir = path.resolve(root, options.templates)
  const outDir = path.resolve(root, options.outDir)
  const builder = await createBuilder(options, environment)
  const emit = (event: WatchEvent) => hooks.onEvent?.(event)

  /** Last scan: source path → output base name. */
  let known = new Map<string, string>()
  /** Content hash of each source when last seen, to tell a rename from a delete and an add. */
  const hashes = new Map<string, string>()
  /** Image file → sources that use it. */
  const dependents = new Map<string, Set<string>>()
  /** Changed source and image paths waiting for the next rebuild. */
  const changed = new Set<string>()
  /** Sources a failed rebuild could not finish: retried with the next change, never on their own. */
  const deferred = new Set<string>()
  let templatesChanged = false
  const configPath = path.join(root, configName)
  /** The project config's publications (reloaded when the config changes). */
  let config: Config = {publications: []}
  let configChanged = true
  /** Last good parse of each source: books are rebuilt from these. */
  const documents = new Map<string, Document>()
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  let closed = false
  let preview: PreviewServer | undefined
  let idleWaiters: Array<() => void> = []

  const scan = async (strict: boolean): Promise<SourceEntry[]> => {
    // At start a mistyped path is an error, as in `build`; later, an input that
    // was deleted (a watched file) is simply no longer a source.
    if (strict) return findSources(root, options.inputs)
    const inputs = options.inputs.length > 0 ? options.inputs : ['content']
    const present: string[] = []
    for (const item of inputs) if (await exists(path.resolve(root, item))) present.push(item)
    return present.length > 0 ? findSources(root, present) : []
  }

  const rebuild = async (reason: Rebuild['reason']): Promise<void> => {
    const started = performance.now()
    const batch = new Set([...changed, ...deferred])
    changed.clear()
    deferred.clear()
    const templates = templatesChanged
    templatesChanged = false
    const reloadConfig = configChanged
    configChanged = false
    if (reloadConfig) {
      try {
        config = (await loadConfig(root)).config
      } catch (error) {
        // An invalid config: report it (with its file:line:column messages) and keep the last good one.
        if (reason === 'initial') throw error
        emit({type: 'error', error: error as Error})
      }
    }
    if (templates) {
      try {
        await builder.reloadTemplates()
      } catch (error) {
        // Keep the old templates and the pending edits: the designer's next save retries.
        for (const file of batch) deferred.add(file)
        emit({type: 'error', error: error as Error})
        return
      }
    }

    let sources: SourceEntry[]
    try {
      sources = await scan(reason === 'initial')
    } catch (error) {
      if (reason === 'initial') throw error
      for (const file of batch) deferred.add(file)
      emit({type: 'error', error: error as Error})
      return
    }
    const next = new Map(sources.map((source) => [source.path, source.name]))
    const nextNames = new Set(next.values())

    // Which sources to build: all of them after a template change or at start;
    // otherwise the edited and added ones and those using an edited image.
    const build = new Set<string>()
    for (const source of sources) {
      if (reason === 'initial' || templates || !known.has(source.path) || known.get(source.path) !== source.name || batch.has(source.path)) build.add(source.path)
    }
    for (const file of batch) for (const user of dependents.get(file) ?? []) if (next.has(user)) build.add(user)

    // A source that disappeared while one with the same bytes appeared was renamed:
    // move its outputs at once (they stay valid if the new name fails to build).
    const gone = [...known].filter(([file]) => !next.has(file))
    const moved: Array<{from: string; to: string}> = []
    const claimed = new Set<string>()
    for (const source of sources) {
      if (known.has(source.path) && !batch.has(source.path) && hashes.has(source.path)) continue
      const hash = await hashFile(source.path)
      if (hash !== undefined) hashes.set(source.path, hash)
      if (known.has(source.path)) continue
      const twin = gone.find(([file, name]) => !claimed.has(file) && hashes.get(file) === hash && !nextNames.has(name))
      if (!twin) continue
      claimed.add(twin[0])
      await moveOutputs(outDir, options.formats, twin[1], source.name)
      moved.push({from: twin[1], to: source.name})
    }
    const removed: string[] = []
    for (const [file, name] of gone) {
      hashes.delete(file)
      for (const users of dependents.values()) users.delete(file)
      if (claimed.has(file) || nextNames.has(name)) continue
      await removeOutputs(outDir, options.formats, name)
      removed.push(name)
    }
    known = next

    const toBuild = sources.filter((source) => build.has(source.path))
    const timings: PhaseTimings = {}
    let report: BuildReport = {sources: [], publications: [], ok: true, ms: 0}
    if (toBuild.length > 0) {
      emit({type: 'building', names: toBuild.map((source) => source.name)})
      try {
        report = await builder.buildSources(toBuild, {timings})
      } catch (error) {
        // No browser at the start is a setup error for the caller, as in `build`.
        if (reason === 'initial') throw error
        // Not the content's fault (no browser could be started): try these again with the next change.
        for (const source of toBuild) deferred.add(source.path)
        emit({type: 'error', error: error as Error})
        if (removed.length === 0 && moved.length === 0) return
      }
    }
    for (const source of report.sources) {
      if (source.document) documents.set(source.file.path, source.document)
      else documents.delete(source.file.path)
    }
    for (const file of gone.map(([file]) => file)) documents.delete(file)
    // Books whose articles were rebuilt (all books at start, after a template or config change).
    const touched = new Set(report.sources.map((source) => source.file.path))
    for (const publication of config.publications) {
      if (!publication.outputs.includes('book') || closed) continue
      const members = selectPublication(publication, sources, root).sources
      if (!(reason === 'initial' || templates || reloadConfig || members.some((member) => touched.has(member.path) || gone.some(([file]) => file === member.path)))) continue
      const parsed = members.map((member) => documents.get(member.path))
      if (members.length > 0 && parsed.every(Boolean)) {
        try {
          report.publications.push(await builder.buildBook(publication, parsed as Document[], configPath))
        } catch (error) {
          emit({type: 'error', error: error as Error})
        }
      }
    }
    const images = report.sources.flatMap(trackImages)
    if (images.length > 0) await watchImages(images)
    if (toBuild.length === 0 && removed.length === 0 && moved.length === 0 && report.publications.length === 0) return

    const messages = [...report.sources, ...report.publications].flatMap((source) => source.file.messages)
    const result: Omit<Rebuild, 'summary'> = {
      reason: templates ? 'templates' : reason,
      report,
      removed,
      moved,
      errors: messages.filter((message) => message.fatal === true).length,
      warnings: messages.filter((message) => message.fatal === false).length,
      ms: performance.now() - started,
      timings
    }
    const rebuilt = {...result, summary: summarize(result)}
    const changedNames = new Set([...built(report), ...moved.map((move) => move.to)])
    // preview (issue 16): each built source's status and messages, for the page's problem list.
    preview?.notify({names: [...changedNames], list: [...known.values()], summary: rebuilt.summary, ...previewStatus(report, root)})
    emit({type: 'rebuild', rebuild: rebuilt})
  }

  /** Remember which images a source uses; returns the images not watched before. */
  const trackImages = (source: SourceReport): string[] => {
    const file = source.file.path
    // A failed parse may have stopped before the images: keep the old ones then.
    if (source.failed && !source.file.data.assets) return []
    for (const users of dependents.values()) users.delete(file)
    const added: string[] = []
    for (const asset of source.file.data.assets?.values() ?? []) {
      let users = dependents.get(asset.source)
      if (!users) {
        dependents.set(asset.source, (users = new Set()))
        added.push(asset.source)
      }
      users.add(file)
    }
    return added
  }

  /**
   * Watch images (they may live outside the watched folders). chokidar's `add()`
   * returns nothing to await, and an edit made before its watch is in place would
   * be lost: wait until it lists the files (it does so just before watching them).
   */
  const watchImages = async (images: string[]) => {
    files.add(images)
    const listed = (file: string) => files.getWatched()[path.dirname(file)]?.includes(path.basename(file)) ?? false
    for (const deadline = performance.now() + 2000; performance.now() < deadline && !images.every(listed); ) {
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }

  const notifyIdle = () => {
    if (timer || running || pending()) return
    const waiters = idleWaiters
    idleWaiters = []
    for (const resolve of waiters) resolve()
  }

  // One loop runs builds; a change during a build is picked up by the same loop
  // right after it, as one more build, unless more events are still arriving.
  const pending = () => changed.size > 0 || templatesChanged || configChanged
  const run = (first: Rebuild['reason']) => {
    running = (async () => {
      if (first === 'initial') await rebuild('initial')
      while (!closed && !timer && pending()) await rebuild('change')
    })().finally(() => {
      running = undefined
      notifyIdle()
    })
    return running
  }
  const flush = () => {
    timer = undefined
    if (running || closed) return
    run('change').catch((error: unknown) => emit({type: 'error', error: error as Error}))
  }

  const schedule = () => {
    if (closed) return
    clearTimeout(timer)
    timer = setTimeout(flush, debounce)
  }

  const inside = (file: string, dir: string) => file === dir || file.startsWith(dir + path.sep)
  const onFileEvent = (event: string, file: string) => {
    const absolute = path.resolve(root, file)
    if (inside(absolute, templatesDir)) templatesChanged = true
    else if (absolute === configPath) configChanged = true
    else if (dependents.has(absolute) || /\.(md|markdown)$/i.test(absolute) || event === 'addDir' || event === 'unlinkDir') changed.add(absolute)
    // Anything else (editor swap files, unrelated files) is not ours to rebuild for.
    else return
    schedule()
  }

  const inputs = (options.inputs.length > 0 ? options.inputs : ['content']).map((item) => path.resolve(root, item))
  const files = watchFiles([...inputs, templatesDir, configPath], {
    ignoreInitial: true,
    // Editors that save by write-temp-and-rename briefly delete the file: report a change, not a delete.
    atomic: true,
    ignored: (file) => {
      const absolute = path.resolve(root, file)
      // Our own outputs (when the output folder is inside a watched one), dependencies and Git's internals.
      return inside(absolute, outDir) || /[\\/](node_modules|\.git)([\\/]|$)/.test(absolute)
    }
  })
  files.on('all', onFileEvent)
  files.on('error', (error) => emit({type: 'error', error: error as Error}))

  const close = async () => {
    if (closed) return
    closed = true
    clearTimeout(timer)
    timer = undefined
    await files.close()
    // Its failure was already reported (or is being thrown by `watch()` itself).
    await running?.catch(() => {})
    await preview?.close()
    await builder.close()
    notifyIdle()
  }

  try {
    // preview (issue 16): started before the first build, so that it hears about that build too.
    if (serve) preview = await startPreview({outDir, port, formats: options.formats, names: () => [...known.values()]})
    const ready = new Promise<void>((resolve) => files.once('ready', () => resolve()))
    // Events that arrive during the first build are gathered by the same loop.
    await Promise.all([run('initial'), ready])
  } catch (error) {
    await close()
    throw error
  }

  return {
    get url() {
      return preview?.url
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve)
        notifyIdle()
      })
    },
    close
  }
}

/** `[12:03:04] rebuilt a, b in 412 ms (0 errors, 1 warning)` and the like. */
function summarize(result: Omit<Rebuild, 'summary'>): string {
  const names = built(result.report)
  const failed = [...result.report.sources, ...result.report.publications].filter((item) => item.failed).map((item) => item.name)
  const parts: string[] = []
  if (names.length > 0) parts.push(`${result.reason === 'initial' ? 'built' : 'rebuilt'} ${list(names)}${result.reason === 'templates' ? ' (templates changed)' : ''}`)
  if (failed.length > 0) parts.push(`failed ${list(failed)} (previous outputs kept)`)
  if (result.moved.length > 0) parts.push(`moved ${result.moved.map((move) => `${move.from} → ${move.to}`).join(', ')}`)
  if (result.removed.length > 0) parts.push(`removed outputs of ${list(result.removed)}`)
  if (parts.length === 0) parts.push('nothing to build')
  const time = new Date().toTimeString().slice(0, 8)
  const ms = result.ms < 1000 ? `${Math.round(result.ms)} ms` : `${(result.ms / 1000).toFixed(2)} s`
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
  return `[${time}] ${result.errors > 0 ? '✗' : '✓'} ${parts.join('; ')} in ${ms} (${count(result.errors, 'error')}, ${count(result.warnings, 'warning')})`
}

/** Output names of the sources and books that were written. */
function built(report: BuildReport): string[] {
  return [
    ...report.sources.filter((source) => !source.failed).map((source) => source.name),
    ...report.publications.filter((book: PublicationReport) => !book.failed).map((book) => `book ${book.name}`)
  ]
}

/** Up to five names, then a count: a template edit in a 200-article book stays one line. */
function list(names: string[]): string {
  return names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false
  )
}

async function hashFile(file: string): Promise<string | undefined> {
  try {
    return createHash('sha256')
      .update(await fs.readFile(file))
      .digest('hex')
  } catch {
    // Gone again already: the next event deals with it.
    return undefined
  }
}

async function removeOutputs(outDir: string, formats: readonly Format[], name: string): Promise<void> {
  for (const format of formats) await fs.rm(path.join(outDir, `${name}.${format}`), {force: true})
}

async function moveOutputs(outDir: string, formats: readonly Format[], from: string, to: string): Promise<void> {
  for (const format of formats) {
    await fs.rename(path.join(outDir, `${from}.${format}`), path.join(outDir, `${to}.${format}`)).catch((error: NodeJS.ErrnoException) => {
      // A source that never built has nothing to move.
      if (error.code !== 'ENOENT') throw error
    })
  }
}
