/**
 * The one produce step of every product, handout or book: make each format's
 * bytes (print or package), with their metadata, all before any is written;
 * then write them atomically and report. A content problem becomes a message
 * on the product's file; a missing browser stops the build.
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import type {VFile} from 'vfile'
import type {PDFDocument} from 'pdf-lib'
import type {BuildOptions, Format} from '../config/schema.js'
import {timed, type PhaseTimings} from '../core/phase-timings.js'
import type {Asset, Document, OutlineEntry} from '../core/types.js'
import {generator} from '../core/version.js'
import {type CoverCache, type CoverData, coverKey} from '../cover/cover-cache.js'
import {describeWriteError} from '../output/out-dir.js'
import {writeAtomic} from '../output/write-atomic.js'
import type {BrowserSession} from '../pdf/browser.js'
import type {PrintCache} from '../pdf/print-book.js'
import {BrowserError} from '../pdf/find-browser.js'
import type {FrontMatter, PdfMetadata} from '../pdf/pdf-metadata.js'
import type {Templates} from '../render/templates.js'
import type {EpubBook} from '../epub/write-epub.js'
import type {ThemeFiles} from './theme.js'
import type {PageBox} from '../pdf/page-box.js'
import type {PageStart} from '../render/epub-page-list.js'

/** One written output. */
export interface OutputReport {
  format: Format
  /** Absolute path. */
  path: string
  bytes: number
  /** PDF pages. */
  pages?: number
  /** Not made again: its inputs are the ones it was made from (the build cache); the file is untouched. */
  unchanged?: boolean
}

/** What the produce step needs from the builder. */
export interface ProduceContext {
  options: BuildOptions
  root: string
  templates: Templates
  browser: () => Promise<BrowserSession>
  /** Generated covers by what they are made from (shared by every product of a session). */
  covers: CoverCache
  timings?: PhaseTimings | undefined
  /** The config's theme, read for this run. */
  theme: ThemeFiles
  /** Where a book's printed parts are kept, and the key of what they depend on besides their HTML (`undefined`: no cache). */
  prints?: () => Promise<{store: PrintCache; key: string} | undefined>
}

/** A printed PDF before its metadata is written. */
export interface Printed {
  /** The PDF as printed, or a book's body already put together (`print-book.ts`). */
  pdf: Uint8Array | PDFDocument
  /** Bookmarks, depth-first with their levels (Chromium loses spaces where a heading wraps, and nests `#` wrongly). */
  outline: OutlineEntry[]
  /** URLs the page asked for that were refused. */
  blocked: string[]
  /** 1-based page where each article starts (books): its folio, counted from the body's first page. */
  articlePages?: number[]
  /** A book's front matter, printed on its own, to put before `pdf` (see `prependFrontMatter`). */
  front?: FrontMatter | undefined
  /** Exact page size for the MediaBox, for a size Chromium rounds (`page-box.ts`). */
  pageBox?: PageBox | undefined
  /** Where each page begins, for the EPUB's page-list (a handout built as EPUB too). */
  pageStarts?: PageStart[]
  /** Every part was cleaned as it was printed (see `FinishOptions`). */
  partsClean?: boolean
}

/**
 * A product: what it is called, what its files say, and how its PDF and
 * EPUB are made. Handouts and books differ only here.
 */
export interface Product {
  /** Output base name: `dist/<name>.pdf`. */
  name: string
  /** Where its messages go: the source (handout) or the config (book). */
  file: VFile
  /** Info dictionary of its PDF, but for the outline. */
  pdfInfo: Omit<PdfMetadata, 'outline'>
  /** A cover image given by the author or config, else the data the generated one shows. */
  cover: Asset | CoverData
  /** Print the PDF: render first, then wait for the browser (it may still be starting). */
  print(context: ProduceContext, cover: () => Promise<Image>): Promise<Printed>
  /** The EPUB has a page-list from the print: when both are made, the EPUB waits for the PDF (default: `false`). */
  pageList?: boolean
  /** Describe the EPUB; with the print's `pageStarts`, it has a page-list. */
  package(cover: Image, pageStarts?: PageStart[]): EpubBook
}

/** An image's bytes and media type. */
export interface Image {
  data: Uint8Array
  mediaType: string
}

/** The outputs written, or `undefined` when the product failed (its file says why). */
export interface Produced {
  outputs: OutputReport[]
  /** Some format was not made (no browser for the PDF) though the others were written. */
  failed: boolean
  /** 1-based page where each article starts, for a book's PDF. */
  articlePages?: number[]
}

/** Make and write `formats` of `product` (default: the build's); never throws for content problems. */
export async function produce(context: ProduceContext, product: Product, formats: readonly Format[] = context.options.formats): Promise<Produced | undefined> {
  let articlePages: number[] | undefined
  // Made once, for the PDF (a book's cover page) and the EPUB alike.
  let coverImage: Promise<Image> | undefined
  const cover = () => (coverImage ??= coverOf(context, product))
  const printing = formats.includes('pdf') ? makePdf(context, product, cover) : undefined
  // A handout's EPUB page-list comes from its print, so with a PDF its EPUB waits for it
  // (and is made without one when the print fails); an EPUB alone has none. Otherwise
  // the EPUB is packaged (by Node) while the browser prints the PDF: both cores work.
  const pageStarts = (product.pageList ? printing : undefined)?.then(
    (pdf) => pdf.pageStarts,
    () => undefined
  )
  const settled = await Promise.allSettled(
    formats.map(async (format): Promise<Made> => {
      if (format === 'epub') return {format, data: await makeEpub(context, product, cover, pageStarts)}
      const pdf = await printing!
      articlePages = pdf.articlePages
      return {format, data: pdf.data, pages: pdf.pages}
    })
  )
  const made = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []))
  const errors = settled.flatMap((result) => (result.status === 'rejected' ? [result.reason as Error] : []))
  // No browser is the machine's problem, not the content's: the PDF fails with one
  // message and the other formats are still written. Any other failure: nothing is.
  const noBrowser = errors.length > 0 && errors.every((error) => error instanceof BrowserError)
  if (errors.length > 0) {
    const reason = errors[0]!.message.split('\n')[0]
    if (noBrowser) product.file.message(`\`${product.name}.pdf\` not made: ${reason}`, {ruleId: 'browser-unavailable', source: 'handout'}).fatal = true
    else product.file.message(`Could not produce \`${product.name}\`: ${reason}`, {ruleId: 'render-failed', source: 'handout'}).fatal = true
    if (!noBrowser) return undefined
  }
  // All outputs of a product are made before any is written: it is replaced whole or not at all.
  const outputs = await writeAll(context, product, made)
  if (!outputs) return undefined
  return {outputs, failed: errors.length > 0, ...(articlePages ? {articlePages} : {})}
}

interface Made {
  format: Format
  data: Uint8Array
  pages?: number
}

/** Write each output atomically; on a failure, a message naming the file, and `undefined`. */
async function writeAll(context: ProduceContext, product: Product, made: Made[]): Promise<OutputReport[] | undefined> {
  const outputs: OutputReport[] = []
  const outDir = path.resolve(context.root, context.options.outDir)
  for (const output of made) {
    const target = path.join(outDir, `${product.name}.${output.format}`)
    try {
      // Bytes the file already has are not written again: its time stays, as after a cache hit.
      if (!(await sameBytes(target, output.data))) await timed(context.timings, 'write', () => writeAtomic(target, output.data))
    } catch (error) {
      // Disk full, no permission, a folder in the way: this product fails with a message
      // naming the file (its previous outputs stay); the others go on.
      const described = describeWriteError(error, path.relative(context.root, target) || target)
      product.file.message(described.message, {ruleId: 'output-write', source: 'handout', cause: error as Error}).fatal = true
      return undefined
    }
    outputs.push({format: output.format, path: target, bytes: output.data.byteLength, ...(output.pages === undefined ? {} : {pages: output.pages})})
  }
  return outputs
}

async function sameBytes(file: string, data: Uint8Array): Promise<boolean> {
  const stat = await fs.stat(file).catch(() => undefined)
  if (stat?.size !== data.byteLength) return false
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).equals(await fs.readFile(file).catch(() => Buffer.alloc(0)))
}

async function makePdf(context: ProduceContext, product: Product, cover: () => Promise<Image>) {
  // pdf-lib is loaded on first use, while the browser starts, not before the
  // launch at start-up (a quarter of the CLI's imports); EPUB-only builds never load it.
  const metadata = import('../pdf/pdf-metadata.js')
  const printed = await product.print(context, cover)
  for (const url of printed.blocked) {
    product.file.message(`The print page asked for \`${url}\`, which was refused: only project files can be loaded`, {ruleId: 'request-blocked', source: 'handout'})
  }
  const {finishPdf} = await metadata
  const finished = await timed(context.timings, 'package', () =>
    finishPdf(printed.pdf, {...product.pdfInfo, outline: printed.outline, pageBox: printed.pageBox}, printed.front, {partsClean: printed.partsClean === true})
  )
  return {data: finished.pdf, pages: finished.pages, articlePages: printed.articlePages, pageStarts: printed.pageStarts}
}

async function makeEpub(context: ProduceContext, product: Product, cover: () => Promise<Image>, pageStarts: Promise<PageStart[] | undefined> | undefined): Promise<Uint8Array> {
  // epub-gen-memory is loaded on first use, like pdf-lib above; PDF-only builds never load it.
  // It and the cover are made while the browser prints; only the chapter waits for the print.
  const packager = import('../epub/write-epub.js')
  const image = await cover()
  const {writeEpub} = await packager
  const starts = await pageStarts
  return timed(context.timings, 'package', () => writeEpub(context.templates, product.package(image, starts)))
}

/** The cover given by the author or config, else the generated one (from the cover cache when unchanged). */
async function coverOf(context: ProduceContext, product: Product): Promise<Image> {
  if ('mediaType' in product.cover) return product.cover
  // A cover made before from the same template and data is found without setting its text.
  const key = coverKey(context.templates.coverKey, product.cover)
  const cached = key === undefined ? undefined : await context.covers.get(key)
  if (cached) return {data: cached, mediaType: 'image/png'}
  // fontkit and resvg, which make the generated cover, load on first use.
  const {generatedCover} = await import('../cover/render-cover.js')
  return {data: await generatedCover(context.templates.cover, product.cover, context.covers, context.timings, key), mediaType: 'image/png'}
}

/**
 * Load what a generated cover needs (fontkit, the shipped fonts' tables) on
 * a turn of its own, for a caller that is about to wait (for a parse
 * worker). Only a cover made after it benefits: nothing depends on it, and
 * a failure here is reported by the real cover.
 */
export function warmCovers(context: ProduceContext): void {
  setImmediate(() => {
    import('../cover/render-cover.js').then(({warmCover}) => warmCover(context.templates.cover)).catch(() => {})
  })
}

/** Load the EPUB packager (epub-gen-memory and what it loads: a zip library, an HTML parser) on a turn of its own, as `warmCovers`. */
export function warmEpub(): void {
  setImmediate(() => {
    import('../epub/write-epub.js').catch(() => {})
  })
}

/** PDF info of an article or a book: Author is the authors, else the publisher. */
export function pdfInfo(input: {
  title: string
  author: string | string[] | undefined
  publisher: string | undefined
  description: string | undefined
  tags: readonly string[]
  date: Date
  lang: string
}): Omit<PdfMetadata, 'outline'> {
  return {
    title: input.title,
    author: input.author === undefined ? input.publisher : [input.author].flat().join(', '),
    subject: input.description,
    keywords: input.tags,
    creator: generator,
    date: input.date,
    lang: input.lang
  }
}

/** Every asset of a set of documents, by href (content-hashed: the same image is one asset). */
export function assetsOf(documents: readonly Document[]): Map<string, Asset> {
  const assets = new Map<string, Asset>()
  for (const document of documents) for (const [href, asset] of document.assets) assets.set(href, asset)
  return assets
}
