/**
 * Document model → the EPUB book description: a single-article handout, or
 * (`epubFromPublication`) a compiled book with one chapter per article.
 */
import type {Publication} from '../config/schema.js'
import type {Asset, Document, Heading} from '../core/types.js'
import type {ResolveReference} from '../render/cross-references.js'
import {formatDate, labelsFor} from '../render/labels.js'
import type {PageStart} from '../render/epub-page-list.js'
import {type EpubPageList, renderEpubBody} from '../render/render-epub.js'
import {generator} from '../core/version.js'
import {uuidFrom} from '../core/uuid.js'
import {codePointsOf, codeTextOf, epubFontsFor} from './epub-fonts.js'
import type {EpubBook, EpubChapter, NavItem} from './write-epub.js'
import {documentIds} from '../core/element-ids.js'

type Cover = {data: Uint8Array; mediaType: string}

/**
 * Describe the EPUB of one article; `cover` is the cover image's bytes,
 * `pageStarts` where the pages of its printed PDF begin (`pdf/page-starts.ts`),
 * when there is one: the EPUB then has page markers and a page-list.
 */
export function epubFromDocument(document: Document, cover: Cover, pageStarts?: PageStart[]): EpubBook {
  const {meta} = document
  const filename = 'article.xhtml'
  const pageList: EpubPageList | undefined = pageStarts ? {starts: pageStarts, filename} : undefined
  const chapter = chapterOf(document, filename, undefined, pageList)
  return withScripts(
    {
      id: document.id,
      title: meta.title,
      subtitle: meta.subtitle,
      lang: meta.lang,
      ...creatorsOf(meta.author, meta.publisher),
      publisher: meta.publisher,
      date: meta.date ?? document.date.toISOString().slice(0, 10),
      description: meta.description,
      subjects: meta.tags,
      modified: document.date,
      chapters: [chapter],
      nav: [{title: meta.title, href: filename, children: nest(document.headings, filename)}],
      ...(pageList?.entries ? {pageList: pageList.entries, pageSource: `${document.name}.pdf`} : {}),
      assets: [...document.assets.values()],
      cover: {...cover, alt: `Cover: ${meta.title}${meta.publisher ? `, ${meta.publisher}` : ''}`},
      generator,
      labels: labelsFor(meta.lang)
    },
    [document]
  )
}

/** The book's direction (from its language) and the fonts its text and its articles' code need. */
function withScripts(book: EpubBook, documents: readonly Document[]): EpubBook {
  const text = codePointsOf([book.title, book.subtitle ?? ''])
  const code = new Set<number>()
  book.chapters.forEach((chapter, index) => {
    const points = codePointsUsed(chapter, documents[index]!)
    for (const point of points.text) text.add(point)
    for (const point of points.code) code.add(point)
  })
  const fonts = epubFontsFor(text, code)
  return {...book, dir: book.labels.dir, ...(fonts ? {fonts} : {})}
}

/**
 * The code points of a chapter's text and of its article's code, kept by
 * document while the chapter reads the same: a watch session rebuilding a
 * 200-article book after an edit reads one chapter's characters again, not
 * every chapter's (reading them all took about 0.2 s an edit).
 */
const used = new WeakMap<Document, {html: string; rest: string; text: Set<number>; code: Set<number>}>()

function codePointsUsed(chapter: EpubChapter, document: Document): {text: ReadonlySet<number>; code: ReadonlySet<number>} {
  const rest = [chapter.title, chapter.article.kicker ?? '', chapter.article.subtitle ?? '', ...chapter.article.byline].join('\n')
  const kept = used.get(document)
  if (kept && kept.html === chapter.html && kept.rest === rest) return kept
  // A document model never changes once parsed: its code is the same whatever its chapter says.
  const code = kept?.code ?? codePointsOf([codeTextOf(document.tree)])
  const entry = {html: chapter.html, rest, text: codePointsOf([chapter.html, rest]), code}
  used.set(document, entry)
  return entry
}

/** What a publication's book needs besides its articles. */
export interface PublicationBookInput {
  publication: Publication
  /** Articles in reading order. */
  documents: Document[]
  date: Date
  publisher?: string | undefined
  cover: Cover
}

/** Describe the EPUB of a compiled book: one chapter per article, nested navigation. */
export function epubFromPublication(input: PublicationBookInput): EpubBook {
  const {publication, documents} = input
  const files = documents.map((document, index) => `${String(index + 1).padStart(3, '0')}-${document.name}.xhtml`)
  const fileByPath = new Map(documents.map((document, index) => [document.file.path, files[index]!]))
  const idsByPath = new Map(documents.map((document) => [document.file.path, documentIds(document)]))
  // A link to an id the article lacks (a warning of the book's) goes to the article's start,
  // as in the PDF: a dangling fragment is an epubcheck error (RSC-012).
  const resolve: ResolveReference = (reference) => {
    const file = fileByPath.get(reference.target)
    if (file === undefined) return undefined
    return reference.fragment && idsByPath.get(reference.target)!.has(reference.fragment) ? `${file}#${reference.fragment}` : file
  }
  const assets = new Map<string, Asset>()
  for (const document of documents) for (const asset of document.assets.values()) assets.set(asset.href, asset)
  const subjects = [...new Set(documents.flatMap((document) => document.meta.tags))]
  return withScripts(
    {
      id: publication.identifier ?? uuidFrom(['publication', publication.name, publication.title].join('\n')),
      title: publication.title,
      subtitle: publication.subtitle,
      lang: publication.lang,
      ...creatorsOf(publication.author, input.publisher),
      publisher: input.publisher,
      date: publication.date ?? input.date.toISOString().slice(0, 10),
      description: publication.description,
      subjects,
      modified: input.date,
      chapters: documents.map((document, index) => chapterOf(document, files[index]!, resolve)),
      nav: documents.map((document, index) => inLanguage({title: document.meta.title, href: files[index]!, children: nest(document.headings, files[index]!)}, document.meta.lang, publication.lang)),
      assets: [...assets.values()],
      cover: {...input.cover, alt: `Cover: ${publication.title}${input.publisher ? `, ${input.publisher}` : ''}`},
      generator,
      labels: labelsFor(publication.lang)
    },
    documents
  )
}

/**
 * `item` and its children marked with an article's language and direction
 * when they are not the book's: a Hebrew title in an English book's contents
 * reads right to left, isolated from the list around it.
 */
function inLanguage(item: NavItem, lang: string, bookLang: string): NavItem {
  if (lang === bookLang) return item
  const dir = labelsFor(lang).dir
  const mark = (entry: NavItem): NavItem => ({...entry, lang, dir, children: entry.children.map(mark)})
  return mark(item)
}

/** One article as an EPUB chapter. */
function chapterOf(document: Document, filename: string, resolve?: ResolveReference, pageList?: EpubPageList): EpubChapter {
  const {meta} = document
  const byline = [formatDate(document.date, meta.lang), ...authorsOf(meta.author), meta.publisher].filter((part): part is string => Boolean(part))
  const labels = labelsFor(meta.lang)
  return {filename, title: meta.title, html: renderEpubBody(document, resolve, pageList), article: {kicker: meta.kicker, subtitle: meta.subtitle, byline, lang: meta.lang, dir: labels.dir}}
}

/** The authors as creators; without any, the publisher stands in (with no author role). */
function creatorsOf(author: string | string[] | undefined, publisher: string | undefined): Pick<EpubBook, 'creators' | 'creatorRole'> {
  const authors = authorsOf(author)
  if (authors.length > 0) return {creators: authors, creatorRole: 'aut'}
  return {creators: publisher ? [publisher] : [], creatorRole: 'none'}
}

function authorsOf(author: string | string[] | undefined): string[] {
  return author === undefined ? [] : [author].flat()
}

/** Nest a flat heading list by depth. */
export function nest(headings: readonly Heading[], file: string): NavItem[] {
  const root: NavItem[] = []
  const stack: Array<{depth: number; children: NavItem[]}> = [{depth: 0, children: root}]
  for (const heading of headings) {
    while (stack.length > 1 && stack[stack.length - 1]!.depth >= heading.depth) stack.pop()
    const item: NavItem = {title: heading.text, href: `${file}#${heading.id}`, children: []}
    stack[stack.length - 1]!.children.push(item)
    stack.push({depth: heading.depth, children: item.children})
  }
  return root
}
