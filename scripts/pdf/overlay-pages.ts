/**
 * Lay the pages of one PDF over those of another, page for page: a book's
 * folios (printed on empty pages of their own, see `print-book.ts`) over its
 * body. Each overlay page becomes a form XObject drawn after the page's own
 * content, marked as a pagination artifact so that it stays out of the
 * structure tree, as Chromium's own margin boxes do. Names are fixed (no
 * random suffix, unlike pdf-lib's `drawPage`): the output stays deterministic.
 */
import {beginMarkedContent, drawObject, endMarkedContent, type PDFDict, type PDFDocument, PDFName, type PDFRef, popGraphicsState, pushGraphicsState} from 'pdf-lib'
import {retagFontSubsets} from './merge-front.js'
import {deflateNatively} from './native-deflate.js'

const name = PDFName.of('HPOverlay')

/** Draw page `i` of `overlay` over page `i` of `document`, but for the pages in `skip` (0-based). */
export async function overlayPages(document: PDFDocument, overlay: PDFDocument, skip: ReadonlySet<number> = new Set()): Promise<void> {
  const count = document.getPageCount()
  if (overlay.getPageCount() !== count) {
    throw new Error(
      `The book's folios came out on ${overlay.getPageCount()} pages for a body of ${count}: templates/book.html has no \`folios\` part, or a changed one (\`handout eject book.html\` gives the current one)`
    )
  }
  // The overlay's font subsets could bear the same tags as the document's.
  retagFontSubsets(
    overlay,
    overlay.getPages().map((page) => page.ref),
    'FOLIO'
  )
  // Each embedded page's content is compressed again (when the document is flushed): by Node's zlib, not pako.
  deflateNatively(document.context)
  const embedded = await document.embedPages(overlay.getPages())
  const context = document.context
  const push: PDFRef = context.register(context.contentStream([pushGraphicsState()]))
  const pop: PDFRef = context.register(context.contentStream([popGraphicsState()]))
  const draw: PDFRef = context.register(context.contentStream([pushGraphicsState(), beginMarkedContent('Artifact'), drawObject(name), endMarkedContent(), popGraphicsState()]))
  document.getPages().forEach((page, index) => {
    if (skip.has(index)) return
    const {XObject} = page.node.normalizedEntries() as {XObject: PDFDict}
    XObject.set(name, embedded[index]!.ref)
    // The page's own content in q … Q, so that its graphics state does not reach the overlay.
    page.node.wrapContentStreams(push, pop)
    page.node.addContentStream(draw)
  })
}
