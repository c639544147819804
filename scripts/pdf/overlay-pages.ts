/**
 * Lay the pages of one PDF over those of another, page for page: a book's
 * folios (printed on empty pages of their own, see `print-book.ts`) over its
 * body. Each overlay page becomes a form XObject drawn after the page's own
 * content, marked as a pagination artifact so that it stays out of the
 * structure tree, as Chromium's own margin boxes do. Names are fixed (no
 * random suffix, unlike pdf-lib's `drawPage`): the output stays deterministic.
 */
import {
  beginMarkedContent,
  decodePDFRawStream,
  drawObject,
  endMarkedContent,
  PDFArray,
  type PDFDict,
  type PDFDocument,
  PDFName,
  PDFNumber,
  PDFObjectCopier,
  type PDFPage,
  PDFRawStream,
  type PDFRef,
  popGraphicsState,
  pushGraphicsState
} from 'pdf-lib'
import {retagFontSubsets} from './merge-front.js'
import {deflateNatively} from './native-deflate.js'

const name = PDFName.of('HPOverlay')

/** Draw page `i` of `overlay` over page `i` of `document`, but for the pages in `skip` (0-based). */
export function overlayPages(document: PDFDocument, overlay: PDFDocument, skip: ReadonlySet<number> = new Set()): void {
  const count = document.getPageCount()
  if (overlay.getPageCount() !== count) {
    throw new Error(
      `The book's folios came out on ${overlay.getPageCount()} pages for a body of ${count}: templates/book.html has no \`folios\` part, or a changed one (\`handout eject book.html\` gives the current one)`
    )
  }
  // The overlay's font subsets could bear the same tags as the document's (the same tags again: a no-op on an overlay done before).
  retagFontSubsets(
    overlay,
    overlay.getPages().map((page) => page.ref),
    'FOLIO'
  )
  const context = document.context
  // One copier: what the overlay's pages share (their fonts) is copied once.
  const copy = PDFObjectCopier.for(overlay.context, context).copy
  const push: PDFRef = context.register(context.contentStream([pushGraphicsState()]))
  const pop: PDFRef = context.register(context.contentStream([popGraphicsState()]))
  const draw: PDFRef = context.register(context.contentStream([pushGraphicsState(), beginMarkedContent('Artifact'), drawObject(name), endMarkedContent(), popGraphicsState()]))
  const pages = overlay.getPages()
  document.getPages().forEach((page, index) => {
    if (skip.has(index)) return
    const {XObject} = page.node.normalizedEntries() as {XObject: PDFDict}
    XObject.set(name, formOf(pages[index]!, context, copy))
    // The page's own content in q … Q, so that its graphics state does not reach the overlay.
    page.node.wrapContentStreams(push, pop)
    page.node.addContentStream(draw)
  })
}

/**
 * A page as a form XObject of `context`: its resources copied, its content as
 * it is compressed when it is one deflated stream (Chromium's pages are), so
 * nothing is inflated and deflated again (pdf-lib's `embedPages` does both:
 * about 0.1 s for a 600-page book's folios, at every build). Other content is
 * decoded and joined, as pdf-lib does, and deflated by Node's zlib.
 */
function formOf(page: PDFPage, context: PDFDocument['context'], copy: PDFObjectCopier['copy']): PDFRef {
  // Read as they are: `normalizedEntries` would change the overlay (its pages' content wrapped in q … Q).
  const node = page.node
  const box = [0, 1, 2, 3].map((index) => node.MediaBox().lookup(index, PDFNumber).asNumber())
  const resources = node.Resources()
  const dict = {Type: 'XObject', Subtype: 'Form', FormType: 1, BBox: box, Resources: resources ? copy(resources) : {}}
  const contents = node.Contents()
  const streams = contents instanceof PDFArray ? contents.asArray().map((_, index) => contents.lookup(index)) : contents ? [contents] : []
  const only = streams.length === 1 ? streams[0] : undefined
  if (only instanceof PDFRawStream && only.dict.get(PDFName.of('Filter')) === PDFName.of('FlateDecode') && !only.dict.has(PDFName.of('DecodeParms'))) {
    return context.register(context.stream(only.contents, {...dict, Filter: 'FlateDecode'}))
  }
  const decoded = streams.map((stream) => {
    if (!(stream instanceof PDFRawStream)) throw new Error(`A folio page's content is not a stream (${String(stream)})`)
    return decodePDFRawStream(stream).decode()
  })
  deflateNatively(context)
  return context.register(context.flateStream(Buffer.concat(decoded.flatMap((content) => [content, Buffer.from('\n')])), dict))
}
