/**
 * Package an EPUB 3 with epub-gen-memory, pinned so that the same input gives
 * the same bytes: our identifier, our dates, content-hashed image names and
 * fixed zip entry times. epub-gen-memory never fetches anything: images and
 * the cover are handed over as bytes.
 */
import {EPub, type Chapter, type Options} from 'epub-gen-memory'
import {SizedCache} from '../core/sized-cache.js'
import type {Asset} from '../core/types.js'
import type {PageListEntry} from '../render/epub-page-list.js'
import type {Labels} from '../render/labels.js'
import type {Templates} from '../render/templates.js'
import {zipEpub, type Zip} from './deflated-entries.js'

/** An entry of the navigation (nav and NCX), nested. */
export interface NavItem {
  title: string
  href: string
  children: NavItem[]
  /** The entry's language and direction, where they are not the book's (an article in another language). */
  lang?: string
  dir?: 'ltr' | 'rtl'
}

/** One XHTML chapter. */
export interface EpubChapter {
  /** File name inside the EPUB, e.g. `article.xhtml`. */
  filename: string
  title: string
  /** Sanitised body HTML. */
  html: string
  /** Masthead values for the chapter template. */
  article: {kicker?: string | undefined; subtitle?: string | undefined; byline: string[]; lang?: string; dir?: 'ltr' | 'rtl'}
}

/** A font file the EPUB embeds (a subset of a shipped font that the text needs). */
export interface EpubFont {
  /** Path inside the EPUB, e.g. `fonts/noto-sans-sc-12-400-normal.woff2`. */
  href: string
  mediaType: string
  data: Uint8Array
}

/** Everything an EPUB is made of. */
export interface EpubBook {
  id: string
  title: string
  subtitle?: string | undefined
  lang: string
  creators: string[]
  /**
   * `aut` when the creators are authors; `none` when the publisher stands in
   * (no role, so e-readers list it where they list authors, without claiming authorship).
   */
  creatorRole: 'aut' | 'none'
  publisher?: string | undefined
  /** `YYYY-MM-DD`, when the source has a date. */
  date?: string | undefined
  description?: string | undefined
  subjects: string[]
  /** `dcterms:modified` and every zip entry's time. */
  modified: Date
  chapters: EpubChapter[]
  nav: NavItem[]
  /** The printed PDF's pages, each to its marker (`epub:type="pagebreak"`): the `page-list` nav. */
  pageList?: PageListEntry[]
  /** What the page-list's numbers are pages of (`dc:source`): the PDF's file name. */
  pageSource?: string
  assets: Asset[]
  cover: {data: Uint8Array; mediaType: string; alt: string}
  generator: string
  labels: Labels
  /** Writing direction of the book (`rtl`: pages turn the other way). */
  dir?: 'ltr' | 'rtl'
  /** Fonts for scripts a reader may lack, and the `@font-face` rules that use them. */
  fonts?: {files: EpubFont[]; css: string}
}

const coverExtensions: Record<string, string> = {'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp'}

/** Build the EPUB file's bytes. */
export async function writeEpub(templates: Templates, book: EpubBook): Promise<Uint8Array> {
  const cover = {href: `cover.${coverExtensions[book.cover.mediaType] ?? 'png'}`, mediaType: book.cover.mediaType, alt: book.cover.alt}
  const navDepth = depth(book.nav)
  const options: Options & {book: Record<string, unknown>} = {
    title: book.title,
    author: book.creators,
    publisher: book.publisher ?? '',
    description: book.description ?? '',
    lang: book.lang,
    // The embedded fonts' rules come after the designer's styles.
    css: book.fonts?.css ? `${templates.epubCss}\n${book.fonts.css}` : templates.epubCss,
    chapterXHTML: templates.epub.chapter,
    contentOPF: templates.epub.contentOpf,
    tocXHTML: templates.epub.tocXhtml,
    tocNCX: templates.epub.tocNcx,
    version: 3,
    verbose: false,
    fonts: [],
    // Extra values our templates read (epub-gen-memory passes options through).
    book: {
      subtitle: book.subtitle,
      creators: book.creators,
      creatorRole: book.creatorRole,
      publisher: book.publisher,
      date: book.date,
      description: book.description,
      subjects: book.subjects,
      modified: book.modified.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      generator: book.generator,
      cover,
      assets: book.assets.map(({href, mediaType}) => ({href, mediaType})),
      hasImages: book.assets.length > 0,
      nav: book.nav,
      navDepth,
      pageList: book.pageList ?? [],
      pageSource: book.pageSource,
      labels: book.labels,
      dir: book.dir ?? 'ltr',
      fonts: (book.fonts?.files ?? []).map(({href, mediaType}) => ({href, mediaType})),
      accessibilitySummary:
        'Text with headings in reading order, a navigable table of contents' +
        (book.pageList?.length ? ', the page numbers of the printed PDF' : '') +
        (book.assets.length > 0 ? ', and text alternatives for images' : '') +
        '. No flashing, motion or sound.'
    }
  }
  const chapters: Chapter[] = book.chapters.map((chapter) => ({
    title: chapter.title,
    filename: chapter.filename,
    content: chapter.html,
    excludeFromToc: false,
    beforeToc: false,
    article: chapter.article
  }))

  const epub = new PinnedEPub(options, chapters, {book, cover, coverPage: templates.epub.cover({lang: book.lang, title: book.title, cover})})
  return epub.build()
}

interface Extra {
  book: EpubBook
  cover: {href: string; mediaType: string; alt: string}
  coverPage: string
}

/** epub-gen-memory with its random and time-dependent parts replaced by ours. */
class PinnedEPub extends EPub {
  private readonly extra: Extra

  constructor(options: Options, chapters: Chapter[], extra: Extra) {
    // A chapter normalised before (the same HTML) is not handed over to be parsed again.
    const kept = chapters.map((chapter) => normalised.get(chapter.content))
    super(
      options,
      chapters.map((chapter, index) => (kept[index] === undefined ? chapter : {...chapter, content: ''}))
    )
    this.extra = extra
    this.uuid = extra.book.id
    // epub-gen-memory renamed every <img> to `images/<random uuid>.<ext>` and queued
    // it for download. Point them back at our content-hashed names and download nothing.
    for (const image of this.images) {
      const random = `images/${image.id}.${image.extension}`
      for (const chapter of this.content) chapter.content = chapter.content.split(random).join(image.url)
    }
    this.images = []
    // It also drops every attribute outside its XHTML list, MathML's namespace,
    // `display` and `alttext` among them: put our MathML back as we rendered it.
    this.content.forEach((chapter, index) => {
      const original = chapters[index]?.content ?? ''
      const before = kept[index]
      if (before !== undefined) chapter.content = before
      else {
        chapter.content = restoreMath(chapter.content, original)
        normalised.set(original, chapter.content, original.length + chapter.content.length)
      }
    })
  }

  /** Render, pin zip entry times, and zip. */
  async build(): Promise<Uint8Array> {
    await this.render()
    const date = this.extra.book.modified
    this.zip.forEach((_, entry) => {
      entry.date = date
    })
    return zipEpub(this.zip as unknown as Zip)
  }

  protected override async downloadAllFonts(): Promise<void> {
    const oebps = this.zip.folder('OEBPS')!
    for (const font of this.extra.book.fonts?.files ?? []) oebps.file(font.href, font.data, entryOptions(font.mediaType))
  }

  protected override async downloadAllImages(): Promise<void> {
    const oebps = this.zip.folder('OEBPS')!
    for (const asset of this.extra.book.assets) oebps.file(asset.href, asset.data, entryOptions(asset.mediaType))
  }

  protected override async makeCover(): Promise<void> {
    const oebps = this.zip.folder('OEBPS')!
    oebps.file(this.extra.cover.href, this.extra.book.cover.data, entryOptions(this.extra.book.cover.mediaType))
    oebps.file('cover.xhtml', this.extra.coverPage)
  }
}

/**
 * Media types whose files are compressed already: deflating them again costs
 * time and saves nothing. Not PNG: the generated cover's shrinks by a quarter
 * to two thirds.
 */
const compressed = new Set(['image/jpeg', 'image/gif', 'image/webp', 'font/woff2', 'font/woff'])

/** A binary file's zip options: stored as it is when it is compressed already. */
function entryOptions(mediaType: string): {binary: true; compression?: 'STORE'} {
  return compressed.has(mediaType) ? {binary: true, compression: 'STORE'} : {binary: true}
}

/**
 * Chapters as epub-gen-memory normalised them (parsed, its attributes kept,
 * serialised as XML) and we restored them, by their HTML: the least recently
 * used go first. A watch session rebuilding a 200-article book after an edit
 * has one chapter normalised again, not 200 (about 0.2 s an edit). The
 * result depends on the HTML alone (the random image names are ours again).
 */
// Kept up to 32 million characters, HTML and result (a 200-article book's chapters: 1.5 million each way).
const normalised = new SizedCache<string, string>(32 * 1024 * 1024)

const mathElement = /<math[\s>][\s\S]*?<\/math>/g

/** The `<math>` elements of `normalised` replaced, in order, by those of `original`. */
function restoreMath(normalised: string, original: string): string {
  const ours = original.match(mathElement)
  if (!ours) return normalised
  let index = 0
  return normalised.replace(mathElement, (found) => (index < ours.length ? xmlAttributeValues(ours[index++]!) : found))
}

/**
 * `markup` with `<` written `&lt;` in its (double-quoted) attribute values:
 * HTML takes it there and our serialiser writes it as it is, XML does not
 * (`alttext="a<b"`, a formula's TeX). A `<` in text is written `&lt;` already,
 * so any left inside quotes is in an attribute value.
 */
function xmlAttributeValues(markup: string): string {
  return markup.replace(/="[^"]*"/g, (value) => value.replaceAll('<', '&lt;'))
}

function depth(items: NavItem[]): number {
  return items.length === 0 ? 0 : 1 + Math.max(...items.map((item) => depth(item.children)))
}
