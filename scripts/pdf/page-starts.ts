/**
 * Where each printed page begins, read back from the PDF: the named
 * destinations of the blocks `pageStartProbes` gave ids, anchors and links
 * say on which page each block starts and ends. Feeds the EPUB's page-list
 * (`render/epub-page-list.ts`).
 */
import {PDFArray, PDFDict, PDFName, PDFRef} from 'pdf-lib'
import {readPrint} from './parsed-print.js'
import type {PageProbe, PageStart} from '../render/epub-page-list.js'

/**
 * For each page after the first, the block its first line is in: the block
 * that runs over from an earlier page, else the first block that starts on
 * it. A page with neither (no probe landed there) has no entry.
 */
export async function pageStarts(pdf: Uint8Array, probes: readonly PageProbe[]): Promise<PageStart[]> {
  const document = await readPrint(pdf)
  const pageIndex = new Map(document.getPages().map((page, index) => [page.ref.toString(), index + 1]))
  const dests = document.catalog.lookupMaybe(PDFName.of('Dests'), PDFDict)
  const pageOf = (id: string | undefined): number | undefined => {
    if (id === undefined) return undefined
    const ref = dests?.lookupMaybe(PDFName.of(id), PDFArray)?.get(0)
    return ref instanceof PDFRef ? pageIndex.get(ref.toString()) : undefined
  }
  const blocks = probes.flatMap((probe) => {
    const start = pageOf(probe.id)
    return start === undefined ? [] : [{id: probe.id, start, end: Math.max(start, pageOf(probe.end) ?? start)}]
  })
  const starts: PageStart[] = []
  for (let page = 2; page <= document.getPageCount(); page++) {
    const block = blocks.find((candidate) => candidate.start < page && candidate.end >= page) ?? blocks.find((candidate) => candidate.start === page)
    if (block) starts.push({page, id: block.id})
  }
  return starts
}
