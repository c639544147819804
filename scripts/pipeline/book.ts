/**
 * A publication's compiled book, top-down: order its parsed articles → check
 * links between them → render the book page → print it in two passes (the
 * contents need page numbers) → package the EPUB → write both atomically.
 */
import path from 'node:path'
import {VFile} from 'vfile'
import type {BuildOptions, Format, Publication} from '../config/schema.js'
import {epubFromPublication} from '../epub/epub-from-document.js'
import type {CoverCache} from '../cover/cover-cache.js'
import {timed, type PhaseTimings} from '../core/phase-timings.js'
import {BrowserError} from '../pdf/find-browser.js'
import {loadImage} from '../content/load-image.js'
import type {Asset, Document} from '../core/types.js'
import {writeAtomic} from '../output/write-atomic.js'
import type {BrowserSession} from '../pdf/browser.js'
import {formatDate} from '../render/labels.js'
import {renderBook} from '../render/render-book.js'
import type {Templates} from '../render/templates.js'
import {visit} from 'unist-util-visit'
import {generator} from '../core/version.js'
import type {OutputReport} from './build.js'

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

/** What a book build needs from the builder. */
export interface BookContext {
  options: BuildOptions
  root: string
  templates: Templates
  browser: () => Promise<BrowserSession>
  /** Generated covers by their HTML (shared with the articles' EPUBs). */
  covers: CoverCache
  /** The config file, for messages about the publication. */
  configPath: string
  /** Collects milliseconds per phase. */
  timings?: PhaseTimings | undefined
}

/** Order documents as the publication says. */
export function orderDocuments(publication: Publication, documents: Document[]): Document[] {
  if (Array.isArray(publication.sources) || publication.sort === 'none') return documents
  const byName = (a: Document, b: Document) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  if (publication.sort === 'name') return [...documents].sort(byName)
  // Oldest first; undated articles last, by name.
  return [...documents].sort((a, b) => ((a.meta.date ?? '9999') < (b.meta.date ?? '9999') ? -1 : (a.meta.date ?? '9999') > (b.meta.date ?? '9999') ? 1 : byName(a, b)))
}

/**
 * Warn about links between articles that the book cannot follow: to a file
 * outside the publication, or to a heading that does not exist.
 */
export function checkCrossReferences(publication: Publication, documents: readonly Document[]): void {
  const ids = new Map<string, Set<string>>()
  for (const document of documents) {
    const set = new Set<string>()
    visit(document.tree, 'element', (node) => {
      if (typeof node.properties.id === 'string') set.add(node.properties.id)
    })
    ids.set(document.file.path, set)
  }
  for (const document of documents) {
    for (const reference of document.crossReferences) {
      const target = ids.get(reference.target)
      const name = path.relative(path.dirname(document.file.path), reference.target)
      if (!target) {
        document.file.message(`Link to \`${name}\`, which is not in publication \`${publication.name}\`: the book prints its text only`, {
          place: reference.position,
          ruleId: 'cross-reference-outside',
          source: 'handout:cross-references'
        })
      } else if (reference.fragment && !target.has(reference.fragment)) {
        document.file.message(`Link to \`${name}#${reference.fragment}\`: no heading or element with id \`${reference.fragment}\` there`, {
          place: reference.position,
          ruleId: 'cross-reference-anchor',
          source: 'handout:cross-references'
        })
      }
    }
  }
}

/** Build the book outputs of `publication` from its parsed, ordered articles. */
export async function buildBook(context: BookContext, publication: Publication, documents: Document[]): Promise<PublicationReport> {
  const started = performance.now()
  const file = new VFile({path: context.configPath, cwd: context.root})
  const report = (outputs: OutputReport[], failed: boolean, articlePages?: number[]): PublicationReport => ({
    name: publication.name,
    file,
    outputs,
    failed,
    articles: documents.length,
    ...(articlePages ? {articlePages} : {}),
    ms: performance.now() - started
  })
  if (documents.length === 0) {
    file.message(`Publication \`${publication.name}\` has no articles: check its \`sources\``, {ruleId: 'publication-empty', source: 'handout:config'}).fatal = true
    return report([], true)
  }

  const date = bookDate(publication, documents, context.options.sourceDateEpoch)
  const publisher = publication.publisher ?? documents.find((document) => document.meta.publisher)?.meta.publisher
  const formats = context.options.formats
  let given: Asset | undefined
  if (publication.cover) {
    const loaded = loadImage(publication.cover, path.dirname(context.configPath), context.root, {accept: ['image/png', 'image/jpeg']})
    if (!loaded.ok) {
      file.message(`Publication \`${publication.name}\` \`cover\`: ${loaded.reason}`, {ruleId: loaded.ruleId, source: 'handout:config'}).fatal = true
      return report([], true)
    }
    given = loaded.asset
  }
  try {
    // A given cover as it is; else the generated one (from the cover cache when a
    // watch-mode rebuild after an article edit left it unchanged).
    const cover = given ?? {
      data: await (await import('../cover/render-cover.js')).generatedCover(
        context.templates.cover,
        {
          lang: publication.lang,
          title: publication.title,
          subtitle: publication.subtitle,
          kicker: publication.period ?? '',
          publisher,
          authors: publication.author === undefined ? undefined : [publication.author].flat().join(', '),
          dateText: publication.date ? formatDate(date, publication.lang) : undefined
        },
        context.covers,
        context.timings
      ),
      mediaType: 'image/png'
    }
    let articlePages: number[] | undefined
    // The EPUB is packaged (by Node) while the browser prints the PDF: both cores work.
    // Both are made before either is written.
    const made = await Promise.all(
      formats.map(async (format): Promise<{format: Format; data: Uint8Array; pages?: number}> => {
        if (format === 'pdf') {
          const pdf = await printBookPdf(context, await context.browser(), publication, documents, date, publisher, cover)
          articlePages = pdf.articlePages
          return {format, data: pdf.data, pages: pdf.pages}
        }
        const {writeEpub} = await import('../epub/write-epub.js')
        return {format, data: await timed(context.timings, 'package', () => writeEpub(context.templates, epubFromPublication({publication, documents, date, publisher, cover})))}
      })
    )
    const outputs: OutputReport[] = []
    for (const output of made) {
      const target = path.join(path.resolve(context.root, context.options.outDir), `${publication.name}.${output.format}`)
      await timed(context.timings, 'write', () => writeAtomic(target, output.data))
      outputs.push({format: output.format, path: target, bytes: output.data.byteLength, ...(output.pages === undefined ? {} : {pages: output.pages})})
    }
    return report(outputs, false, articlePages)
  } catch (error) {
    if (error instanceof BrowserError) throw error
    file.message(`Could not make the book \`${publication.name}\`: ${(error as Error).message.split('\n')[0]}`, {ruleId: 'render-failed', source: 'handout'}).fatal = true
    return report([], true)
  }
}

async function printBookPdf(
  context: BookContext,
  session: BrowserSession,
  publication: Publication,
  documents: Document[],
  date: Date,
  publisher: string | undefined,
  cover: {data: Uint8Array; mediaType: string}
) {
  const [{printBook}, {finishPdf}] = await Promise.all([import('../pdf/print-book.js'), import('../pdf/pdf-metadata.js')])
  const assets = new Map<string, Asset>()
  for (const document of documents) for (const [href, asset] of document.assets) assets.set(href, asset)
  const coverHref = cover.mediaType === 'image/jpeg' ? 'cover.jpg' : 'cover.png'
  assets.set(coverHref, {href: coverHref, mediaType: cover.mediaType, data: cover.data, source: 'cover'})
  const pageSize = publication.pageSize ?? context.options.pageSize
  const printed = await printBook(session, {
    timings: context.timings,
    render: (pages, blankBefore) =>
      renderBook(context.templates, {publication, documents, date, publisher, pageSize, cover: {href: coverHref, alt: `Cover: ${publication.title}`}, blankBefore, ...(pages ? {pages} : {})}),
    rectoStart: publication.rectoStart,
    styles: {'print.css': context.templates.printCss, 'book.css': context.templates.bookCss},
    assets,
    timeout: context.options.timeout * Math.max(1, Math.ceil(documents.length / 10))
  })
  const finished = await timed(context.timings, 'package', () =>
    finishPdf(printed.pdf, {
      title: publication.title,
      author: publication.author === undefined ? publisher : [publication.author].flat().join(', '),
      subject: publication.description,
      keywords: [...new Set(documents.flatMap((document) => document.meta.tags))],
      creator: generator,
      date,
      lang: publication.lang,
      outline: printed.page.outline
    })
  )
  return {data: finished.pdf, pages: finished.pages, articlePages: printed.page.articleIds.map((id) => printed.pages.get(id)!)}
}

/** The book's date: `SOURCE_DATE_EPOCH`, else its `date`, else the newest article's. */
function bookDate(publication: Publication, documents: readonly Document[], sourceDateEpoch: number | undefined): Date {
  if (sourceDateEpoch !== undefined) return new Date(sourceDateEpoch * 1000)
  if (publication.date) return new Date(publication.date + 'T00:00:00Z')
  return new Date(Math.max(...documents.map((document) => document.date.getTime())))
}
