/**
 * The plan of a build: which documents to parse and which products to make
 * from them (a handout per article, a book per publication), from the
 * project's sources, its config and the options. `build` runs a whole plan;
 * `watch` runs the part of the same plan that a change touches.
 */
import path from 'node:path'
import type {MarkdownConfig} from '../config/resolve-plugins.js'
import type {BuildOptions, Config, PageSize, Publication, Theme, WrittenPublication} from '../config/schema.js'
import {type SourceEntry, shardSources} from '../content/find-sources.js'
import {selectPublication} from '../content/select-publication.js'

/** A handout to make: one article, published alone. */
export interface HandoutPlan {
  source: SourceEntry
  /** Paper size of its publication, if one sets it (front matter still wins; else the option). */
  pageSize?: PageSize | undefined
}

/** A book to make: a publication of many articles. */
export interface BookPlan {
  publication: Publication
  /** Its articles, in the publication's list order (sorted later, when dates are known). */
  sources: SourceEntry[]
  /** Listed files that are not sources: the book is not made (its report says why). */
  missing: string[]
  /** Listed files listed again: a warning; the book has each once. */
  repeated: string[]
}

/** What one build does. */
export interface BuildPlan {
  /** Sources to parse, in scan order: every handout's, and every book member's. */
  sources: SourceEntry[]
  /** Handouts to make, by source path. */
  handouts: Map<string, HandoutPlan>
  books: BookPlan[]
  /** The config file's path (messages about publications go there). */
  configPath: string
  /** The config's theme. */
  theme?: Theme | undefined
  /** The config's plugins and sanitiser additions, and the language of sources that set none (none when absent). */
  markdown?: MarkdownConfig | undefined
}

/** Thrown for a plan that cannot be made (an unknown `--publication`): a usage error. */
export class PlanError extends Error {
  override name = 'PlanError'
}

/**
 * Decide what to build. Explicit paths: their handouts only. `--publication`:
 * that publication. Otherwise every publication, plus a handout for every
 * source that is in no publication or in one that wants handouts. A shard
 * takes every n-th handout and every n-th book (with the articles it needs).
 */
export function planBuild(config: Pick<Config, 'publications' | 'theme' | 'lang'>, all: SourceEntry[], options: BuildOptions, configPath: string, markdown?: MarkdownConfig): BuildPlan {
  const root = path.resolve(options.root)
  // The language of what does not name its own: `--lang`, else the config's.
  const lang = options.lang ?? config.lang
  const chosen = choosePublications(config, options).map((publication): Publication => ({...publication, lang: publication.lang ?? lang ?? 'en'}))
  const publications = chosen.map((publication) => {
    let selected: ReturnType<typeof selectPublication>
    try {
      selected = selectPublication(publication, all, root)
    } catch (error) {
      // A glob too long or too large to match safely: the config's mistake, bad usage.
      throw new PlanError((error as Error).message, {cause: error})
    }
    return {publication, sources: selected.sources, missing: selected.missing, repeated: selected.repeated}
  })

  const inBooks = new Set(publications.flatMap((entry) => entry.sources.map((source) => source.path)))
  // A handout's publication (the first that wants handouts) may set its paper size.
  const handoutOf = new Map<string, Publication>()
  for (const entry of publications) {
    if (!entry.publication.outputs.includes('handouts')) continue
    for (const source of entry.sources) if (!handoutOf.has(source.path)) handoutOf.set(source.path, entry.publication)
  }
  let handouts = options.publication ? all.filter((source) => handoutOf.has(source.path)) : all.filter((source) => !inBooks.has(source.path) || handoutOf.has(source.path))
  let books = publications.filter((entry) => entry.publication.outputs.includes('book'))
  if (options.shard) {
    handouts = shardSources(handouts, options.shard)
    books = shardSources(books, options.shard)
  }
  const handoutPlans = new Map(handouts.map((source) => [source.path, {source, pageSize: handoutOf.get(source.path)?.pageSize}]))
  const needed = new Set([...handoutPlans.keys(), ...books.flatMap((entry) => entry.sources.map((source) => source.path))])
  const parsing = lang === undefined ? markdown : {...(markdown ?? {remarkPlugins: [], rehypePlugins: [], classes: {}}), lang}
  return {sources: all.filter((source) => needed.has(source.path)), handouts: handoutPlans, books, configPath, theme: config.theme, markdown: parsing}
}

function choosePublications(config: Pick<Config, 'publications'>, options: BuildOptions): WrittenPublication[] {
  if (!options.publication) return options.inputs.length > 0 ? [] : config.publications
  const chosen = config.publications.filter((publication) => publication.name === options.publication)
  if (chosen.length === 0) {
    const names = config.publications.map((publication) => `\`${publication.name}\``)
    throw new PlanError(`Unknown publication \`${options.publication}\`: ${names.length > 0 ? `the config has ${names.join(', ')}` : 'the project config declares no publications'}`)
  }
  return chosen
}

/** What changed since the last run of a plan (watch mode). */
export interface Change {
  /** Sources (and their images) that were edited, added, removed or renamed, by absolute path. */
  touched: ReadonlySet<string>
  /** Everything is stale (first build, templates changed). */
  everything: boolean
  /**
   * The config changed: every book, and handouts that are new or whose paper size
   * changed; everything when what parsing takes from it changed (`markdown`).
   */
  config?: boolean
}

/**
 * The part of `plan` that `change` touches: handouts of touched sources,
 * books with a touched member or whose members changed since `previous`, and
 * the sources to parse for them (touched ones, and members with no good parse
 * in `parsed`).
 */
export function planChange(plan: BuildPlan, change: Change, parsed: ReadonlyMap<string, unknown>, previous: BuildPlan | undefined): BuildPlan {
  // Other plugins, sanitiser classes, kicker or language: every source parses differently.
  if (change.everything || (change.config && JSON.stringify(plan.markdown) !== JSON.stringify(previous?.markdown))) return plan
  // After a config edit: handouts that are new or get another paper size, and every book.
  const unchanged = (file: string, handout: HandoutPlan) => previous?.handouts.has(file) === true && previous.handouts.get(file)?.pageSize === handout.pageSize
  const handouts = new Map([...plan.handouts].filter(([file, handout]) => change.touched.has(file) || (change.config && !unchanged(file, handout))))
  const membersBefore = new Map(previous?.books.map((book) => [book.publication.name, book.sources.map((source) => source.path).join('\n')]))
  const members = (book: BookPlan) => book.sources.map((source) => source.path).join('\n')
  const coverTouched = (book: BookPlan) => {
    const cover = bookCover(plan, book)
    return cover !== undefined && change.touched.has(cover)
  }
  const books = plan.books.filter(
    (book) => change.config || book.sources.some((source) => change.touched.has(source.path)) || coverTouched(book) || membersBefore.get(book.publication.name) !== members(book)
  )
  const needed = new Set(handouts.keys())
  for (const book of books) for (const source of book.sources) if (change.touched.has(source.path) || !parsed.has(source.path)) needed.add(source.path)
  return {...plan, sources: plan.sources.filter((source) => needed.has(source.path)), handouts, books}
}

/** The absolute path of a book's own cover image (its publication's `cover`, relative to the config file), if it has one. */
export function bookCover(plan: Pick<BuildPlan, 'configPath'>, book: BookPlan): string | undefined {
  return book.publication.cover === undefined ? undefined : path.resolve(path.dirname(plan.configPath), book.publication.cover)
}
