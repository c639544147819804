/**
 * Source file → document model: read, parse once, transform, and derive the
 * stable id and date every output carries.
 */
import path from 'node:path'
import {VFile} from 'vfile'
import {VFileMessage} from 'vfile-message'
import type {BuildOptions} from '../config/schema.js'
import type {SourceEntry} from '../content/find-sources.js'
import {recordRead} from '../content/file-reads.js'
import {loadImage} from '../content/load-image.js'
import {readSource} from '../content/read-source.js'
import {sourceDate} from '../content/source-date.js'
import {toHtmlTree, type Processor} from '../markdown/processor.js'
import type {Root} from 'hast'
import type {Asset, Document} from '../core/types.js'
import {uuidFrom} from '../core/uuid.js'

/** Options of `parseDocument`. */
export interface ParseDocumentOptions {
  /** Working directory messages are reported relative to (required). */
  cwd: string
  /** Project root: a cover image must be inside it (default: `cwd`). */
  root?: string
  /** Per-source limits (default: the schema's). */
  limits?: Partial<BuildOptions['limits']> | undefined
  /** Seconds since the epoch to use as the date of every output (default: from front matter). */
  sourceDateEpoch?: number | undefined
}

/**
 * Build the document model of one source. Resolves to the document, or to the
 * vfile alone when a fatal message was reported (the messages say why).
 */
export async function parseDocument(processor: Processor, source: SourceEntry, options: ParseDocumentOptions): Promise<{document?: Document; file: VFile}> {
  const file = new VFile({path: source.path, cwd: options.cwd})
  let tree: Root
  try {
    await readSource(file, options.limits?.sourceBytes)
    tree = await toHtmlTree(processor, file, {
      ...(options.limits?.inlineMarkers === undefined ? {} : {maxInlineMarkers: options.limits.inlineMarkers}),
      ...(options.limits?.blockDepth === undefined ? {} : {maxBlockDepth: options.limits.blockDepth}),
      ...(options.limits?.treeDepth === undefined ? {} : {maxTreeDepth: options.limits.treeDepth}),
      ...(options.limits?.footnoteReferences === undefined ? {} : {maxFootnoteReferences: options.limits.footnoteReferences})
    })
  } catch (error) {
    // `file.fail()` already recorded its message; anything else is reported on the file.
    if (!(error instanceof VFileMessage)) {
      const code = (error as NodeJS.ErrnoException).code
      file.message(`Cannot read source: ${code ?? (error as Error).message}`, {ruleId: 'source-unreadable', source: 'handout'}).fatal = true
    }
    return {file}
  }
  if (file.messages.some((message) => message.fatal)) return {file}

  const meta = file.data.frontMatter!
  let cover: Asset | undefined
  if (meta.cover) {
    const loaded = loadImage(meta.cover, path.dirname(source.path), options.root ?? options.cwd, {
      accept: ['image/png', 'image/jpeg'],
      maxBytes: options.limits?.imageBytes,
      maxPixels: options.limits?.imagePixels
    })
    recordRead(file, loaded.read?.path, loaded.read?.bytes)
    const line =
      String(file.value)
        .split('\n')
        .findIndex((text) => /^cover\s*:/.test(text)) + 1
    if (!loaded.ok) {
      file.message(`Front matter \`cover\`: ${loaded.reason}`, {place: {line: Math.max(1, line), column: 1}, ruleId: loaded.ruleId, source: 'handout:front-matter'}).fatal = true
      return {file}
    }
    cover = loaded.asset
  }
  // SOURCE_DATE_EPOCH pins every output; else front matter, the file's last git commit, its mtime.
  const date = options.sourceDateEpoch === undefined ? await sourceDate(source.path, {date: meta.date}) : new Date(options.sourceDateEpoch * 1000)

  return {
    file,
    document: {
      file,
      name: source.name,
      meta,
      tree,
      headings: file.data.headings ?? [],
      crossReferences: file.data.crossReferences ?? [],
      assets: file.data.assets ?? new Map(),
      cover,
      date,
      id: meta.identifier ?? uuidFrom([meta.publisher ?? '', meta.title, meta.date ?? '', source.name].join('\n'))
    }
  }
}

export {uuidFrom} from '../core/uuid.js'
