/**
 * Print the compiled book in two documents: Chromium cannot compute
 * `target-counter()`, so the body (every article, folios from 1) is printed
 * first and each article's page read from the PDF's named destinations; then
 * the front matter (cover, title page, contents with those numbers; no folios)
 * is printed on its own, in the same page, and `finishPdf` puts it before the
 * body (`merge-front.ts`). The body is printed once (twice with `rectoStart`:
 * a draft finds the articles on left-hand pages, and blank pages go before them).
 */
import {ParseSpeeds, PDFArray, PDFDict, PDFDocument, PDFName, PDFRef} from 'pdf-lib'
import type {Asset} from '../core/types.js'
import type {BookPage, BookPart} from '../render/render-book.js'
import type {BrowserSession} from './browser.js'
import {addTime, timed, type PhaseTimings} from '../core/phase-timings.js'
import {printVersions, type PrintJob, type PrintResult} from './print-pdf.js'

/** What `printBook` needs. */
export interface PrintBookJob {
  /** Render a part of the book with the given article pages (the front needs them) and blank pages (the body). */
  render: (part: Exclude<BookPart, 'all'>, pages: ReadonlyMap<string, number> | undefined, blankBefore: ReadonlySet<string>) => BookPage
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

/** The printed book: its body, its front matter, its page map and the body's page. */
export interface PrintedBook extends PrintResult {
  /** The front matter's PDF, to go before the body (`prependFrontMatter`). */
  front: Uint8Array
  /** Page of each article in the body (its folio: the body's pages count from 1), by element id. */
  pages: Map<string, number>
  page: BookPage
}

/** Most prints of the body (with `rectoStart`, blank pages could move later articles again). */
const maxPasses = 4

/** Print the book; throws if the articles' pages do not settle. */
export async function printBook(session: BrowserSession, job: PrintBookJob): Promise<PrintedBook> {
  const blanks = new Set<string>()
  let pass = 0
  let page: BookPage | undefined
  let pages: Map<string, number> | undefined
  let body: PrintResult | undefined
  let done: PrintedBook | undefined
  let printStarted = 0
  const printJob = (html: string, draft: boolean): PrintJob => {
    printStarted = performance.now()
    return {
      html,
      styles: job.styles,
      assets: job.assets,
      draft,
      ...(job.templateFiles === undefined ? {} : {templateFiles: job.templateFiles}),
      ...(job.timeout === undefined ? {} : {timeout: job.timeout})
    }
  }
  let draft = false
  // Every print in one warm page, the previous document collected before the next; the
  // page goes back to the pool emptied (see printVersions).
  await printVersions(session, async (printed) => {
    if (printed) addTime(job.timings, 'print', performance.now() - printStarted)
    if (printed && body) {
      // The front matter: done.
      done = {pdf: body.pdf, blocked: [...new Set([...body.blocked, ...printed.blocked])], front: printed.pdf, pages: pages!, page: page!}
      return undefined
    }
    if (printed && page) {
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
      if (added === 0 && !draft) {
        body = printed
        pages = found
        const front = await timed(job.timings, 'render', () => job.render('front', found, new Set()))
        return printJob(front.html, false)
      }
    }
    if (++pass > maxPasses) return undefined
    // With `rectoStart`, the first print is a draft (no tags, no outline; the same layout):
    // it most likely needs blank pages.
    draft = pass === 1 && job.rectoStart === true
    page = await timed(job.timings, 'render', () => job.render('body', undefined, blanks))
    return printJob(page.html, draft)
  })
  if (!done) throw new Error(`The articles' pages did not settle after ${maxPasses} prints`)
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
