/**
 * A build, top-down: find sources → parse each once into a document model →
 * render print HTML and EPUB chapters → print PDF / package EPUB → write
 * atomically into the output folder.
 */
import path from 'node:path'
import {VFile} from 'vfile'
import {buildBook, checkCrossReferences, orderDocuments, type PublicationReport} from './book.js'
import {configName, loadConfig} from '../config/load-config.js'
import {resolveBuildOptions, type BuildOptions, type BuildOptionsInput, type Config, type Format, type Publication} from '../config/schema.js'
import {selectPublication} from '../content/select-publication.js'
import {findSources, shardSources, type SourceEntry} from '../content/find-sources.js'
import {epubFromDocument} from '../epub/epub-from-document.js'
import {createCoverCache, type CoverCache} from '../cover/cover-cache.js'
import {createProcessor, type Processor} from '../markdown/processor.js'
import {buildDocument} from '../parse/parse-document.js'
import type {Document} from '../core/types.js'
import {writeAtomic} from '../output/write-atomic.js'
import {launchBrowser, type BrowserSession} from '../pdf/browser.js'
import {BrowserError} from '../pdf/find-browser.js'
import {printPdf} from '../pdf/print-pdf.js'
import {renderPrint, templateData} from '../render/render-print.js'
import {loadTemplates, type Templates} from '../render/templates.js'
import {generator} from '../core/version.js'
import {addTime, timed, type PhaseTimings} from '../core/phase-timings.js'

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
  /** The parsed document, when parsing succeeded (books reuse it). */
  document?: Document
}

/** The result of a build. */
export interface BuildReport {
  sources: SourceReport[]
  /** Compiled books of the config's publications. */
  publications: PublicationReport[]
  /** True when every source and book was written. */
  ok: boolean
  ms: number
}

/** Progress events, in order. */
export type BuildEvent = {type: 'start'; sources: SourceEntry[]} | {type: 'source'; report: SourceReport; done: number; total: number} | {type: 'publication'; report: PublicationReport}

/** Hooks of a build. */
export interface BuildHooks {
  /** Called on progress. */
  onEvent?: (event: BuildEvent) => void
  /** Stops the build between documents (Ctrl-C). */
  signal?: AbortSignal
  /** Collects milliseconds per phase (`launch` is added once, by the first build that used the browser). */
  timings?: PhaseTimings
}

/**
 * A builder keeps what is costly to set up (templates, the Markdown processor
 * and one browser) for one build or a whole watch session.
 */
export interface Builder {
  readonly options: BuildOptions
  /**
   * Build these sources; never throws for content problems (they are messages).
   * Sources in `parseOnly` are parsed (for books) but get no outputs of their own.
   */
  buildSources(sources: SourceEntry[], hooks?: BuildHooks, parseOnly?: ReadonlySet<string>): Promise<BuildReport>
  /** Build the book of `publication` from its parsed articles (ordered here). */
  buildBook(publication: Publication, documents: Document[], configPath: string, timings?: PhaseTimings): Promise<PublicationReport>
  /**
   * Read and compile the template folder again (watch mode, after a designer's
   * edit). On error the previous templates stay in use and the error is thrown.
   */
  reloadTemplates(): Promise<void>
  /** Close the browser. Always call, in `finally`. */
  close(): Promise<void>
}

/** Set up a builder. The browser starts now, in parallel with the first parse. */
export async function createBuilder(input: BuildOptionsInput = {}, environment: BrowserEnvironment = {}): Promise<Builder> {
  const options = resolveBuildOptions(input)
  const root = path.resolve(options.root)
  const templatesDir = path.resolve(root, options.templates)
  let session: Promise<BrowserSession> | undefined = environment.session
  const launchStarted = performance.now()
  const browser = () =>
    (session ??= launchBrowser({
      executablePath: options.browser,
      browserWSEndpoint: options.browserWSEndpoint,
      cacheDir: environment.puppeteerCacheDir,
      sandbox: environment.sandbox ?? true,
      poolSize: options.concurrency,
      timeout: options.timeout
    }))
  // PDFs need the browser: start it first, so it boots while templates load and sources
  // parse. EPUBs never need it (covers are rasterised by resvg).
  let launchMs: number | undefined
  if (options.formats.includes('pdf') || session) {
    browser().then(
      () => (launchMs = performance.now() - launchStarted),
      // The rejection is handled where the browser is awaited.
      () => {}
    )
  }
  // Replaced whole by `reloadTemplates()` (watch mode calls it only between builds).
  let templates = await loadTemplates(templatesDir)
  const processor = createProcessor({root, maxImageBytes: options.limits.imageBytes, maxImagePixels: options.limits.imagePixels})
  const covers = createCoverCache(options.cacheDir === '' ? undefined : path.resolve(root, options.cacheDir, 'covers'))

  return {
    options,
    async buildSources(sources, hooks = {}, parseOnly = new Set()) {
      const started = performance.now()
      hooks.onEvent?.({type: 'start', sources})
      const reports: SourceReport[] = new Array(sources.length)
      let next = 0
      let done = 0
      const worker = async () => {
        while (next < sources.length && !hooks.signal?.aborted) {
          const index = next++
          const source = sources[index]!
          const report = await buildSource({options, root, templates, processor, browser, covers, timings: hooks.timings}, source, parseOnly.has(source.path))
          reports[index] = report
          hooks.onEvent?.({type: 'source', report, done: ++done, total: sources.length})
        }
      }
      await Promise.all(Array.from({length: Math.min(options.concurrency, sources.length)}, worker))
      const finished = reports.filter(Boolean)
      if (launchMs !== undefined && hooks.timings && hooks.timings.launch === undefined) addTime(hooks.timings, 'launch', launchMs)
      return {sources: finished, publications: [], ok: finished.length === sources.length && finished.every((report) => !report.failed), ms: performance.now() - started}
    },
    async buildBook(publication, documents, configPath, timings) {
      const ordered = orderDocuments(publication, documents)
      checkCrossReferences(publication, ordered)
      return buildBook({options, root, templates, browser, covers, configPath, timings}, publication, ordered)
    },
    async reloadTemplates() {
      templates = await loadTemplates(templatesDir)
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
  /**
   * A browser already starting, to use instead of launching one (the CLI starts
   * it before loading the pipeline). The builder closes it.
   */
  session?: Promise<BrowserSession> | undefined
}

/**
 * Build with a fresh builder: the handouts of `options.inputs` (default
 * `content/`) and, when the project has a config and no paths were given, the
 * books of its publications (or only `options.publication`). Rejects with a
 * `ConfigError` (its `file` has the messages) when the config is invalid.
 */
export async function build(input: BuildOptionsInput = {}, hooks: BuildHooks = {}, environment: BrowserEnvironment = {}): Promise<BuildReport> {
  const started = performance.now()
  const options = resolveBuildOptions(input)
  const root = path.resolve(options.root)
  let plan: BuildPlan
  let builder: Builder
  try {
    const {config, file: configFile} = await loadConfig(root)
    plan = planBuild(config, await findSources(root, options.inputs), options, root, configFile)
    builder = await createBuilder(options, environment)
  } catch (error) {
    // A bad config or template folder: the browser the caller started is ours to close.
    await (await environment.session?.catch(() => undefined))?.close()
    throw error
  }
  try {
    const report = await builder.buildSources(plan.sources, hooks, plan.parseOnly)
    const documents = new Map(report.sources.map((source) => [source.file.path, source]))
    for (const {publication, sources} of plan.publications) {
      if (hooks.signal?.aborted) break
      const members = sources.map((source) => documents.get(source.path))
      let book: PublicationReport
      if (members.some((member) => !member?.document)) {
        const file = new VFile({path: plan.configPath, cwd: root})
        const failed = sources.filter((source) => !documents.get(source.path)?.document).map((source) => path.relative(root, source.path))
        file.message(`Book \`${publication.name}\` not built: ${failed.join(', ')} failed (previous book kept)`, {ruleId: 'publication-member-failed', source: 'handout:config'}).fatal = true
        book = {name: publication.name, file, outputs: [], failed: true, articles: sources.length, ms: 0}
      } else {
        book = await builder.buildBook(
          publication,
          members.map((member) => member!.document!),
          plan.configPath,
          hooks.timings
        )
      }
      report.publications.push(book)
      hooks.onEvent?.({type: 'publication', report: book})
    }
    report.ok = report.ok && report.publications.every((book) => !book.failed) && plan.problems.length === 0
    report.ms = performance.now() - started
    return report
  } finally {
    await builder.close()
  }
}

/** What one build does. */
interface BuildPlan {
  /** Sources to parse, in order. */
  sources: SourceEntry[]
  /** Of those, the ones that get no handout (only in books). */
  parseOnly: Set<string>
  publications: Array<{publication: Publication; sources: SourceEntry[]}>
  configPath: string
  /** Problems with the plan itself (already reported on the config file). */
  problems: string[]
}

/**
 * Decide what to build. Explicit paths: their handouts only. `--publication`:
 * that publication. Otherwise every publication, plus a handout for every
 * source that is in no publication or in one that wants handouts. A shard
 * takes every n-th handout and every n-th book (with the articles it needs).
 */
function planBuild(config: Config, all: SourceEntry[], options: BuildOptions, root: string, configFile: VFile | undefined): BuildPlan {
  const configPath = configFile?.path ?? path.join(root, configName)
  const problems: string[] = []
  let chosen = options.inputs.length > 0 && !options.publication ? [] : config.publications
  if (options.publication) {
    chosen = config.publications.filter((publication) => publication.name === options.publication)
    if (chosen.length === 0) {
      const names = config.publications.map((publication) => publication.name)
      throw new Error(
        `Unknown publication \`${options.publication}\`: ${names.length > 0 ? `the config has ${names.map((name) => `\`${name}\``).join(', ')}` : `there is no \`${configName}\` with publications`}`
      )
    }
  }
  const publications = chosen.map((publication) => {
    const selected = selectPublication(publication, all, root)
    for (const missing of selected.missing) {
      problems.push(missing)
      configFile?.message(`Publication \`${publication.name}\` lists \`${missing}\`, which is not a source: fix the path`, {
        place: {line: 1, column: 1},
        ruleId: 'publication-source-missing',
        source: 'handout:config'
      })
    }
    return {publication, sources: selected.sources}
  })

  const inBooks = new Set(publications.flatMap((entry) => entry.sources.map((source) => source.path)))
  const wantsHandout = new Set(publications.filter((entry) => entry.publication.outputs.includes('handouts')).flatMap((entry) => entry.sources.map((source) => source.path)))
  let handouts = options.publication ? all.filter((source) => wantsHandout.has(source.path)) : all.filter((source) => !inBooks.has(source.path) || wantsHandout.has(source.path))
  let books = publications.filter((entry) => entry.publication.outputs.includes('book'))
  if (options.shard) {
    handouts = shardSources(handouts, options.shard)
    books = shardSources(books, options.shard)
  }
  const handoutPaths = new Set(handouts.map((source) => source.path))
  const needed = new Set([...handoutPaths, ...books.flatMap((entry) => entry.sources.map((source) => source.path))])
  return {
    sources: all.filter((source) => needed.has(source.path)),
    parseOnly: new Set([...needed].filter((file) => !handoutPaths.has(file))),
    publications: books,
    configPath,
    problems
  }
}

interface Context {
  options: BuildOptions
  root: string
  templates: Templates
  processor: Processor
  browser: () => Promise<BrowserSession>
  covers: CoverCache
  timings?: PhaseTimings | undefined
}

async function buildSource(context: Context, source: SourceEntry, parseOnly: boolean): Promise<SourceReport> {
  const started = performance.now()
  const {file, document} = await timed(context.timings, 'parse', () =>
    buildDocument(context.processor, source, {cwd: context.root, root: context.root, limits: context.options.limits, sourceDateEpoch: context.options.sourceDateEpoch})
  )
  const report = (outputs: OutputReport[], failed: boolean): SourceReport => ({file, name: source.name, outputs, failed, ms: performance.now() - started, ...(document ? {document} : {})})
  if (!document) return report([], true)
  if (parseOnly) return report([], false)

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
    await timed(context.timings, 'write', () => writeAtomic(target, output.data))
    outputs.push({format: output.format, path: target, bytes: output.data.byteLength, ...(output.pages === undefined ? {} : {pages: output.pages})})
  }
  return report(outputs, false)
}

async function makePdf(context: Context, document: Document) {
  // pdf-lib is loaded on first use, while the browser starts, not before the
  // launch at start-up (a quarter of the CLI's imports); EPUB-only builds never load it.
  const metadata = import('../pdf/pdf-metadata.js')
  const page = await timed(context.timings, 'render', () => renderPrint(context.templates, document, {pageSize: context.options.pageSize}))
  const session = await context.browser()
  const printed = await timed(context.timings, 'print', () =>
    printPdf(session, {
      html: page.html,
      styles: {'print.css': context.templates.printCss},
      assets: document.assets,
      timeout: context.options.timeout
    })
  )
  for (const url of printed.blocked) {
    document.file.message(`The print page asked for \`${url}\`, which was refused: only project files can be loaded`, {ruleId: 'request-blocked', source: 'handout'})
  }
  const {meta} = document
  const {finishPdf} = await metadata
  const finished = await timed(context.timings, 'package', () =>
    finishPdf(printed.pdf, {
      title: meta.title,
      author: meta.author === undefined ? meta.publisher : [meta.author].flat().join(', '),
      subject: meta.description,
      keywords: meta.tags,
      creator: generator,
      date: document.date,
      lang: meta.lang,
      outline: page.outline
    })
  )
  return {format: 'pdf' as const, data: finished.pdf, pages: finished.pages}
}

async function makeEpub(context: Context, document: Document) {
  // epub-gen-memory is loaded on first use, like pdf-lib above; PDF-only builds never load it.
  const packager = import('../epub/write-epub.js')
  // fontkit and resvg, which make the generated cover, load on first use too.
  const cover = document.cover ?? {
    data: await (await import('../cover/render-cover.js')).generatedCover(context.templates.cover, templateData(document), context.covers, context.timings),
    mediaType: 'image/png'
  }
  const {writeEpub} = await packager
  const data = await timed(context.timings, 'package', () => writeEpub(context.templates, epubFromDocument(document, cover)))
  return {format: 'epub' as const, data}
}
