/**
 * Where each printed page begins, read back from the PDF: the first block
 * (of those `pageStartProbes` gave ids and links) whose named destination is
 * on the page. Feeds the EPUB's page-list (`render/epub-page-list.ts`).
 */
import {PDFArray, PDFDict, PDFDocument, PDFName, PDFRef, ParseSpeeds} from 'pdf-lib'
import type {PageStart} from '../render/epub-page-list.js'

/** For each page on which a block starts, the first such block (ids in document order). */
export async function pageStarts(pdf: Uint8Array, ids: readonly string[]): Promise<PageStart[]> {
  const document = await PDFDocument.load(pdf, {updateMetadata: false, parseSpeed: ParseSpeeds.Fastest})
  const pageIndex = new Map(document.getPages().map((page, index) => [page.ref.toString(), index + 1]))
  const dests = document.catalog.lookupMaybe(PDFName.of('Dests'), PDFDict)
  const starts: PageStart[] = []
  let last = 0
  for (const id of ids) {
    const ref = dests?.lookupMaybe(PDFName.of(id), PDFArray)?.get(0)
    const page = ref instanceof PDFRef ? pageIndex.get(ref.toString()) : undefined
    // A block that starts on a later page than any before it starts that page.
    if (page !== undefined && page > last) {
      starts.push({page, id})
      last = page
    }
  }
  return starts
}
