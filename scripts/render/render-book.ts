/**
 * Publication → the compiled book's print HTML: cover, title page, contents
 * (page numbers read from the printed body), then each article with its own
 * running head; the front matter and the body can be rendered as documents
 * of their own (see `print-book.ts`). Ids are prefixed per article so that articles cannot
 * collide, and body headings move one level down under the article titles so
 * the PDF's bookmarks nest book → article → question.
 */
import type {Element, Root} from 'hast'
import {stringify} from '../markdown/stringify.js'
import {visit} from 'unist-util-visit'
import type {PageSize, Publication} from '../config/schema.js'
import type {CrossReference, Document, OutlineEntry} from '../core/types.js'
import type {ResolveReference} from './cross-references.js'
import {labelsFor} from './labels.js'
import {articleOutline, printTree, scriptFontsFor} from './render-print.js'
import {articleData, publicationData} from './template-data.js'
import type {Templates} from './templates.js'
import {documentIds} from '../core/element-ids.js'

/** The book and what it is made of. */
export interface BookInput {
  publication: Publication
  /** Articles in reading order. */
  documents: Document[]
  /** The book's date (pinned like every output's). */
  date: Date
  publisher?: string | undefined
  cover: {href: string; alt: string}
  pageSize: PageSize
  /** Footer text opposite the page number (the config's `theme.footer`; default: the publisher). */
  footer?: string | undefined
  /** Page of each article (by `articleId`), from a previous pass; `undefined` on the first. */
  pages?: ReadonlyMap<string, number>
  /** Articles (by id) preceded by a blank page, so that they start on a right-hand page. */
  blankBefore?: ReadonlySet<string>
  /**
   * Which part to render: the whole book (default), the front matter (cover,
   * title page, contents: printed on their own, then put before the body),
   * the body (the articles, folios from 1), or the folios (the body's
   * footers alone, on empty pages: `folios`).
   */
  part?: BookPart
  /** The body's articles to render, `[from, to)` (0-based; default: all): a run of the body printed on its own. */
  range?: readonly [number, number]
  /**
   * Part `folios`: the body's page count, its pages (0-based) that have no
   * footer (blank pages), and the page (from 1) where each article starts (by
   * id): its running head is on its other pages, not above its masthead.
   */
  folios?: {count: number; blank: ReadonlySet<number>; starts?: ReadonlyMap<string, number>}
}

/** A part of the book printed as a document of its own (see `BookInput.part`). */
export type BookPart = 'all' | 'front' | 'body' | 'folios'

/** What a call of a `bookRenderer` can choose. */
export type BookLayout = Pick<BookInput, 'pages' | 'blankBefore' | 'part' | 'range' | 'folios'>

/** The book page and its expected bookmark titles, depth-first. */
export interface BookPage {
  html: string
  outline: OutlineEntry[]
  /** Element id of each article, in order. */
  articleIds: string[]
  /** A run of the body: ids in other runs that it links to (it has empty elements with them, to be dropped from its destinations). */
  foreignIds: string[]
}

/** Element id of the `index`-th article (0-based). */
export function articleId(index: number): string {
  return `a${index + 1}`
}

/** Render the book's print HTML. */
export function renderBook(templates: Templates, input: BookInput): BookPage {
  return bookRenderer(templates, input)(input)
}

/** An article's body as the book prints it, and what it was rendered from besides its document. */
interface RenderedArticle {
  /** Its index in the book and the book's language. */
  context: string
  /** The links it resolved, in order, and where they went. */
  calls: Array<[CrossReference, string | undefined]>
  outline: OutlineEntry[]
  body: string
}

/**
 * Articles as last rendered, by templates (their labels) and document: a
 * watch session keeps the documents of the articles it did not parse again,
 * so a book's rebuild renders (and hyphenates) only the edited one.
 */
const renderedByTemplates = new WeakMap<Templates, WeakMap<Document, RenderedArticle>>()

function renderedArticles(templates: Templates): WeakMap<Document, RenderedArticle> {
  let rendered = renderedByTemplates.get(templates)
  if (!rendered) {
    rendered = new WeakMap()
    renderedByTemplates.set(templates, rendered)
  }
  return rendered
}

/**
 * `document` as the book prints it, at `context` (see `RenderedArticle`):
 * remembered in `rendered` when it was last rendered in the same context and
 * its links, resolved again in the same order, go where they went.
 */
function renderArticle(document: Document, id: string, context: string, resolve: ResolveReference, notesLabel: string, rendered: WeakMap<Document, RenderedArticle>): RenderedArticle {
  const known = rendered.get(document)
  if (known?.context === context && known.calls.every(([reference, href]) => resolve(reference) === href)) return known
  const calls: RenderedArticle['calls'] = []
  const {tree, hasNotes} = printTree(document, (reference) => {
    const href = resolve(reference)
    calls.push([reference, href])
    return href
  })
  prefixIds(tree, id)
  shiftHeadings(tree)
  const article = {context, calls, outline: articleOutline(document, hasNotes ? notesLabel : undefined, 1), body: stringify(tree)}
  rendered.set(document, article)
  return article
}

/**
 * A renderer of the book's parts: the articles are rendered once, each call
 * lays out the page (the part, its page numbers and blank pages from `options`).
 */
export function bookRenderer(templates: Templates, input: Omit<BookInput, keyof BookLayout>): (options: BookLayout) => BookPage {
  const {publication, documents} = input
  const labels = labelsFor(publication.lang)
  const indexByPath = new Map(documents.map((document, index) => [document.file.path, index]))
  const outline: OutlineEntry[] = [
    {title: publication.title, level: 0},
    {title: labels.contents, level: 1}
  ]
  // Ids other articles link to, by the index of the article that has them: a run of the body
  // printed on its own names them (its PDF's destinations), for links from the other runs.
  const linkedIds = documents.map(() => new Set<string>())
  // What each article links to in other articles: [target article, id].
  const outgoing = documents.map(() => [] as Array<[number, string]>)
  // Ids of each article: a link to one it lacks (a warning, `checkCrossReferences`) goes to the article's start,
  // as in the EPUB; else the run linking to it would name an empty target that no run has.
  const idsOf = documents.map((document) => documentIds(document))
  const rendered = renderedArticles(templates)
  const articles = documents.map((document, index) => {
    const id = articleId(index)
    const resolve = (reference: CrossReference) => {
      const target = indexByPath.get(reference.target)
      if (target === undefined) return undefined
      const fragment = reference.fragment && idsOf[target]!.has(reference.fragment) ? reference.fragment : ''
      const targetId = `${articleId(target)}${fragment ? `-${fragment}` : ''}`
      linkedIds[target]!.add(targetId)
      outgoing[index]!.push([target, targetId])
      return `#${targetId}`
    }
    // A remembered article's links are resolved again (in the same order), for what `resolve` notes of
    // the other articles; a replay cut short by a changed link, then the new render, may note a link twice
    // (`linkedIds` is a set, and `foreign` below takes each id once).
    const article = renderArticle(document, id, `${index}\n${publication.lang}`, resolve, labels.notes, rendered)
    outline.push({title: document.meta.title, level: 1}, ...article.outline)
    return {...articleData(document, input.publisher ?? publication.title), id, page: `article-${index + 1}`, body: article.body}
  })

  const common = publicationData(publication, input.date, input.publisher)
  // KaTeX's stylesheet and fonts only when an article shown has math (`rehypeMath`).
  const articleIds = articles.map((article) => article.id)
  return (options) => {
    const part = options.part ?? 'all'
    const [from, to] = options.range ?? [0, articles.length]
    const shown = articles.slice(from, to)
    const foreign = part === 'body' ? [...new Set(outgoing.slice(from, to).flatMap((links) => links.filter(([target]) => target < from || target >= to).map(([, id]) => id)))].sort() : []
    const data = {
      ...common,
      part,
      pageSize: input.pageSize,
      footer: input.footer,
      blankBefore: options.blankBefore ?? new Set(),
      cover: input.cover,
      // Two digits' worth of placeholder on the first pass keeps the contents the same width.
      // A run of the body names only its own articles (its PDF's destinations).
      // An article in another language than the book's: its title with its own language and direction.
      toc: (part === 'body' ? shown : articles).map((article) => ({
        id: article.id,
        title: article.title,
        page: options.pages?.get(article.id) ?? '00',
        ...(article.lang === publication.lang ? {} : {lang: article.lang, dir: article.dir})
      })),
      // The front matter names the articles (contents) but does not print them; the folios neither.
      articles: part === 'front' || part === 'folios' ? [] : shown,
      // Running heads (one named page per article): printed with the folios, laid over the body's runs;
      // in one document ('all'), on every page of the article.
      runningHeads: (part === 'folios' ? articles : part === 'all' ? shown : []).map(({page, dir, runningHead}) => ({page, dir, runningHead})),
      folios: {...(options.folios ?? {count: 0, blank: new Set<number>()}), heads: part === 'folios' && options.folios ? pageHeads(articles, options.folios) : []},
      // A run of the body: the ids of its articles that the other runs link to, and the ids
      // in other runs that it links to (empty targets, so that Chromium keeps the links).
      linked: part === 'body' ? linkedIds.slice(from, to).flatMap((ids) => [...ids].sort()) : [],
      foreign,
      hasMath: part !== 'front' && part !== 'folios' && shown.some((article) => article.body.includes('class="katex"'))
    }
    // The other scripts' fonts that some article or the front matter needs.
    const html = templates.book({...data, scriptFonts: scriptFontsFor(data)})
    return {html, outline, articleIds, foreignIds: foreign}
  }
}

/**
 * The named page of each of the body's pages (0-based) for its running head:
 * the article's, from the page after its first (its masthead says its title)
 * to its last; `''` for an article's first page and for blank pages.
 */
function pageHeads(articles: ReadonlyArray<{id: string; page: string}>, folios: NonNullable<BookInput['folios']>): string[] {
  const heads = Array.from({length: folios.count}, () => '')
  const starts = articles.map((article) => folios.starts?.get(article.id))
  articles.forEach((article, index) => {
    const start = starts[index]
    if (start === undefined) return
    const next = starts.slice(index + 1).find((page) => page !== undefined) ?? folios.count + 1
    for (let page = start + 1; page < next; page++) if (!folios.blank.has(page - 1)) heads[page - 1] = article.page
  })
  return heads
}

/** Prefix every id and in-page reference of an article with `<prefix>-`. */
function prefixIds(tree: Root, prefix: string): void {
  visit(tree, 'element', (node: Element) => {
    const {properties} = node
    if (typeof properties.id === 'string') properties.id = `${prefix}-${properties.id}`
    if (typeof properties.href === 'string' && properties.href.startsWith('#')) {
      // Links already pointing into another article (cross-references) start with `#a<N>`.
      if (!/^#a\d+(-|$)/.test(properties.href)) properties.href = `#${prefix}-${properties.href.slice(1)}`
    }
    for (const key of ['ariaDescribedBy', 'ariaLabelledBy'] as const) {
      const value = properties[key]
      if (Array.isArray(value)) properties[key] = value.map((token) => `${prefix}-${token}`)
      else if (value !== undefined && value !== null)
        properties[key] = String(value)
          .split(/\s+/)
          .map((token) => `${prefix}-${token}`)
    }
  })
}

/** h1 → h2 … h5 → h6 (h6 stays): the article title is the h2 of the book. */
function shiftHeadings(tree: Root): void {
  visit(tree, 'element', (node: Element) => {
    const match = /^h([1-6])$/.exec(node.tagName)
    if (match) node.tagName = `h${Math.min(6, Number(match[1]) + 1)}`
  })
}
