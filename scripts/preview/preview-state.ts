/**
 * What the preview knows about the sources between rebuilds: each source's
 * last status and problems, so that a page opened after a failed save shows
 * that failure, and the pages already open are told what changed.
 */
import path from 'node:path'
import type {VFileMessage} from 'vfile-message'
import type {BuildReport, PublicationReport, SourceReport} from '../pipeline/build.js'
import {messageFiles} from '../pipeline/message-files.js'

/** One message of a source, as the page shows it. */
export interface PreviewProblem {
  /** Output base name of the source (or book) the message belongs to. */
  name: string
  /** File the message is about, relative to the project root when inside it. */
  file: string
  line?: number
  column?: number
  /** Rule id (`yaml-syntax`, `missing-image`, …). */
  ruleId?: string
  reason: string
  severity: 'error' | 'warning' | 'info'
}

/** Status of one source or book after its last build. */
export interface PreviewSourceStatus {
  name: string
  kind: 'article' | 'book'
  /** True when the last build failed (its previous outputs, if any, are stale). */
  failed: boolean
}

/** What the open pages are told after a rebuild. */
export interface PreviewUpdate {
  /** Names whose outputs changed. */
  names: string[]
  /** Every current article name. */
  list: string[]
  /** The rebuild's one-line summary, shown in the page. */
  summary: string
  /** Sources and books built this time, with their status (default: none, nothing changes). */
  sources?: PreviewSourceStatus[]
  /** Messages of the sources and books built this time; a built name without any is clean (default: none). */
  problems?: PreviewProblem[]
}

/** One entry of the page's source list. */
export interface PreviewEntry extends PreviewSourceStatus {
  problems: PreviewProblem[]
}

/** Everything a page needs to draw its source list and problems, sent on connect and after each rebuild. */
export interface PreviewSnapshot {
  /** Articles first (in the order of the watched sources), then books. */
  entries: PreviewEntry[]
  /** Names whose outputs changed in the rebuild that produced this snapshot. */
  changed: string[]
  /** Summary line of the last rebuild. */
  summary: string
  /** Increases with every rebuild: outputs are fetched with it, so no cache serves an old one. */
  version: number
}

/**
 * The preview's part of a build report: each built source's and book's
 * status and messages. Watch passes it to `PreviewServer.notify`.
 */
export function previewStatus(report: BuildReport, root: string): Pick<PreviewUpdate, 'sources' | 'problems'> {
  const items: Array<[SourceReport | PublicationReport, PreviewSourceStatus['kind']]> = [
    ...report.sources.map((source) => [source, 'article'] as [SourceReport, 'article']),
    ...report.publications.map((book) => [book, 'book'] as [PublicationReport, 'book'])
  ]
  return {
    sources: items.map(([item, kind]) => ({name: item.name, kind, failed: item.failed})),
    problems: items.flatMap(([item]) => messageFiles(item).flatMap((file) => file.messages.map((message) => problem(item.name, message, root))))
  }
}

function problem(name: string, message: VFileMessage, root: string): PreviewProblem {
  const file = message.file ?? ''
  const relative = path.isAbsolute(file) ? path.relative(root, file) : file
  return {
    name,
    file: relative && !relative.startsWith('..') ? relative : file,
    line: message.line,
    column: message.column,
    ruleId: message.ruleId,
    reason: message.reason,
    severity: message.fatal === true ? 'error' : message.fatal === false ? 'warning' : 'info'
  }
}

/** The server's memory of the sources: the last status and messages per name. */
export class PreviewState {
  readonly #articles: () => string[]
  readonly #books = new Set<string>()
  readonly #status = new Map<string, PreviewEntry>()
  #summary = 'Watching…'
  #changed: string[] = []
  #version = 0

  /** `articles`: the current article names (the watch session's live list). */
  constructor(articles: () => string[]) {
    this.#articles = articles
  }

  /** Take in a rebuild. */
  update(update: PreviewUpdate): void {
    for (const source of update.sources ?? []) {
      if (source.kind === 'book') this.#books.add(source.name)
      this.#status.set(source.name, {...source, problems: []})
    }
    for (const problem of update.problems ?? []) this.#status.get(problem.name)?.problems.push(problem)
    // Sources that are gone (deleted, renamed) forget their state.
    const articles = new Set([...update.list, ...this.#articles()])
    for (const name of this.#status.keys()) if (!this.#books.has(name) && !articles.has(name)) this.#status.delete(name)
    this.#summary = update.summary
    // Books appear in `names` as `book NAME`: the built entries name them plainly.
    this.#changed = [...new Set([...update.names, ...(update.sources ?? []).filter((source) => !source.failed).map((source) => source.name)])]
    this.#version++
  }

  /** Is `name` a current article or a book built in this session (the allow-list of outputs)? */
  has(name: string): boolean {
    return this.#books.has(name) || this.#articles().includes(name)
  }

  snapshot(): PreviewSnapshot {
    const entry = (name: string, kind: PreviewEntry['kind']): PreviewEntry => this.#status.get(name) ?? {name, kind, failed: false, problems: []}
    return {
      entries: [...this.#articles().map((name) => entry(name, 'article')), ...[...this.#books].map((name) => entry(name, 'book'))],
      changed: this.#changed,
      summary: this.#summary,
      version: this.#version
    }
  }
}
