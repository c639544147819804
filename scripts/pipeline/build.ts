/**
 * The pipeline, top-down: plan (which documents, which products) → parse each
 * source once into a document model → produce every product (render →
 * print / package → write atomically). A handout is a publication of one
 * article, a book of many; `build` runs a whole plan, `watch` the part of it
 * a change touches, through the same builder.
 */
import {existsSync} from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {VFile} from 'vfile'
import {configName, loadConfig} from '../config/load-config.js'
import {publicationPlace} from '../config/publication-place.js'
import type {MarkdownConfig} from '../config/resolve-plugins.js'
import {type BuildOptions, type BuildOptionsInput, type Format, type PageSize, resolveBuildOptions} from '../config/schema.js'
import {addTime, type PhaseTimings, timed} from '../core/phase-timings.js'
import type {Document} from '../core/types.js'
import {digest} from '../content/file-reads.js'
import {findSources, type SourceEntry} from '../content/find-sources.js'
import {createCoverCache} from '../cover/cover-cache.js'
import {prepareOutDir, removeStaleTemps} from '../output/out-dir.js'
import type {ParsePool} from '../parse/parse-pool.js'
import {findBrowser} from '../pdf/find-browser.js'
import {loadTemplates, packageTemplatesDir, type Templates} from '../render/templates.js'
import {type BuildCache, codeFingerprint, hashOf, keyOf, openBuildCache, templateKeys} from './build-cache.js'
import {handoutProduct} from './handout.js'
import {type BrowserEnvironment, cacheDirOf, mayPrintNothing, startBrowser, startParser} from './launch.js'
import {type BookPlan, type BuildPlan, bookCover, planBuild} from './plan.js'
import {loadTheme, type ThemeFiles} from './theme.js'
import {type OutputReport, type ProduceContext, produce, type Product, warmCovers, warmEpub} from './produce.js'

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
  /**
   * The book's messages about its articles (a link into another article that
   * does not resolve), one file per article, at the article's line: its own
   * report was printed before the book was made.
   */
  articleFiles: VFile[]
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
 * PDFs need it; with outputs listed in the cache, at the first source the cache
 * cannot answer) and the parse workers (the given pool, or one it starts now).
 * On failure both are closed before the error is thrown.
 */
export async function createBuilder(input: BuildOptionsInput = {}, environment: BrowserEnvironment = {}): Promise<Builder> {
  const options = resolveBuildOptions(input)
  const root = path.resolve(options.root)
  const owned = builderBrowser(options, environment)
  const {browser, warmBrowser} = owned
  if (!mayPrintNothing(options)) warmBrowser()
  // Parsing runs in worker threads, bounded in memory and time (see parse-pool.ts).
  const parser = environment.parser ?? startParser(options)
  const close = async () => {
    await parser.close()
    await owned.close()
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
  const cacheDir = cacheDirOf(options)
  const layers = [templatesDir, defaults]
  const [cache, code, templateKey] = await Promise.all([openBuildCache(cacheDir && path.join(cacheDir, 'build')), codeFingerprint(), templateKeys(layers, templates.coverKey === undefined)])
  const state = {
    options,
    // `--page-size` (or the API's `pageSize`) wins over the config's theme.
    pageSizeGiven: input.pageSize !== undefined,
    root,
    templates,
    parser,
    covers: createCoverCache(cacheDir && path.join(cacheDir, 'covers'), code),
    browser,
    warmBrowser,
    cache,
    // The browser is looked for only when a key needs it (a PDF): an EPUB-only build never does.
    keys: {code, templates: templateKey, browser: once(() => browserKey(options, environment))}
  }
  return {
    options,
    async run(plan, hooks = {}, parsed = new Map()) {
      const theme = await loadTheme(plan.theme, root, plan.configPath)
      if (state.pageSizeGiven) theme.pageSize = undefined
      try {
        const markdown = {markdown: plan.markdown, markdownKey: await markdownKey(plan.markdown)}
        const key = themeKey(theme)
        const prints = async () => (cache.prints ? {store: cache.prints, key: keyOf(state.keys.code, state.keys.templates.pdf, await state.keys.browser(), key)} : undefined)
        const report = await runPlan({...state, theme, themeKey: key, prints, ...markdown, timings: hooks.timings}, plan, hooks, parsed)
        if (owned.launchMs() !== undefined && hooks.timings && hooks.timings.launch === undefined) addTime(hooks.timings, 'launch', owned.launchMs()!)
        return report
      } finally {
        await cache.save()
      }
    },
    async reloadTemplates() {
      state.templates = await loadTemplates(templatesDir, defaults)
      state.keys = {...state.keys, templates: await templateKeys(layers, state.templates.coverKey === undefined)}
    },
    interrupt: () => parser.close(),
    close
  }
}

/**
 * The builder's browser: the given session, or one launched at the first
 * `browser()` (`warmBrowser()` starts it early when PDFs are made); the time
 * it took to start; closed by `close()`, after which it cannot start again.
 */
function builderBrowser(options: BuildOptions, environment: BrowserEnvironment) {
  let session = environment.session
  let launchMs: number | undefined
  // A given session is being launched by its owner since before this builder, as far as we know.
  let launchStarted = performance.now()
  const browser = () => {
    if (!session) {
      launchStarted = performance.now()
      session = startBrowser(options, environment)
      session.then(
        (started) => environment.onLaunch?.(started),
        () => {}
      )
    }
    return session
  }
  // The browser starts at once, beside loading templates and parsing, unless the build may
  // print nothing: with an output list in the cache, it starts at the first source or output
  // the cache cannot answer, so an unchanged project launches none.
  const warmBrowser = once(() => {
    if (!options.formats.includes('pdf') && !session) return
    browser().then(
      () => (launchMs = performance.now() - launchStarted),
      () => {}
    )
  })
  return {
    browser,
    warmBrowser,
    launchMs: () => launchMs,
    async close() {
      const closing = session
      session = Promise.reject(new Error('The builder is closed'))
      session.catch(() => {})
      await (await closing?.catch(() => undefined))?.close()
    }
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
  /** Start the browser now, if a PDF is to be made and it has not started (a source the cache does not answer). */
  warmBrowser: () => void
  parser: ParsePool
  cache: BuildCache
  /** What outputs depend on besides their documents (see `build-cache.ts`). */
  keys: {code: string; templates: {pdf: string; epub: string}; browser: () => Promise<string>}
  themeKey: string
  /** The config's plugins and sanitiser additions, for the parse workers. */
  markdown: MarkdownConfig | undefined
  /** What identifies them: the config's data, and the size and time of each plugin's entry file and config module. */
  markdownKey: string
}

async function markdownKey(markdown: MarkdownConfig | undefined): Promise<string> {
  if (!markdown) return ''
  const urls = [markdown.module, ...[...markdown.remarkPlugins, ...markdown.rehypePlugins].map((plugin) => plugin.url)].filter((url) => url !== undefined)
  const files = await Promise.all(
    urls.map(async (url) => {
      const stat = await fs.stat(fileURLToPath(url.replace(/\?.*$/, ''))).catch(() => undefined)
      return [url, stat?.size ?? null, stat?.mtimeMs ?? null]
    })
  )
  return keyOf(markdown, files)
}

/** `make()` on the first call, its result on every call. */
function once<T>(make: () => T): () => T {
  let made: {value: T} | undefined
  return () => {
    made ??= {value: make()}
    return made.value
  }
}

/** What identifies the browser that prints: its executable's path, size and time, or the remote endpoint. */
async function browserKey(options: BuildOptions, environment: BrowserEnvironment): Promise<string> {
  if (options.browserWSEndpoint) return options.browserWSEndpoint
  try {
    const found = await findBrowser({explicit: options.browser, cacheDir: environment.puppeteerCacheDir})
    const stat = await fs.stat(found.executablePath)
    return `${found.executablePath} ${stat.size} ${stat.mtimeMs}`
  } catch {
    return 'none'
  }
}

function themeKey(theme: ThemeFiles): string {
  return keyOf(
    theme.css,
    theme.pageSize ?? null,
    theme.footer ?? null,
    [...theme.assets].map(([href, asset]) => [href, asset.mediaType, digest(asset.data)])
  )
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
  const parsing = Promise.all(Array.from({length: Math.min(context.options.concurrency, plan.sources.length)}, worker))
  // While the first sources parse (in workers), this thread is free: the EPUB packager loads now rather than after the parse.
  if (plan.sources.length > 0 && context.options.formats.includes('epub')) warmEpub()
  await parsing
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
  const options = {cwd: context.root, root: context.root, limits: context.options.limits, sourceDateEpoch: context.options.sourceDateEpoch}
  // The last parse, when the source and everything it read are unchanged (see build-cache.ts).
  const key = context.options.cache ? await parseKey(context, source, options) : undefined
  const cached = key === undefined ? undefined : await context.cache.parsed(source, key)
  // A source parsed again most likely prints again: the browser starts beside its parse, and
  // the fonts of its generated cover (EPUBs, a book's PDF) load while this thread waits for it.
  if (!cached) {
    context.warmBrowser()
    if (context.options.formats.includes('epub') || partOf.length > 0) warmCovers(context)
  }
  const {file, document} = cached ?? (await timed(context.timings, 'parse', () => context.parser.parse(source, options, context.markdown)))
  if (!cached && document && key !== undefined) await context.cache.storeParse(source, key, document, document.meta.date !== undefined || options.sourceDateEpoch !== undefined)
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
  const fingerprint = context.cache.fingerprint(document)
  // The PDF's inputs; the EPUB's page-list comes from the print when both are made, so then they are its inputs too.
  const withPdf = context.options.formats.includes('pdf')
  const printKey = async () => [pageSize, context.themeKey, context.keys.templates.pdf, await context.keys.browser()]
  const keyFor = async (format: Format) => keyOf(context.keys.code, 'handout', format, source.name, fingerprint, context.keys.templates[format], format === 'pdf' || withPdf ? await printKey() : null)
  const produced = await produceChanged(context, handoutProduct(document, pageSize), fingerprint === undefined ? undefined : keyFor)
  return report(produced?.outputs ?? [], !produced || produced.failed)
}

/** Key of a source's parse: its bytes, path, name and options, and our code (`undefined`: unreadable, so parse it and let that say why). */
async function parseKey(context: RunContext, source: SourceEntry, options: object): Promise<string | undefined> {
  try {
    return keyOf(context.keys.code, 'parse', source.path, source.name, options, context.markdownKey, digest(await fs.readFile(source.path)))
  } catch {
    return undefined
  }
}

/**
 * Produce the formats of `product` whose outputs are not already the ones
 * `keyFor` describes (all of them without `keyFor`); report the others as
 * unchanged, untouched on disk.
 */
async function produceChanged(context: RunContext, product: Product, keyFor: ((format: Format) => Promise<string>) | undefined) {
  const outDir = path.resolve(context.root, context.options.outDir)
  const keys = new Map<Format, string>()
  const kept: OutputReport[] = []
  const stale: Format[] = []
  let articlePages: number[] | undefined
  for (const format of context.options.formats) {
    const target = path.join(outDir, `${product.name}.${format}`)
    const key = keyFor && (await keyFor(format))
    const known = key === undefined ? undefined : await context.cache.fresh(target, key)
    if (key !== undefined) keys.set(format, key)
    if (!known) stale.push(format)
    else kept.push({format, path: target, bytes: known.size, unchanged: true, ...(known.pages === undefined ? {} : {pages: known.pages})})
    if (known?.articlePages) articlePages = known.articlePages
  }
  if (stale.length === 0) return {outputs: kept, failed: false, ...(articlePages ? {articlePages} : {})}
  context.warmBrowser()
  // An EPUB with a page-list is made with its print (the page starts are read from it).
  const keptPdf = kept.findIndex((output) => output.format === 'pdf')
  if (product.pageList && stale.includes('epub') && keptPdf >= 0) {
    stale.unshift('pdf')
    kept.splice(keptPdf, 1)
  }
  const produced = await produce(context, product, stale)
  if (!produced) return undefined
  for (const output of produced.outputs) {
    const key = keys.get(output.format)
    if (key !== undefined) await context.cache.written(output.path, key, {pages: output.pages, articlePages: output.format === 'pdf' ? produced.articlePages : undefined})
  }
  return {...produced, outputs: [...kept, ...produced.outputs], ...(produced.articlePages || !articlePages ? {} : {articlePages})}
}

/** Make one book from its members' documents (parsed in this run, or earlier in a watch session). */
async function runBook(context: RunContext, book: BookPlan, configPath: string, parsed: ReadonlyMap<string, Document>): Promise<PublicationReport> {
  const started = performance.now()
  const {publication} = book
  const file = new VFile({path: configPath, cwd: context.root})
  // Messages about the publication's sources point at its `sources` line.
  const place = publicationPlace(configPath, publication.name, 'sources')
  let articleFiles: VFile[] = []
  const report = (outputs: OutputReport[], failed: boolean, articlePages?: number[]): PublicationReport => ({
    name: publication.name,
    file,
    outputs,
    failed,
    articleFiles,
    articles: book.sources.length,
    ...(articlePages ? {articlePages} : {}),
    ms: performance.now() - started
  })
  for (const repeated of book.repeated) {
    file.message(`Publication \`${publication.name}\` lists \`${repeated}\` more than once: the book has it once, where first listed`, {
      place,
      ruleId: 'publication-source-repeated',
      source: 'handout:config'
    })
  }
  for (const missing of book.missing) {
    file.message(`Publication \`${publication.name}\` lists \`${missing}\`, which is not a source: fix the path (previous book kept)`, {
      place,
      ruleId: 'publication-source-missing',
      source: 'handout:config'
    }).fatal = true
  }
  if (book.missing.length > 0) return report([], true)
  const failed = book.sources.filter((source) => !parsed.has(source.path)).map((source) => path.relative(context.root, source.path))
  if (failed.length > 0) {
    file.message(`Book \`${publication.name}\` not built: ${failed.join(', ')} failed (previous book kept)`, {place, ruleId: 'publication-member-failed', source: 'handout:config'}).fatal = true
    return report([], true)
  }
  // The book's code (and what it loads: images, its renderer) is loaded for a book only.
  const {bookProduct, checkCrossReferences, orderDocuments} = await import('./book.js')
  const documents = orderDocuments(
    publication,
    book.sources.map((source) => parsed.get(source.path)!)
  )
  articleFiles = checkCrossReferences(publication, documents, context.root)
  const product = bookProduct(context.options, publication, documents, file, place)
  const fingerprints = documents.map((document) => context.cache.fingerprint(document))
  const coverFile = bookCover({configPath}, book)
  const cover = coverFile === undefined ? null : await hashOf(coverFile)
  const keyFor = async (format: Format) =>
    keyOf(
      context.keys.code,
      'book',
      format,
      publication,
      fingerprints,
      cover,
      context.options.sourceDateEpoch ?? null,
      format === 'pdf' ? [context.options.pageSize, context.themeKey] : null,
      context.keys.templates[format],
      format === 'pdf' ? await context.keys.browser() : ''
    )
  const produced = product && (await produceChanged(context, product, fingerprints.includes(undefined) ? undefined : keyFor))
  return report(produced?.outputs ?? [], !produced || produced.failed, produced?.articlePages)
}
