/**
 * Laying one PDF's pages over another's (a book's folios over its body):
 * a page whose content is one deflated stream, as Chromium prints it, is
 * drawn from its compressed bytes as they are (nothing inflated and deflated
 * again); other content is decoded and joined; the overlay itself is left as
 * it was, so a kept parse of the folios can be laid again. No browser.
 */
import {describe, expect, it} from 'vitest'
import {PDFArray, PDFContentStream, PDFDict, PDFDocument, PDFName, PDFRawStream, type PDFRef, StandardFonts, decodePDFRawStream, pushGraphicsState} from 'pdf-lib'
import {overlayPages} from '../scripts/pdf/overlay-pages.js'

/** A saved and parsed document of `count` pages, each with one line of text (`extra`: a second content stream on each page). */
async function pages(count: number, text: string, extra = false): Promise<PDFDocument> {
  const document = await PDFDocument.create()
  const font = await document.embedFont(StandardFonts.Helvetica)
  for (let index = 0; index < count; index++) {
    const page = document.addPage([300, 400])
    page.drawText(`${text} ${index + 1}`, {x: 20, y: 20, size: 9, font})
    if (extra) page.node.addContentStream(document.context.register(document.context.contentStream([pushGraphicsState()])))
  }
  return PDFDocument.load(await document.save({useObjectStreams: false}))
}

/** The form XObject laid over page `index` of `document`. */
function form(document: PDFDocument, index: number): PDFRawStream {
  const xobjects = document.getPage(index).node.Resources()!.lookup(PDFName.of('XObject'), PDFDict)
  const stream = document.context.lookup(xobjects.get(PDFName.of('HPOverlay')) as PDFRef)
  if (!(stream instanceof PDFRawStream)) throw new Error(`page ${index} has no overlay form`)
  return stream
}

/** The raw bytes of the one content stream of page `index`. */
function contentBytes(document: PDFDocument, index: number): Uint8Array {
  const contents = document.getPage(index).node.Contents()
  const stream = contents instanceof PDFArray ? contents.lookup(0) : contents
  if (!(stream instanceof PDFRawStream)) throw new Error(`page ${index} has no content stream of its own`)
  return stream.contents
}

const text = (stream: PDFRawStream) => Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1')
/** How pdf-lib writes a line of Helvetica text in a content stream (a hex string). */
const shown = (line: string) => `<${Buffer.from(line, 'latin1').toString('hex').toUpperCase()}> Tj`

describe('overlayPages', () => {
  it("draws a page's one deflated content stream as it is, and leaves the overlay unchanged", async () => {
    const body = await pages(3, 'Body')
    const folios = await pages(3, 'Folio')
    const before = await folios.save({useObjectStreams: false})
    overlayPages(body, folios, new Set([1]))
    const first = form(body, 0)
    expect(first.dict.get(PDFName.of('Filter'))).toBe(PDFName.of('FlateDecode'))
    expect(Buffer.from(first.contents).equals(Buffer.from(contentBytes(folios, 0)))).toBe(true)
    expect(text(first)).toContain(shown('Folio 1'))
    expect(text(form(body, 2))).toContain(shown('Folio 3'))
    // The skipped page has no overlay; every other page draws it last, its own content in q … Q.
    expect(body.getPage(1).node.Resources()!.lookupMaybe(PDFName.of('XObject'), PDFDict)?.get(PDFName.of('HPOverlay'))).toBeUndefined()
    const contents = body.getPage(0).node.Contents() as PDFArray
    const last = contents.lookup(contents.size() - 1)
    if (!(last instanceof PDFContentStream)) throw new Error('the last content stream is not ours')
    expect(Buffer.from(last.getUnencodedContents()).toString('latin1')).toMatch(/^q\s+\/Artifact BMC\s+\/HPOverlay Do\s+EMC\s+Q/)
    // Its fonts came along: the form's resources name a font of the body's own context.
    const fonts = first.dict.lookup(PDFName.of('Resources'), PDFDict).lookup(PDFName.of('Font'), PDFDict)
    const [, font] = fonts.entries()[0]!
    expect(body.context.lookup(font as PDFRef, PDFDict).get(PDFName.of('BaseFont'))).toBe(PDFName.of('Helvetica'))
    // The overlay is as it was: laid again, over a second body, it gives the same content.
    expect(Buffer.from(await folios.save({useObjectStreams: false})).equals(Buffer.from(before))).toBe(true)
    const again = await pages(3, 'Body')
    overlayPages(again, folios)
    expect(Buffer.from(form(again, 0).contents).equals(Buffer.from(first.contents))).toBe(true)
  })

  it("decodes and joins a page's content streams when there are several", async () => {
    const body = await pages(1, 'Body')
    const folios = await pages(1, 'Folio', true)
    overlayPages(body, folios)
    const content = text(form(body, 0))
    expect(content).toContain(shown('Folio 1'))
    expect(content.trimEnd().endsWith('q')).toBe(true)
  })

  it('refuses an overlay with another page count', async () => {
    const body = await pages(2, 'Body')
    const folios = await pages(1, 'Folio')
    expect(() => overlayPages(body, folios)).toThrow(/folios came out on 1 pages for a body of 2/)
  })
})
