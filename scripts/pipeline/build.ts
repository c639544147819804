/**
 * The pipeline, top-down: plan (which documents, which products) → parse each
 * source once into a document model → produce every product (render →
 * print / package → write atomically). A handout is a publication of one
 * article, a book of many; `build` runs a whole plan, `watch` the part of it
 * a change touches, through the same builder.
 */
import {existsSync} from 'node:fs'
import path from 'node:path'
import {VFile} from 'vfile'
import {configName, loadConfig} from '../config/load-config.js'
import type {MarkdownConfig} from '../config/resolve-plugins.js'
import {type BuildOptions, type BuildOptionsInput, type PageSize, resolveBuildOptions} from '../config/schema.js'
import {addTime, type PhaseTimings, timed} from '../core/phase-timings.js'
import type {Document} from '../core/types.js'
import {findSources, type SourceEntry} from '../content/find-sources.js'
import {createCoverCache} from '../cover/cover-cache.js'
import {prepareOutDir, removeStaleTemps} from '../output/out-dir.js'
import {createParsePool, type ParsePool} from '../parse/parse-pool.js'
import {loadTemplates, packageTemplatesDir, type Templates} from '../render/templates.js'
import {bookProduct, checkCrossReferences, orderDocuments} from './book.js'
import {handoutProduct} from './handout.js'
import {type BrowserEnvironment, startBrowser} from './launch.js'
import {type BookPlan, type BuildPlan, planBuild} from './plan.js'
import {loadTheme} from './theme.js'
import {type OutputReport, type ProduceContext, produce} from './produce.js'

/** What happened to one source. */
export interface SourceReport {
  /** The source, with its messages. */
  file: VFile
  name: string
  /** Outputs written (none when the source failed, or when it only feeds books). */
  outputs: OutputReport[]
  failed: boolean
  /** Books this source was parsed for, when it gets no handout of its own. */
  partOf: string[]
  /** Wall time of this source, in ms. */
  ms: number
  /** The parsed document, when parsing succeeded (books reuse it). */
  document?: Document
}

/** What happened to one publication's book. */
export interface PublicationReport {
  name: string
  /** Messages about the publication as a whole (on the config file). */
  file: VFile
  outputs: OutputReport[]
  failed: boolean
  /** Articles in the book, in order. */
  articles: number
  /** Pages of the book PDF where each article starts, in order (for the report and tests). */
  articlePages?: number[]
  ms: number
}

/** The result of a build. */
export interface BuildReport {
  sources: SourceReport[]
  /** Compiled books of the config's publications. */
  publications: PublicationReport[]
  /** True when every source and book was written. */
  ok: boolean
  /** Wall time, in ms. */
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

export type {BrowserEnvironment} from './launch.js'
export type {OutputReport} from './produce.js'

/**
 * A builder keeps what is costly to set up (templates, the Markdown processor
 * and one browser) for one build or a whole watch session, and owns the browser.
 */
export interface Builder {
  readonly options: BuildOptions
  /**
   * Run `plan`: parse its sources, make its handouts and books. Never throws
   * for content problems (they are messages). `parsed` holds the last good
   * parse of each source: this run updates it, and books take members that
   * were not parsed again from it (watch mode).
   */
  run(plan: BuildPlan, hooks?: BuildHooks, parsed?: Map<string, Document>): Promise<BuildReport>
  /**
   * Read and compile the template folder again (watch mode, after a designer's
   * edit). On error the previous templates stay in use and the error is thrown.
   */
  reloadTemplates(): Promise<void>
  /**
   * Stop parsing at once (Ctrl-C, SIGTERM): parses under way fail as stopped
   * and no other starts; printing under way finishes. Then call `close()`.
   */
  interrupt(): Promise<void>
  /** Close the parse workers and the browser. Always call, in `finally`; safe to call twice. */
  close(): Promise<void>
}

/**
 * Set up a builder, which owns the browser from here on (the given session, or
 * one it launches now, in parallel with loading templates and parsing: only
 * PDFs need it). On failure the browser is closed before the error is thrown.
 */
export async function createBuilder(input: BuildOptionsInput = {}, environment: BrowserEnvironment = {}): Promise<Builder> {
  const options = resolveBuildOptions(input)
  const root = path.resolve(options.root)
  const launchStarted = performance.now()
  let session = environment.session
  let launchMs: number | undefined
  const browser = () => (session ??= startBrowser(options, environment))
  if (options.formats.includes('pdf') || session) {
    browser().then(
      () => (launchMs = performance.now() - launchStarted),
      () => {}
    )
  }
  // Parsing runs in worker threads, bounded in memory and time (see parse-pool.ts).
  const parser = createParsePool({
    size: options.concurrency,
    timeout: options.timeout,
    processor: {root, maxImageBytes: options.limits.imageBytes, maxImagePixels: options.limits.imagePixels}
  })
  const close = async () => {
    await parser.close()
    const closing = session
    session = Promise.reject(new Error('The builder is closed'))
    session.catch(() => {})
    await (await closing?.catch(() => undefined))?.close()
  }
  const templatesDir = path.resolve(root, options.templates)
  // A folder asked for by name must exist (a typo would silently print with the package's templates).
  const defaults = input.templates !== undefined && !existsSync(templatesDir) ? templatesDir : packageTemplatesDir
  let templates: Templates
  try {
    templates = await loadTemplates(templatesDir, defaults)
  } catch (error) {
    await close()
    throw error
  }
  const state = {
    options,
    // `--page-size` (or the API's `pageSize`) wins over the config's theme.
    pageSizeGiven: input.pageSize !== undefined,
    root,
    templates,
    parser,
    covers: createCoverCache(options.cacheDir === '' ? undefined : path.resolve(root, options.cacheDir, 'covers')),
    browser
  }
  return {
    options,
    async run(plan, hooks = {}, parsed = new Map()) {
      const theme = await loadTheme(plan.theme, root, path.dirname(plan.configPath))
      if (state.pageSizeGiven) theme.pageSize = undefined
      const report = await runPlan({...state, theme, markdown: plan.markdown, timings: hooks.timings}, plan, hooks, parsed)
      if (launchMs !== undefined && hooks.timings && hooks.timings.launch === undefined) addTime(hooks.timings, 'launch', launchMs)
      return report
    },
    async reloadTemplates() {
      state.templates = await loadTemplates(templatesDir, defaults)
    },
    interrupt: () => parser.close(),
    close
  }
}

/**
 * Build with a fresh builder: the handouts of `options.inputs` (default
 * `content/`) and, when the project has a config and no paths were given, the
 * books of its publications (or only `options.publication`). Rejects with a
 * `ConfigError` (its `file` has the messages) when the config is invalid.
 */
export async function build(input: BuildOptionsInput = {}, hooks: BuildHooks = {}, environment: BrowserEnvironment = {}): Promise<BuildReport> {
  const started = performance.now()
  const builder = await createBuilder(input, environment)
  try {
    const {options} = builder
    const root = path.resolve(options.root)
    const {config, file: configFile, markdown} = await loadConfig(root)
    const plan = planBuild(config, await findSources(root, options.inputs), options, configFile?.path ?? path.join(root, configName), markdown)
    await prepareOutput(path.resolve(root, options.outDir))
    // A parse can take up to the time limit: Ctrl-C stops it at once, not after it.
    hooks.signal?.addEventListener('abort', () => void builder.interrupt(), {once: true})
    const report = await builder.run(plan, hooks)
    return {...report, ms: performance.now() - started}
  } finally {
    await builder.close()
  }
}

/**
 * Make the output folder (a file in its place is an `OutDirError`: bad usage)
 * and remove temporary files that a killed earlier build left there: only our
 * own temp names, only those older than this process.
 */
export async function prepareOutput(outDir: string): Promise<void> {
  await prepareOutDir(outDir)
  await removeStaleTemps(outDir, {olderThan: new Date(performance.timeOrigin)})
}

/** Everything a run needs: the builder's state and the run's timings. */
interface RunContext extends ProduceContext {
  parser: ParsePool
  /** The config's plugins and sanitiser additions, for the parse workers. */
  markdown: MarkdownConfig | undefined
}

async function runPlan(context: RunContext, plan: BuildPlan, hooks: BuildHooks, parsed: Map<string, Document>): Promise<BuildReport> {
  const started = performance.now()
  hooks.onEvent?.({type: 'start', sources: plan.sources})
  const partOf = new Map<string, string[]>()
  for (const book of plan.books) for (const source of book.sources) partOf.set(source.path, [...(partOf.get(source.path) ?? []), book.publication.name])
  const reports: SourceReport[] = new Array(plan.sources.length)
  let next = 0
  let done = 0
  // `concurrency` sources at once, each parsed and then produced (printing overlaps parsing).
  const worker = async () => {
    while (next < plan.sources.length && !hooks.signal?.aborted) {
      const index = next++
      const source = plan.sources[index]!
      const handout = plan.handouts.get(source.path)
      const report = await runSource(context, source, handout ? (handout.pageSize ?? context.theme.pageSize ?? context.options.pageSize) : undefined, partOf.get(source.path) ?? [])
      if (report.document) parsed.set(source.path, report.document)
      else parsed.delete(source.path)
      reports[index] = report
      hooks.onEvent?.({type: 'source', report, done: ++done, total: plan.sources.length})
    }
  }
  await Promise.all(Array.from({length: Math.min(context.options.concurrency, plan.sources.length)}, worker))
  const sources = reports.filter(Boolean)
  const publications: PublicationReport[] = []
  for (const book of plan.books) {
    if (hooks.signal?.aborted) break
    const report = await runBook(context, book, plan.configPath, parsed)
    publications.push(report)
    hooks.onEvent?.({type: 'publication', report})
  }
  const ok = sources.length === plan.sources.length && sources.every((report) => !report.failed) && publications.every((report) => !report.failed)
  return {sources, publications, ok, ms: performance.now() - started}
}

/** Parse one source; make its handout when `pageSize` says it gets one. */
async function runSource(context: RunContext, source: SourceEntry, pageSize: PageSize | undefined, partOf: string[]): Promise<SourceReport> {
  const started = performance.now()
  const {file, document} = await timed(context.timings, 'parse', () =>
    context.parser.parse(source, {cwd: context.root, root: context.root, limits: context.options.limits, sourceDateEpoch: context.options.sourceDateEpoch}, context.markdown)
  )
  const report = (outputs: OutputReport[], failed: boolean): SourceReport => ({
    file,
    name: source.name,
    outputs,
    failed,
    partOf: pageSize === undefined ? partOf : [],
    ms: performance.now() - started,
    ...(document ? {document} : {})
  })
  if (!document) return report([], true)
  if (pageSize === undefined) return report([], false)
  const produced = await produce(context, handoutProduct(document, pageSize))
  return report(produced?.outputs ?? [], !produced || produced.failed)
}

/** Make one book from its members' documents (parsed in this run, or earlier in a watch session). */
async function runBook(context: RunContext, book: BookPlan, configPath: string, parsed: ReadonlyMap<string, Document>): Promise<PublicationReport> {
  const started = performance.now()
  const {publication} = book
  const file = new VFile({path: configPath, cwd: context.root})
  const report = (outputs: OutputReport[], failed: boolean, articlePages?: number[]): PublicationReport => ({
    name: publication.name,
    file,
    outputs,
    failed,
    articles: book.sources.length,
    ...(articlePages ? {articlePages} : {}),
    ms: performance.now() - started
  })
  for (const missing of book.missing) {
    file.message(`Publication \`${publication.name}\` lists \`${missing}\`, which is not a source: fix the path (previous book kept)`, {
      ruleId: 'publication-source-missing',
      source: 'handout:config'
    }).fatal = true
  }
  if (book.missing.length > 0) return report([], true)
  const failed = book.sources.filter((source) => !parsed.has(source.path)).map((source) => path.relative(context.root, source.path))
  if (failed.length > 0) {
    file.message(`Book \`${publication.name}\` not built: ${failed.join(', ')} failed (previous book kept)`, {ruleId: 'publication-member-failed', source: 'handout:config'}).fatal = true
    return report([], true)
  }
  const documents = orderDocuments(
    publication,
    book.sources.map((source) => parsed.get(source.path)!)
  )
  checkCrossReferences(publication, documents)
  const product = bookProduct(context.options, publication, documents, file)
  const produced = product && (await produce(context, product))
  return report(produced?.outputs ?? [], !produced || produced.failed, produced?.articlePages)
}
