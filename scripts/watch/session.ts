/**
 * Watch mode: build once, then rebuild what each change touches. It decides
 * only *when* to run and *what changed*; what to build is the pipeline's plan,
 * the same as `build`'s, narrowed to the change (`planChange`). One builder
 * (templates, Markdown processor, browser) stays warm for the whole session.
 * Content problems are reported and the previous good outputs stay in place.
 */
import path from 'node:path'
import {configName, findConfigFile, type LoadedConfig, loadConfig} from '../config/load-config.js'
import {type BuildOptions, type BuildOptionsInput, resolveBuildOptions} from '../config/schema.js'
import {findSources, type SourceEntry} from '../content/find-sources.js'
import type {PhaseTimings} from '../core/phase-timings.js'
import type {Document} from '../core/types.js'
import {type BrowserEnvironment, type BuildReport, type Builder, createBuilder, prepareOutput, type SourceReport} from '../pipeline/build.js'
import {exists} from '../pipeline/build-cache.js'
import {messageFiles} from '../pipeline/message-files.js'
import {type BookPlan, type BuildPlan, bookCover, planBuild, planChange} from '../pipeline/plan.js'
import {type PreviewServer, previewStatus, startPreview} from '../preview/preview-server.js'
import {type ChangeCollector, collectChanges, type Pending} from './changes.js'
import {applyRenames, type KnownSources, type Renames} from './renames.js'

/** Options of watch mode on top of the build options. */
export interface WatchOptions {
  /**
   * Quiet time after the last file event before a rebuild starts, in ms (default: `20`, webpack's
   * `aggregateTimeout`): a save by write-and-rename or a `git checkout` comes as one burst.
   * A save the file watcher drops is not lost at any value (see `eventWindow`).
   */
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
  /** The sources and books built this time, with their messages. */
  report: BuildReport
  /** Output base names whose outputs were deleted (their source is gone). */
  removed: string[]
  /** Output base names whose outputs were moved (their source was renamed). */
  moved: Array<{from: string; to: string}>
  /** Fatal messages of the built sources and books. */
  errors: number
  /** Warnings of the built sources and books. */
  warnings: number
  /** Wall time from the start of the rebuild to the last write, in ms. */
  ms: number
  /** Milliseconds per phase (parse, render, print, package, write). */
  timings: PhaseTimings
  /** One line for the terminal: what was rebuilt, time taken, errors and warnings. */
  summary: string
}

/** Watch progress, in order. */
export type WatchEvent =
  /** A build starts: the first one, or a rebuild after a change or a template edit (the names it will build). */
  | {type: 'building'; kind: 'initial' | 'change' | 'templates'; names: string[]}
  | {type: 'rebuild'; rebuild: Rebuild}
  /**
   * Something that is not a source's fault stopped a rebuild (a template that does
   * not compile, a browser that cannot start, an invalid config). Watching goes on;
   * the next change retries.
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
  /** Resolves when no change is waiting and no build (handouts or books) is running. */
  idle(): Promise<void>
  /** Stop watching, let a build under way finish, close the preview and the browser. */
  close(): Promise<void>
}

/**
 * Build the plan, then watch sources, their images, the template folder and
 * the config, and rebuild what changes touch until `close()`. Resolves once
 * the first build is done and the file watcher is ready; throws when setup
 * fails (no templates, no browser, an invalid config).
 */
export async function watch(input: WatchOptionsInput = {}, hooks: WatchHooks = {}, environment: BrowserEnvironment = {}): Promise<Watcher> {
  const {debounce = 20, serve = false, port = 4173, ...buildInput} = input
  const options = resolveBuildOptions(buildInput)
  const root = path.resolve(options.root)
  // The config found now (a `.mjs` one too) is the file watched for edits.
  const configPath = (await findConfigFile(root)) ?? path.join(root, configName)
  // The input as given, not `options`: an absent `templates` means the package's own (a named folder must exist).
  const builder = await createBuilder(buildInput, environment)
  const session = new Session(options, builder, (event) => hooks.onEvent?.(event), configPath)
  const inputs = (options.inputs.length > 0 ? options.inputs : ['content']).map((item) => path.resolve(root, item))
  const changes = collectChanges({
    root,
    inputs,
    templatesDir: path.resolve(root, options.templates),
    configPath: session.configPath,
    outDir: session.outDir,
    debounce,
    isDependency: (file) => session.dependents.has(file) || session.covers.has(file),
    rebuild: (pending) => session.rebuild('change', pending, changes),
    onError: (error) => session.emit({type: 'error', error})
  })
  let preview: PreviewServer | undefined
  let closed = false
  const close = async () => {
    if (closed) return
    closed = true
    // A parse under way can take up to the time limit: stop it now; a print under way finishes.
    await builder.interrupt()
    await changes.close()
    // The books under way and those the last rebuild queued finish (their outputs are replaced
    // whole): its handouts are not left newer than its books. A second Ctrl-C kills at once.
    await session.booksIdle()
    await preview?.close()
    await builder.close()
  }
  try {
    await prepareOutput(session.outDir)
    // The preview starts before the first build, so that a page opened now hears about it too.
    if (serve) {
      preview = await startPreview({outDir: session.outDir, port, formats: options.formats, names: () => session.names()})
      session.preview = preview
    }
    // Events that arrive during the first build are gathered by the same loop.
    await Promise.all([changes.runFirst(() => session.rebuild('initial', {files: new Set(), templates: false, config: true}, changes)), changes.ready])
  } catch (error) {
    await close()
    throw error
  }
  return {
    get url() {
      return preview?.url
    },
    async idle() {
      // A book that is printing may be followed by a rebuild the watcher queued meanwhile.
      do {
        await changes.idle()
        await session.booksIdle()
      } while (session.busy())
    },
    close
  }
}

/** The state a watch session keeps between rebuilds. */
class Session {
  readonly root: string
  readonly outDir: string
  readonly configPath: string
  /** Image file → sources that use it. */
  readonly dependents = new Map<string, Set<string>>()
  /** Files sources looked for without reading them (the articles they link to) → those sources. */
  private readonly lookers = new Map<string, Set<string>>()
  /** Books' own cover images (publications' `cover`), watched like images: a change rebuilds the book. */
  readonly covers = new Set<string>()
  /** Last good parse of each source: books take members that were not rebuilt from here. */
  readonly parsed = new Map<string, Document>()
  preview: PreviewServer | undefined
  private readonly known: KnownSources = {names: new Map(), hashes: new Map()}
  private config: Omit<LoadedConfig, 'file'> = {config: {publications: [], remarkPlugins: [], rehypePlugins: []}, markdown: {remarkPlugins: [], rehypePlugins: [], classes: {}}}
  private lastPlan: BuildPlan | undefined
  /** Books waiting for the book lane, newest plan per publication. */
  private readonly queuedBooks = new Map<string, {book: BookPlan; kind: Rebuild['reason']}>()
  /** The book lane, while it runs. */
  private books: Promise<void> | undefined

  constructor(
    readonly options: BuildOptions,
    readonly builder: Builder,
    readonly emit: (event: WatchEvent) => void,
    configPath: string
  ) {
    this.root = path.resolve(options.root)
    this.outDir = path.resolve(this.root, options.outDir)
    this.configPath = configPath
  }

  /** Output base names of the sources of the last scan (the preview lists them). */
  names(): string[] {
    return [...this.known.names.values()]
  }

  /**
   * One rebuild: reload what changed, rescan, move or remove the outputs of
   * renamed and deleted sources, then run the part of the plan the change touches.
   */
  async rebuild(reason: 'initial' | 'change', pending: Pending, changes: ChangeCollector): Promise<void> {
    const started = performance.now()
    const initial = reason === 'initial'
    const prepared = await this.prepare(initial, pending, changes)
    if (!prepared) return
    const {sources, renames, plan, before} = prepared
    await this.watchCovers(plan, changes)
    const change = {touched: this.touched(sources, before, pending.files, renames), everything: initial || pending.templates, config: pending.config}
    const narrowed = planChange(plan, change, this.parsed, this.lastPlan)
    this.lastPlan = plan
    const kind = reason === 'initial' ? 'initial' : pending.templates ? 'templates' : 'change'
    // Handouts first, and never behind a book: the books of this change go to the book
    // lane, which prints them while the next change's handouts are already being made.
    const handouts: BuildPlan = {...narrowed, books: []}
    const timings: PhaseTimings = {}
    let report: BuildReport = {sources: [], publications: [], ok: true, ms: 0}
    if (handouts.sources.length > 0) {
      this.emit({type: 'building', kind, names: handouts.sources.map((source) => source.name)})
      try {
        report = await this.builder.run(handouts, {timings}, this.parsed)
      } catch (error) {
        // No browser at the start is a setup error for the caller, as in `build`.
        if (initial) throw error
        // Not the content's fault (no browser could be started): try these again with the next change.
        changes.defer([...narrowed.sources.map((source) => source.path), ...narrowed.books.flatMap((book) => book.sources.map((source) => source.path))])
        this.emit({type: 'error', error: error as Error})
        if (renames.removed.length === 0 && renames.moved.length === 0) return
        narrowed.books = []
      }
    }
    const images = report.sources.flatMap((source) => this.trackImages(source))
    if (images.length > 0) await changes.add(images)
    if (report.sources.length > 0 || renames.removed.length > 0 || renames.moved.length > 0) this.report(kind, report, renames, timings, performance.now() - started)
    for (const book of narrowed.books) this.queuedBooks.set(book.publication.name, {book, kind})
    this.books ??= this.runBooks(changes).finally(() => {
      this.books = undefined
    })
    // The first build is done when its books are: `watch()` resolves after it.
    if (initial) await this.books
  }

  /** Resolves when the book lane is empty. */
  async booksIdle(): Promise<void> {
    while (this.books) await this.books
  }

  /** Is a book printing or waiting to be printed? */
  busy(): boolean {
    return this.books !== undefined || this.queuedBooks.size > 0
  }

  /**
   * The book lane: print the queued books, one run at a time, each the newest
   * plan of its publication (an older one queued behind it is dropped), with
   * the members' last good parses; a book reports on its own line.
   */
  private async runBooks(changes: ChangeCollector): Promise<void> {
    // After `close()` too: no change is gathered any more, so the queue only empties.
    while (this.queuedBooks.size > 0 && this.lastPlan) {
      const queued = [...this.queuedBooks.values()]
      this.queuedBooks.clear()
      const books = queued.map((entry) => entry.book)
      // The first build's books report as part of it; later ones as the change that queued them.
      const kind = queued.some((entry) => entry.kind === 'initial') ? 'initial' : queued.some((entry) => entry.kind === 'templates') ? 'templates' : 'change'
      const started = performance.now()
      const timings: PhaseTimings = {}
      this.emit({type: 'building', kind, names: books.map((book) => `book ${book.publication.name}`)})
      try {
        const report = await this.builder.run({...this.lastPlan, sources: [], handouts: new Map(), books}, {timings}, this.parsed)
        this.report(kind, report, {removed: [], moved: [], gone: []}, timings, performance.now() - started)
      } catch (error) {
        if (kind === 'initial') throw error
        changes.defer(books.flatMap((book) => book.sources.map((source) => source.path)))
        this.emit({type: 'error', error: error as Error})
      }
    }
  }

  /** Reload config and templates when they changed, rescan, apply renames, plan. */
  private async prepare(initial: boolean, pending: Pending, changes: ChangeCollector) {
    try {
      if (pending.config) this.config = await loadConfig(this.root)
    } catch (error) {
      // An invalid config: report it (with its file:line:column messages) and keep the last good one.
      if (initial) throw error
      this.emit({type: 'error', error: error as Error})
    }
    try {
      if (pending.templates) await this.builder.reloadTemplates()
      const sources = await this.scan(initial)
      const before = new Map(this.known.names)
      const renames = await applyRenames(this.known, sources, pending.files, this.outDir, this.options.formats)
      for (const file of renames.gone) {
        this.parsed.delete(file)
        unlink(this.dependents, file)
        unlink(this.lookers, file)
      }
      return {sources, renames, before, plan: planBuild(this.config.config, sources, this.options, this.configPath, this.config.markdown)}
    } catch (error) {
      if (initial) throw error
      // Keep the old templates and the pending edits: the next save retries.
      changes.defer(pending.files)
      this.emit({type: 'error', error: error as Error})
      return undefined
    }
  }

  private async scan(strict: boolean): Promise<SourceEntry[]> {
    // At start a mistyped path is an error, as in `build`; later, an input that
    // was deleted (a watched file) is simply no longer a source.
    if (strict) return findSources(this.root, this.options.inputs)
    const inputs = this.options.inputs.length > 0 ? this.options.inputs : ['content']
    const present: string[] = []
    for (const item of inputs) if (await exists(path.resolve(this.root, item))) present.push(item)
    return present.length > 0 ? findSources(this.root, present) : []
  }

  /** Sources a change touches: edited, added or renamed ones, those using an edited image, and the gone ones. */
  private touched(sources: readonly SourceEntry[], before: ReadonlyMap<string, string>, files: ReadonlySet<string>, renames: Renames): Set<string> {
    const touched = new Set([...files, ...renames.gone])
    for (const file of files) for (const user of this.dependents.get(file) ?? []) touched.add(user)
    // New sources, and sources whose output name changed (a clash resolved differently).
    for (const source of sources) if (before.get(source.path) !== source.name) touched.add(source.path)
    // Sources linking to an article that appeared or went: their links' warnings change.
    const appeared = sources.filter((source) => !before.has(source.path)).map((source) => source.path)
    for (const file of [...appeared, ...renames.gone]) for (const looker of this.lookers.get(file) ?? []) touched.add(looker)
    return touched
  }

  /** Watch the books' cover images, which may live outside the watched folders. */
  private async watchCovers(plan: BuildPlan, changes: ChangeCollector): Promise<void> {
    const added = plan.books.flatMap((book) => bookCover(plan, book) ?? []).filter((cover) => !this.covers.has(cover))
    for (const cover of added) this.covers.add(cover)
    if (added.length > 0) await changes.add(added)
  }

  /**
   * Remember which images a source uses (its cover too), and which articles it
   * links to; returns the images not watched before.
   */
  private trackImages(source: SourceReport): string[] {
    const file = source.file.path
    // A failed parse may have stopped before the images: keep the old ones then.
    if (source.failed && !source.file.data.assets) return []
    unlink(this.dependents, file)
    unlink(this.lookers, file)
    for (const target of Object.keys(source.file.data.found ?? {})) link(this.lookers, target, file)
    const images = [...(source.file.data.assets?.values() ?? []), ...(source.document?.cover ? [source.document.cover] : [])]
    return images.map((image) => image.source).filter((image) => link(this.dependents, image, file))
  }

  private report(reason: Rebuild['reason'], report: BuildReport, renames: Renames, timings: PhaseTimings, ms: number): void {
    const messages = [...report.sources, ...report.publications].flatMap(messageFiles).flatMap((file) => file.messages)
    const result: Omit<Rebuild, 'summary'> = {
      reason,
      report,
      removed: renames.removed,
      moved: renames.moved,
      errors: messages.filter((message) => message.fatal === true).length,
      warnings: messages.filter((message) => message.fatal === false).length,
      ms,
      timings
    }
    const rebuilt = {...result, summary: summarize(result)}
    const changedNames = new Set([...built(report), ...renames.moved.map((move) => move.to)])
    // Each built source's status and messages, for the page's problem list.
    this.preview?.notify({names: [...changedNames], list: this.names(), summary: rebuilt.summary, ...previewStatus(report, this.root)})
    this.emit({type: 'rebuild', rebuild: rebuilt})
  }
}

/** `[12:03:04] ✓ rebuilt a, b in 412 ms (0 errors, 1 warning)` and the like. */
function summarize(result: Omit<Rebuild, 'summary'>): string {
  const names = built(result.report)
  const failed = [...result.report.sources, ...result.report.publications].filter((item) => item.failed).map((item) => ('articles' in item ? `book ${item.name}` : item.name))
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

/** Output names of the handouts and books that were written. */
function built(report: BuildReport): string[] {
  return [
    ...report.sources.filter((source) => !source.failed && source.outputs.length > 0).map((source) => source.name),
    ...report.publications.filter((book) => !book.failed).map((book) => `book ${book.name}`)
  ]
}

/** Up to five names, then a count: a template edit in a 200-article book stays one line. */
function list(names: string[]): string {
  return names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`
}

/** Note in `index` (file → the sources that need it) that `source` needs `file`; `true` when `file` is new to it. */
function link(index: Map<string, Set<string>>, file: string, source: string): boolean {
  const sources = index.get(file)
  if (sources) {
    sources.add(source)
    return false
  }
  index.set(file, new Set([source]))
  return true
}

/** Take `source` out of every entry of `index` (its files stay known). */
function unlink(index: Map<string, Set<string>>, source: string): void {
  for (const sources of index.values()) sources.delete(source)
}
