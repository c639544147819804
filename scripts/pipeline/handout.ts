/**
 * A handout: the publication of one article. Its PDF is the print template
 * filled with the article; its EPUB has one chapter.
 */
import type {PageSize} from '../config/schema.js'
import {timed} from '../core/phase-timings.js'
import type {Document} from '../core/types.js'
import {epubFromDocument} from '../epub/epub-from-document.js'
import {renderPrint} from '../render/render-print.js'
import {articleData} from '../render/template-data.js'
import {pdfInfo, type Product} from './produce.js'
import {pageBoxOf} from '../pdf/page-box.js'

/** The handout of `document`, printed on `pageSize` unless its front matter sets one. */
export function handoutProduct(document: Document, pageSize: PageSize): Product {
  const {meta} = document
  return {
    name: document.name,
    file: document.file,
    pdfInfo: pdfInfo({title: meta.title, author: meta.author, publisher: meta.publisher, description: meta.description, tags: meta.tags, date: document.date, lang: meta.lang}),
    cover: document.cover ?? articleData(document),
    pageList: true,
    async print(context) {
      // Always probed, so the PDF is the same whichever formats are built.
      const page = await timed(context.timings, 'render', () => renderPrint(context.templates, document, {pageSize, pageProbes: true, footer: context.theme.footer}))
      // pdf-lib (read by the hyphen-run check) is loaded here, while the browser starts: EPUB-only builds never load it.
      const [session, {printLimitingHyphenRuns}] = await Promise.all([context.browser(), import('../pdf/limit-hyphen-runs.js')])
      const printed = await timed(context.timings, 'print', () =>
        // Justified text: no more than two hyphenated lines in a row (printed again if needed).
        printLimitingHyphenRuns(session, {
          html: page.html,
          styles: {'print.css': context.templates.printCss + context.theme.css},
          assets: new Map([...document.assets, ...context.theme.assets]),
          templateFiles: context.templates.dir,
          timeout: context.options.timeout
        })
      )
      // Where the pages begin, for the EPUB's page-list (read with pdf-lib, loaded on first use).
      const starts = context.options.formats.includes('epub') ? await (await import('../pdf/page-starts.js')).pageStarts(printed.pdf, page.probes ?? []) : undefined
      return {pdf: printed.pdf, outline: page.outline, blocked: printed.blocked, pageBox: pageBoxOf(document.meta.pageSize ?? pageSize), ...(starts ? {pageStarts: starts} : {})}
    },
    package: (cover, pageStarts) => epubFromDocument(document, cover, pageStarts)
  }
}
