/**
 * Print the compiled book in two passes: Chromium cannot compute
 * `target-counter()`, so the first pass prints with placeholder page numbers
 * in the contents, the numbers are read back from the PDF's named
 * destinations (where each contents link landed), filled in, and the book is
 * printed again and checked that nothing moved.
 */
import {PDFArray, PDFDict, PDFDocument, PDFName, PDFRef} from 'pdf-lib'
import type {Asset} from '../model/types.js'
import type {BookPage} from '../render/render-book.js'
import type {BrowserSession} from './browser.js'
import {printPdf, type PrintResult} from './print-pdf.js'

/** What `printBook` needs. */
export interface PrintBookJob {
  /** Render the book with the given article pages (none on the first pass). */
  render: (pages: ReadonlyMap<string, number> | undefined, blankBefore: ReadonlySet<string>) => BookPage
  /** Start every article on a right-hand (odd) page, adding blank pages where needed. */
  rectoStart?: boolean
  styles: Record<string, string>
  assets: Map<string, Asset>
  timeout?: number
}

/** The printed book, its page map and the page it rendered. */
export interface PrintedBook extends PrintResult {
  /** 1-based page of each article, by element id. */
  pages: Map<string, number>
  page: BookPage
}

/** Most passes before giving up (the contents' length could change pagination). */
const maxPasses = 4

/** Print the book; throws if the contents' page numbers do not settle. */
export async function printBook(session: BrowserSession, job: PrintBookJob): Promise<PrintedBook> {
  let pages: Map<string, number> | undefined
  const blanks = new Set<string>()
  for (let pass = 1; pass <= maxPasses; pass++) {
    const page = job.render(pages, blanks)
    // Each pass in a page of its own, closed after: a reused page kept the previous
    // pass's layout alive in its renderer (a 600-page book: +430 MiB at the peak).
    const printed = await printPdf(session, {html: page.html, styles: job.styles, assets: job.assets, discardPage: true, ...(job.timeout === undefined ? {} : {timeout: job.timeout})})
    const found = await destinationPages(printed.pdf, page.articleIds)
    // A blank page before an article on an even page shifts every later article by one.
    let added = 0
    if (job.rectoStart) {
      for (const id of page.articleIds) {
        if ((found.get(id)! + added) % 2 === 0) {
          blanks.add(id)
          added++
        }
      }
    }
    if (added === 0 && pages && sameMap(pages, found)) return {...printed, pages: found, page}
    pages = added === 0 ? found : undefined
  }
  throw new Error(`The contents' page numbers did not settle after ${maxPasses} passes`)
}

/** 1-based page of each named destination in `ids`. */
export async function destinationPages(pdf: Uint8Array, ids: readonly string[]): Promise<Map<string, number>> {
  const document = await PDFDocument.load(pdf, {updateMetadata: false})
  const pageIndex = new Map(document.getPages().map((page, index) => [page.ref.toString(), index + 1]))
  const dests = document.catalog.lookupMaybe(PDFName.of('Dests'), PDFDict)
  const pages = new Map<string, number>()
  for (const id of ids) {
    const dest = dests?.lookupMaybe(PDFName.of(id), PDFArray)
    const ref = dest?.get(0)
    const page = ref instanceof PDFRef ? pageIndex.get(ref.toString()) : undefined
    if (page === undefined) throw new Error(`The printed book has no destination for article \`${id}\``)
    pages.set(id, page)
  }
  return pages
}

function sameMap(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  return a.size === b.size && [...a].every(([key, value]) => b.get(key) === value)
}
