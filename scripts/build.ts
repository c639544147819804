/**
 * A build, top-down: find sources → parse each once into a document model →
 * render print HTML and EPUB chapters → print PDF / package EPUB → write
 * atomically into the output folder.
 */
import path from 'node:path'
import type {VFile} from 'vfile'
import {resolveBuildOptions, type BuildOptions, type BuildOptionsInput, type Format} from './config/schema.js'
import {findSources, type SourceEntry} from './content/find-sources.js'
import {epubFromDocument} from './epub/epub-from-document.js'
import {renderCover} from './epub/render-cover.js'
import {writeEpub} from './epub/write-epub.js'
import {createProcessor, type Processor} from './markdown/processor.js'
import {buildDocument} from './model/build-document.js'
import type {Document} from './model/types.js'
import {writeAtomic} from './output/write-atomic.js'
import {launchBrowser, type BrowserSession} from './pdf/browser.js'
import {BrowserError} from './pdf/find-browser.js'
import {finishPdf} from './pdf/pdf-metadata.js'
import {printPdf} from './pdf/print-pdf.js'
import {renderPrint, templateData} from './render/render-print.js'
import {loadTemplates, type Templates} from './render/templates.js'
import {generator} from './version.js'

/** One written output. */
export interface OutputReport {
  format: Format
  /** Absolute path. */
  path: string
  bytes: number
  /** PDF pages. */
  pages?: number
}

/** What happened to one source. */
export interface SourceReport {
  /** The source, with its messages. */
  file: VFile
  name: string
  /** Outputs written (none when the source failed). */
  outputs: OutputReport[]
  failed: boolean
  /** Wall time of this source, in ms. */
  ms: number
}

/** The result of a build. */
export interface BuildReport {
  sources: SourceReport[]
  /** True when every source was written. */
  ok: boolean
  ms: number
}

/** Progress events, in order. */
export type BuildEvent =
  | {type: 'start'; sources: SourceEntry[]}
  | {type: 'source'; report: SourceReport; done: number; total: number}

/** Hooks of a build. */
export interface BuildHooks {
  /** Called on progress. */
  onEvent?: (event: BuildEvent) => void
  /** Stops the build between documents (Ctrl-C). */
  signal?: AbortSignal
}

/**
 * A builder keeps what is costly to set up (templates, the Markdown processor
 * and one browser) for one build or a whole watch session.
 */
export interface Builder {
  readonly options: BuildOptions
  /** Build these sources; never throws for content problems (they are messages). */
  buildSources(sources: SourceEntry[], hooks?: BuildHooks): Promise<BuildReport>
  /** Close the browser. Always call, in `finally`. */
  close(): Promise<void>
}

/** Set up a builder. The browser starts now, in parallel with the first parse. */
export async function createBuilder(input: BuildOptionsInput = {}, environment: BrowserEnvironment = {}): Promise<Builder> {
  const options = resolveBuildOptions(input)
  const root = path.resolve(options.root)
  const templates = await loadTemplates(path.resolve(root, options.templates))
  const processor = createProcessor({root})
  let session: Promise<BrowserSession> | undefined
  const browser = () =>
    (session ??= launchBrowser({
      executablePath: options.browser,
      cacheDir: environment.puppeteerCacheDir,
      sandbox: environment.sandbox ?? true,
      poolSize: options.concurrency,
      timeout: options.timeout
    }))
  // Both formats need the browser (the EPUB for its generated cover): start it early.
  // The rejection is handled where it is awaited.
  browser().catch(() => {})

  return {
    options,
    async buildSources(sources, hooks = {}) {
      const started = performance.now()
      hooks.onEvent?.({type: 'start', sources})
      const reports: SourceReport[] = new Array(sources.length)
      let next = 0
      let done = 0
      const worker = async () => {
        while (next < sources.length && !hooks.signal?.aborted) {
          const index = next++
          const report = await buildSource({options, root, templates, processor, browser}, sources[index]!)
          reports[index] = report
          hooks.onEvent?.({type: 'source', report, done: ++done, total: sources.length})
        }
      }
      await Promise.all(Array.from({length: Math.min(options.concurrency, sources.length)}, worker))
      const finished = reports.filter(Boolean)
      return {sources: finished, ok: finished.length === sources.length && finished.every((report) => !report.failed), ms: performance.now() - started}
    },
    async close() {
      if (session) await (await session.catch(() => undefined))?.close()
    }
  }
}

/** What the environment says about the browser (the CLI reads it from `process`). */
export interface BrowserEnvironment {
  /** Puppeteer's download cache folder. */
  puppeteerCacheDir?: string | undefined
  /** Keep Chromium's sandbox (false when running as root). */
  sandbox?: boolean
}

/** Build every source of `options.inputs` (default `content/`) with a fresh builder. */
export async function build(input: BuildOptionsInput = {}, hooks: BuildHooks = {}, environment: BrowserEnvironment = {}): Promise<BuildReport> {
  const options = resolveBuildOptions(input)
  const sources = await findSources(path.resolve(options.root), options.inputs)
  const builder = await createBuilder(options, environment)
  try {
    return await builder.buildSources(sources, hooks)
  } finally {
    await builder.close()
  }
}

interface Context {
  options: BuildOptions
  root: string
  templates: Templates
  processor: Processor
  browser: () => Promise<BrowserSession>
}

async function buildSource(context: Context, source: SourceEntry): Promise<SourceReport> {
  const started = performance.now()
  const {file, document} = await buildDocument(context.processor, source, {cwd: context.root, sourceDateEpoch: context.options.sourceDateEpoch})
  const report = (outputs: OutputReport[], failed: boolean): SourceReport => ({file, name: source.name, outputs, failed, ms: performance.now() - started})
  if (!document) return report([], true)

  let made: Array<{format: Format; data: Uint8Array; pages?: number}>
  try {
    made = await Promise.all(context.options.formats.map((format) => (format === 'pdf' ? makePdf(context, document) : makeEpub(context, document))))
  } catch (error) {
    // No browser at all is the machine's problem, not this source's: stop the build.
    if (error instanceof BrowserError) throw error
    file.message(`Could not produce outputs: ${(error as Error).message.split('\n')[0]}`, {ruleId: 'render-failed', source: 'handout'}).fatal = true
    return report([], true)
  }

  // All outputs of a source are made before any is written: a source is replaced whole or not at all.
  const outputs: OutputReport[] = []
  const outDir = path.resolve(context.root, context.options.outDir)
  for (const output of made) {
    const target = path.join(outDir, `${document.name}.${output.format}`)
    await writeAtomic(target, output.data)
    outputs.push({format: output.format, path: target, bytes: output.data.byteLength, ...(output.pages === undefined ? {} : {pages: output.pages})})
  }
  return report(outputs, false)
}

async function makePdf(context: Context, document: Document) {
  const page = renderPrint(context.templates, document, {pageSize: context.options.pageSize})
  const printed = await printPdf(await context.browser(), {
    html: page.html,
    styles: {'print.css': context.templates.printCss},
    assets: document.assets,
    timeout: context.options.timeout
  })
  for (const url of printed.blocked) {
    document.file.message(`The print page asked for \`${url}\`, which was refused: only project files can be loaded`, {ruleId: 'request-blocked', source: 'handout'})
  }
  const {meta} = document
  const finished = await finishPdf(printed.pdf, {
    title: meta.title,
    author: meta.author === undefined ? meta.publisher : [meta.author].flat().join(', '),
    subject: meta.description,
    keywords: meta.tags,
    creator: generator,
    date: document.date,
    lang: meta.lang,
    outline: page.outline
  })
  return {format: 'pdf' as const, data: finished.pdf, pages: finished.pages}
}

async function makeEpub(context: Context, document: Document) {
  const coverHtml = context.templates.cover(templateData(document))
  const cover = await renderCover(await context.browser(), coverHtml)
  const data = await writeEpub(context.templates, epubFromDocument(document, {data: cover, mediaType: 'image/png'}))
  return {format: 'epub' as const, data}
}

