/**
 * The print HTML of a build's products without a browser: what the print step
 * hands Chromium, rendered by the same plan, parser, templates and renderers.
 * For the benchmark's Chromium floor (bench/floor.ts), which prints it alone.
 */
import path from 'node:path'
import {configName, loadConfig} from '../config/load-config.js'
import {type BuildOptionsInput, type PageSize, resolveBuildOptions} from '../config/schema.js'
import {findSources} from '../content/find-sources.js'
import {createCoverCache} from '../cover/cover-cache.js'
import {generatedCover} from '../cover/render-cover.js'
import type {Document} from '../core/types.js'
import {createProcessor} from '../markdown/processor.js'
import {loadUserPlugins} from '../markdown/user-plugins.js'
import {parseDocument} from '../parse/parse-document.js'
import {articleId, renderBook} from '../render/render-book.js'
import {renderPrint} from '../render/render-print.js'
import {publicationData} from '../render/template-data.js'
import {loadTemplates, type Templates} from '../render/templates.js'
import {bookDate, orderDocuments} from './book.js'
import {type BookPlan, planBuild} from './plan.js'
import type {Image} from './produce.js'

/** One page as the print step renders it, and the files it loads besides fonts and document images. */
export interface PrintHtml {
  /** Output base name. */
  name: string
  html: string
  /** Stylesheets by name (`print.css`, and a book's `book.css`). */
  styles: Record<string, string>
  /** A book's cover, by the href its page loads. */
  cover?: {href: string} & Image
}

/**
 * The print HTML of every product a build of `input` would make: a handout's
 * page, and a book as one document (front matter and body: a build prints
 * them as two documents and merges them; the contents' page numbers are
 * placeholders of the same width; no blank pages). Sources that fail to
 * parse are an error.
 */
export async function printHtml(input: BuildOptionsInput): Promise<PrintHtml[]> {
  const options = resolveBuildOptions(input)
  const root = path.resolve(options.root)
  const {config, file, markdown} = await loadConfig(root)
  const plan = planBuild(config, await findSources(root, options.inputs), options, file?.path ?? path.join(root, configName), markdown)
  const templates = await loadTemplates(path.resolve(root, options.templates))
  const processor = createProcessor({root, maxImageBytes: options.limits.imageBytes, maxImagePixels: options.limits.imagePixels, markdown}, await loadUserPlugins(markdown))
  const parsed = new Map<string, Document>()
  for (const source of plan.sources) {
    const result = await parseDocument(processor, source, {cwd: root, root, limits: options.limits, sourceDateEpoch: options.sourceDateEpoch})
    if (!result.document) throw new Error(`Cannot parse ${path.relative(root, source.path)}: ${result.file.messages.map(String).join('; ')}`)
    parsed.set(source.path, result.document)
  }
  const pages: PrintHtml[] = []
  for (const source of plan.sources) {
    const handout = plan.handouts.get(source.path)
    if (!handout) continue
    const document = parsed.get(source.path)!
    const html = renderPrint(templates, document, {pageSize: handout.pageSize ?? options.pageSize}).html
    pages.push({name: document.name, html, styles: {'print.css': templates.printCss}})
  }
  for (const book of plan.books) {
    const documents = orderDocuments(
      book.publication,
      book.sources.map((source) => parsed.get(source.path)!)
    )
    pages.push(await bookHtml(templates, book, documents, {pageSize: options.pageSize, sourceDateEpoch: options.sourceDateEpoch}))
  }
  return pages
}

/** A book's final print pass, with its generated cover (rasterised here, not cached; a configured `cover` is not used). */
async function bookHtml(templates: Templates, book: BookPlan, documents: Document[], options: {pageSize: PageSize; sourceDateEpoch: number | undefined}): Promise<PrintHtml> {
  const {publication} = book
  const date = bookDate(publication, documents, options.sourceDateEpoch)
  const publisher = publication.publisher ?? documents.find((document) => document.meta.publisher)?.meta.publisher
  const data = await generatedCover(templates.cover, publicationData(publication, date, publisher), createCoverCache(undefined))
  const page = renderBook(templates, {
    publication,
    documents,
    date,
    publisher,
    pageSize: publication.pageSize ?? options.pageSize,
    cover: {href: 'cover.png', alt: `Cover: ${publication.title}`},
    pages: new Map(documents.map((_, index) => [articleId(index), 100 + index * 3]))
  })
  return {name: publication.name, html: page.html, styles: {'print.css': templates.printCss, 'book.css': templates.bookCss}, cover: {href: 'cover.png', data, mediaType: 'image/png'}}
}
