/**
 * Print the compiled book in two passes: Chromium cannot compute
 * `target-counter()`, so the first pass prints with placeholder page numbers
 * in the contents, the numbers are read back from the PDF's named
 * destinations (where each contents link landed), filled in, and the book is
 * printed again and checked that nothing moved.
 */
import {ParseSpeeds, PDFArray, PDFDict, PDFDocument, PDFName, PDFRef} from 'pdf-lib'
import type {Asset} from '../core/types.js'
import type {BookPage} from '../render/render-book.js'
import type {BrowserSession} from './browser.js'
import {addTime, timed, type PhaseTimings} from '../core/phase-timings.js'
import {printVersions, type PrintResult} from './print-pdf.js'

/** What `printBook` needs. */
export interface PrintBookJob {
  /** Render the book with the given article pages (none on the first pass). */
  render: (pages: ReadonlyMap<string, number> | undefined, blankBefore: ReadonlySet<string>) => BookPage
  /** Start every article on a right-hand (odd) page, adding blank pages where needed. */
  rectoStart?: boolean
  styles: Record<string, string>
  assets: Map<string, Asset>
  /** The project's template folder (see `PrintJob.templateFiles`). */
  templateFiles?: string
  timeout?: number
  /** Collects milliseconds per phase (render, print, package). */
  timings?: PhaseTimings | undefined
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
  let pass = 0
  let page: BookPage | undefined
  let done: PrintedBook | undefined
  // Every pass in one warm page, the previous pass collected before the next; the page
  // goes back to the pool emptied (see printVersions). A pass without page numbers can
  // never be the final one: it is a draft (no tags, no outline; the same layout).
  let printStarted = 0
  await printVersions(session, async (printed) => {
    if (printed && page) {
      addTime(job.timings, 'print', performance.now() - printStarted)
      const found = await timed(job.timings, 'package', () => destinationPages(printed.pdf, page!.articleIds))
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
      if (added === 0 && pages && sameMap(pages, found)) {
        done = {...printed, pages: found, page}
        return undefined
      }
      pages = added === 0 ? found : undefined
    }
    if (++pass > maxPasses) return undefined
    page = await timed(job.timings, 'render', () => job.render(pages, blanks))
    printStarted = performance.now()
    return {
      html: page.html,
      styles: job.styles,
      assets: job.assets,
      draft: pages === undefined,
      ...(job.templateFiles === undefined ? {} : {templateFiles: job.templateFiles}),
      ...(job.timeout === undefined ? {} : {timeout: job.timeout})
    }
  })
  if (!done) throw new Error(`The contents' page numbers did not settle after ${maxPasses} passes`)
  return done
}

/** 1-based page of each named destination in `ids`. */
export async function destinationPages(pdf: Uint8Array, ids: readonly string[]): Promise<Map<string, number>> {
  const document = await PDFDocument.load(pdf, {updateMetadata: false, parseSpeed: ParseSpeeds.Fastest})
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
