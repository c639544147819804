/**
 * A book: the publication of many articles. Its articles are ordered and
 * their links to each other checked; its PDF is printed as a body and a front
 * matter (the contents need the body's page numbers) put together; its EPUB
 * has a chapter per article.
 */
import fs from 'node:fs'
import path from 'node:path'
import {VFile} from 'vfile'
import {type Place, publicationPlace} from '../config/publication-place.js'
import {digest} from '../content/file-reads.js'
import {pageBoxOf} from '../pdf/page-box.js'
import type {BuildOptions, Publication} from '../config/schema.js'
import type {Asset, Document} from '../core/types.js'
import {loadImage} from '../content/load-image.js'
import {epubFromPublication} from '../epub/epub-from-document.js'
import {publicationData} from '../render/template-data.js'
import {assetsOf, type Image, pdfInfo, type Printed, type Product, type ProduceContext} from './produce.js'
import {documentIds} from '../core/element-ids.js'

/** Order documents as the publication says. */
export function orderDocuments(publication: Publication, documents: Document[]): Document[] {
  if (Array.isArray(publication.sources) || publication.sort === 'none') return documents
  const byName = (a: Document, b: Document) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  if (publication.sort === 'name') return [...documents].sort(byName)
  // Oldest first; undated articles last, by name.
  const dateOf = (document: Document) => document.meta.date ?? '9999'
  return [...documents].sort((a, b) => (dateOf(a) < dateOf(b) ? -1 : dateOf(a) > dateOf(b) ? 1 : byName(a, b)))
}

/**
 * Warn about links between articles that the book cannot follow: to a file
 * outside the publication (one that does not exist at all was reported by
 * its parse), or to a heading that does not exist. The warnings
 * are the book's: one new file per article that has some (the article's own
 * file was reported when it was built, and is kept as its parse left it).
 */
export function checkCrossReferences(publication: Publication, documents: readonly Document[], cwd?: string): VFile[] {
  const ids = new Map(documents.map((document) => [document.file.path, documentIds(document)]))
  const files: VFile[] = []
  for (const document of documents) {
    const file = new VFile({path: document.file.path, ...(cwd ? {cwd} : {})})
    for (const reference of document.crossReferences) {
      const target = ids.get(reference.target)
      const name = path.relative(path.dirname(document.file.path), reference.target)
      if (!target) {
        // A file that does not exist: its parse said so (`cross-reference-missing`).
        if (!fs.existsSync(reference.target)) continue
        file.message(`Link to \`${name}\`, which is not in publication \`${publication.name}\`: the book prints its text only`, {
          place: reference.position,
          ruleId: 'cross-reference-outside',
          source: 'handout:cross-references'
        })
      } else if (reference.fragment && !target.has(reference.fragment)) {
        file.message(`Link to \`${name}#${reference.fragment}\`: no heading or element with id \`${reference.fragment}\` there`, {
          place: reference.position,
          ruleId: 'cross-reference-anchor',
          source: 'handout:cross-references'
        })
      }
    }
    if (file.messages.length > 0) files.push(file)
  }
  return files
}

/** The book's date: `SOURCE_DATE_EPOCH`, else its `date`, else the newest article's. */
export function bookDate(publication: Publication, documents: readonly Document[], sourceDateEpoch: number | undefined): Date {
  if (sourceDateEpoch !== undefined) return new Date(sourceDateEpoch * 1000)
  if (publication.date) return new Date(publication.date + 'T00:00:00Z')
  return new Date(Math.max(...documents.map((document) => document.date.getTime())))
}

/**
 * The book of `publication` from its ordered articles, or `undefined` when
 * it cannot be made (no articles, an unusable cover: `file` says why).
 */
export function bookProduct(options: BuildOptions, publication: Publication, documents: Document[], file: VFile, place?: Place): Product | undefined {
  if (documents.length === 0) {
    file.message(`Publication \`${publication.name}\` has no articles: check its \`sources\``, {place, ruleId: 'publication-empty', source: 'handout:config'}).fatal = true
    return undefined
  }
  const date = bookDate(publication, documents, options.sourceDateEpoch)
  const publisher = publication.publisher ?? documents.find((document) => document.meta.publisher)?.meta.publisher
  let cover: Asset | undefined
  if (publication.cover) {
    // Checked like every image, with the same limits as an article's cover.
    const loaded = loadImage(publication.cover, path.dirname(file.path), path.resolve(options.root), {
      accept: ['image/png', 'image/jpeg'],
      maxBytes: options.limits.imageBytes,
      maxPixels: options.limits.imagePixels
    })
    if (!loaded.ok) {
      file.message(`Publication \`${publication.name}\` \`cover\`: ${loaded.reason}`, {
        place: publicationPlace(file.path, publication.name, 'cover'),
        ruleId: loaded.ruleId,
        source: 'handout:config'
      }).fatal = true
      return undefined
    }
    cover = loaded.asset
  }
  const data = publicationData(publication, date, publisher)
  return {
    name: publication.name,
    file,
    pdfInfo: pdfInfo({
      title: publication.title,
      author: publication.author,
      publisher,
      description: publication.description,
      tags: [...new Set(documents.flatMap((document) => document.meta.tags))],
      date,
      lang: publication.lang
    }),
    cover: cover ?? data,
    print: (context, coverImage) => printBookPdf(context, publication, documents, {date, publisher, cover: coverImage}),
    package: (coverImage) => epubFromPublication({publication, documents, date, publisher, cover: coverImage})
  }
}

async function printBookPdf(
  context: ProduceContext,
  publication: Publication,
  documents: Document[],
  book: {date: Date; publisher: string | undefined; cover: () => Promise<Image>}
): Promise<Printed> {
  const [{printBook}, {bookRenderer}] = await Promise.all([import('../pdf/print-book.js'), import('../render/render-book.js')])
  const image = await book.cover()
  const assets = assetsOf(documents)
  // Named by its content, as every asset is: the print cache keys a print by its assets' names.
  const coverHref = `cover-${digest(image.data).slice(0, 16)}.${image.mediaType === 'image/jpeg' ? 'jpg' : 'png'}`
  assets.set(coverHref, {href: coverHref, mediaType: image.mediaType, data: image.data, source: 'cover'})
  for (const [href, asset] of context.theme.assets) assets.set(href, asset)
  const pageSize = publication.pageSize ?? context.theme.pageSize ?? context.options.pageSize
  const render = bookRenderer(context.templates, {
    publication,
    documents,
    date: book.date,
    publisher: book.publisher,
    pageSize,
    footer: context.theme.footer,
    cover: {href: coverHref, alt: `Cover: ${publication.title}`}
  })
  const [session, cache] = await Promise.all([context.browser(), context.prints?.()])
  const printed = await printBook(session, {
    timings: context.timings,
    render,
    articleCount: documents.length,
    cache,
    rectoStart: publication.rectoStart,
    styles: {'print.css': context.templates.printCss, 'book.css': context.templates.bookCss + context.theme.css},
    assets,
    templateFiles: context.templates.dir,
    timeout: context.options.timeout
  })
  return {
    pdf: printed.body,
    front: {pdf: printed.front, evenPages: publication.rectoStart === true},
    // `printBook` cleans each part as it prints it.
    partsClean: true,
    outline: printed.page.outline,
    blocked: printed.blocked,
    // A size Chromium rounds (B5, `176mm 250mm`) set exactly, as on a handout.
    pageBox: pageBoxOf(pageSize),
    articlePages: printed.page.articleIds.map((id) => printed.pages.get(id)!)
  }
}
