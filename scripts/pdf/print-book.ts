/**
 * Print the compiled book as documents of its own, put together in one PDF
 * (Chromium cannot compute `target-counter()`, and a 600-page document is
 * slow to lay out and cannot be printed again in part):
 * - the body in runs of a few articles, printed side by side in the pool's
 *   pages, without footers: a run's PDF depends on its articles alone, so an
 *   edit prints one run again and the others come from the cache;
 * - the folios ("Page N of M" and the publisher) on empty pages, laid over
 *   the body's pages: the only part that knows where a run starts;
 * - the front matter (cover, title page, contents with the page each article
 *   starts on, read from the runs' named destinations), which `finishPdf`
 *   puts before the body (`merge-front.ts`).
 * With `rectoStart`, a run begins on a right-hand page (a blank page before
 * it when the runs before have an odd count) and blank pages go before its
 * articles that would start on a left-hand one (a draft finds them).
 * Each final print keeps to two hyphenated lines in a row (`limit-hyphen-runs.ts`)
 * and is cleaned as it is printed (`book-part.ts`).
 */
import {createHash} from 'node:crypto'
import {PDFArray, PDFDict, type PDFDocument, PDFName, PDFRef} from 'pdf-lib'
import {SizedCache} from '../core/sized-cache.js'
import type {Asset} from '../core/types.js'
import type {BookLayout, BookPage} from '../render/render-book.js'
import {cleanPart} from './book-part.js'
import type {BrowserSession} from './browser.js'
import {addTime, timed, type PhaseTimings} from '../core/phase-timings.js'
import {printLimitingHyphenRuns} from './limit-hyphen-runs.js'
import {appendDocument, shareIdenticalImages} from './merge-front.js'
import {overlayPages} from './overlay-pages.js'
import {parsePdf} from './parsed-print.js'
import {printPdf, type PrintJob, type PrintResult} from './print-pdf.js'

/** Printed documents kept between builds, by what they were printed from. */
export interface PrintCache {
  get(key: string): Promise<Uint8Array | undefined>
  set(key: string, pdf: Uint8Array): Promise<void>
}

/** What `printBook` needs. */
export interface PrintBookJob {
  /** Render a part of the book (a run of the body, the folios, the front matter with the articles' pages). */
  render: (layout: BookLayout) => BookPage
  /** How many articles the book has. */
  articleCount: number
  /** Start every article on a right-hand (odd) page, adding blank pages where needed. */
  rectoStart?: boolean
  styles: Record<string, string>
  assets: Map<string, Asset>
  /** The project's template folder (see `PrintJob.templateFiles`). */
  templateFiles?: string
  /** Time limit of one article's print, in ms. */
  timeout?: number
  /** Collects milliseconds per phase (render, print, package). */
  timings?: PhaseTimings | undefined
  /**
   * Earlier prints, and a key naming everything else they depend on (templates,
   * theme, browser, our version): a run whose HTML is unchanged is not printed again.
   */
  cache?: {store: PrintCache; key: string} | undefined
}

/**
 * The printed book: its body (a document, not bytes: `finishPdf` goes on with it
 * rather than parse a whole book again), its front matter, its page map and the
 * body's page.
 */
export interface PrintedBook {
  body: PDFDocument
  /** URLs the pages asked for that were refused. */
  blocked: string[]
  /** The front matter's PDF, to go before the body (`prependFrontMatter`). */
  front: Uint8Array
  /** Page of each article in the body (its folio: the body's pages count from 1), by element id. */
  pages: Map<string, number>
  page: BookPage
}

/** Articles per run of the body: small enough to print again fast, large enough to share fonts. */
export const articlesPerRun = 12

/** Most prints of a run with `rectoStart` (a draft, then blank pages moving later articles). */
const maxPasses = 4

/** A printed run of the body. */
interface Run {
  pdf: Uint8Array
  blocked: string[]
  pageCount: number
  /** Page of each article in the run (from 1). */
  pages: Map<string, number>
  /** Pages (0-based, in the run) that are blank pages before an article. */
  blank: number[]
  /** Its destinations that belong to other runs (the empty targets of its links to them). */
  foreign: string[]
}

/** Print the book; throws if a run's pages do not settle. */
export async function printBook(session: BrowserSession, job: PrintBookJob): Promise<PrintedBook> {
  const ranges: Array<[number, number]> = []
  for (let from = 0; from < job.articleCount; from += articlesPerRun) ranges.push([from, Math.min(job.articleCount, from + articlesPerRun)])
  const runs = await Promise.all(ranges.map((range) => printRun(session, job, range)))

  // Where each run lands; with `rectoStart`, a blank page before a run that would start on a left-hand page.
  const pages = new Map<string, number>()
  const blank = new Set<number>()
  const padded: boolean[] = []
  let count = 0
  for (const run of runs) {
    const pad = job.rectoStart === true && count % 2 === 1
    padded.push(pad)
    if (pad) blank.add(count++)
    for (const [id, page] of run.pages) pages.set(id, count + page)
    for (const page of run.blank) blank.add(count + page)
    count += run.pageCount
  }
  const folios = job.render({part: 'folios', folios: {count, blank, starts: pages}})
  const front = job.render({part: 'front', pages})
  const [folioPdf, frontPdf] = await Promise.all([printCached(session, job, folios.html, true), printCached(session, job, front.html, false)])
  const body = await timed(job.timings, 'package', () => assemble(runs, padded, folioPdf.pdf, blank))
  const blocked = [...new Set([...runs.flatMap((run) => run.blocked), ...folioPdf.blocked, ...frontPdf.blocked])]
  return {body, blocked, front: frontPdf.pdf, pages, page: front}
}

/** One run of the body, from the cache or printed (a draft first with `rectoStart`). */
async function printRun(session: BrowserSession, job: PrintBookJob, range: [number, number]): Promise<Run> {
  const blankBefore = new Set<string>()
  for (let pass = 0; pass < maxPasses; pass++) {
    const page = await timed(job.timings, 'render', () => job.render({part: 'body', range, blankBefore}))
    // With `rectoStart`, the first print is a draft (no tags, no outline; the same layout): it most likely needs blank pages.
    const draft = pass === 0 && job.rectoStart === true
    const printed = await printCached(session, job, page.html, draft)
    const read = await timed(job.timings, 'package', () => readRun(printed.pdf, page.articleIds.slice(range[0], range[1])))
    // A blank page before an article on an even page shifts every later article by one.
    let added = 0
    if (job.rectoStart) {
      for (const [id, start] of read.pages) {
        if (blankBefore.has(id)) continue
        if ((start + added) % 2 === 0) {
          blankBefore.add(id)
          added++
        }
      }
    }
    if (added === 0 && !draft) {
      const blank = [...blankBefore].map((id) => read.pages.get(id)! - 2)
      return {pdf: printed.pdf, blocked: printed.blocked, pageCount: read.pageCount, pages: read.pages, blank, foreign: page.foreignIds}
    }
  }
  throw new Error(`The articles' pages did not settle after ${maxPasses} prints`)
}

function printJob(job: PrintBookJob, html: string, draft: boolean): PrintJob {
  return {
    html,
    styles: job.styles,
    assets: job.assets,
    draft,
    ...(job.templateFiles === undefined ? {} : {templateFiles: job.templateFiles}),
    ...(job.timeout === undefined ? {} : {timeout: job.timeout * 4})
  }
}

async function timedPrint<T>(job: PrintBookJob, print: () => Promise<T>): Promise<T> {
  const started = performance.now()
  try {
    return await print()
  } finally {
    addTime(job.timings, 'print', performance.now() - started)
  }
}

function keyOf(job: PrintBookJob, html: string, draft: boolean): string | undefined {
  if (!job.cache) return undefined
  const hash = createHash('sha256')
    .update(job.cache.key)
    .update('\0')
    .update(draft ? 'draft' : 'final')
    .update('\0')
    .update(html)
  for (const name of Object.keys(job.styles).sort()) hash.update('\0').update(name).update('\0').update(job.styles[name]!)
  // Assets' hrefs name their content (`assetsOf`): the names are enough.
  for (const href of [...job.assets.keys()].sort()) hash.update('\0').update(href)
  return hash.digest('hex')
}

/** `html` printed, or its earlier print from the cache (nothing blocked then: it was reported when printed). */
async function printCached(session: BrowserSession, job: PrintBookJob, html: string, draft: boolean): Promise<PrintResult> {
  const key = keyOf(job, html, draft)
  const kept = key === undefined ? undefined : await job.cache!.store.get(key)
  if (kept) return {pdf: kept, blocked: []}
  const printed = await timedPrint(job, () => (draft ? printPdf(session, printJob(job, html, true)) : printLimitingHyphenRuns(session, printJob(job, html, false))))
  // A final print is kept clean: its soft hyphens' text out, its structure canonical (the book is not cleaned again as a whole).
  const pdf = draft ? printed.pdf : await timed(job.timings, 'package', () => cleanPart(printed.pdf))
  if (key !== undefined) await job.cache!.store.set(key, pdf)
  return {pdf, blocked: printed.blocked}
}

/**
 * Runs and folios parsed, by their bytes; the least recently used go first.
 * Reading a run's pages and assembling the book share one parse, and a watch
 * session rebuilding a book after an edit parses only the run it printed
 * again (parsing the 17 runs of a 200-article book took 0.4 to 1 s), and the
 * folios only when the page count changed. A parsed run is only read from
 * (its own empty targets deleted, the folios' font subsets retagged: the same
 * each time); the book is assembled in a parse of its first run of its own.
 */
// Kept up to 64 MB of runs (a 1,000-article book's 84 runs are about 45 MB; parsed, about 2.7 times as much heap).
const parsedRuns = new SizedCache<string, PDFDocument>(64 * 1024 * 1024)

async function parsedRun(pdf: Uint8Array): Promise<PDFDocument> {
  const key = createHash('sha256').update(pdf).digest('hex')
  const kept = parsedRuns.get(key)
  if (kept) return kept
  const document = await parsePdf(pdf)
  parsedRuns.set(key, document, pdf.byteLength)
  return document
}

/** A run's page count and the page (from 1) of each article, from its named destinations. */
async function readRun(pdf: Uint8Array, ids: readonly string[]): Promise<{pageCount: number; pages: Map<string, number>}> {
  const document = await parsedRun(pdf)
  return {pageCount: document.getPageCount(), pages: destinationPages(document, ids)}
}

/** 1-based page of each named destination in `ids`. */
export function destinationPages(document: PDFDocument, ids: readonly string[]): Map<string, number> {
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

/** The runs in one PDF (blank pages where `padded`), the folios laid over every page but the blank ones. */
async function assemble(runs: readonly Run[], padded: readonly boolean[], folios: Uint8Array, blank: ReadonlySet<number>): Promise<PDFDocument> {
  // A run's links into another land on that run's destination: the run's own empty targets go.
  const withoutForeign = (document: PDFDocument, run: Run) => {
    const dests = document.catalog.lookupMaybe(PDFName.of('Dests'), PDFDict)
    for (const id of run.foreign) dests?.delete(PDFName.of(id))
    return document
  }
  const load = async (run: Run) => withoutForeign(await parsedRun(run.pdf), run)
  // The first run becomes the book: a parse of its own, not the one shared.
  const body = withoutForeign(await parsePdf(runs[0]!.pdf), runs[0]!)
  for (let index = 1; index < runs.length; index++) {
    if (padded[index]) {
      const {width, height} = body.getPage(body.getPageCount() - 1).getSize()
      body.addPage([width, height])
    }
    appendDocument(body, await load(runs[index]!), index)
  }
  shareIdenticalImages(body)
  overlayPages(body, await parsedRun(folios), blank)
  return body
}
