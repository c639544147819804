/**
 * A printed PDF is parsed once for the steps after its print (`parsed-print.ts`):
 * reading its hyphen runs and its page starts share one parse, and the step
 * that changes it (cleaning a book's run, finishing a handout) takes that
 * parse over; whatever reads the bytes after that gets a parse of its own.
 */
import {PDFDocument, PDFName, PDFString} from 'pdf-lib'
import {afterEach, describe, expect, it, vi} from 'vitest'
import {hyphenRuns} from '../scripts/pdf/hyphen-runs.js'
import {pageStarts} from '../scripts/pdf/page-starts.js'
import {readPrint, takePrint} from '../scripts/pdf/parsed-print.js'
import {finishPdf} from '../scripts/pdf/pdf-metadata.js'
import {cleanPart} from '../scripts/pdf/book-part.js'

async function twoPages(): Promise<Uint8Array> {
  const document = await PDFDocument.create({updateMetadata: false})
  document.addPage()
  document.addPage()
  return document.save()
}

const metadata = {title: 'T', creator: 'test', date: new Date(Date.UTC(2024, 0, 1)), lang: 'en'}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('readPrint and takePrint', () => {
  it('share one parse between readers of the same bytes, and hand it to the one taker', async () => {
    const pdf = await twoPages()
    const first = await readPrint(pdf)
    expect(await readPrint(pdf)).toBe(first)
    // Other bytes, even equal ones, are another print.
    expect(await readPrint(pdf.slice())).not.toBe(first)
    expect(await takePrint(pdf)).toBe(first)
    // Taken (and maybe changed): a reader after it gets a new parse, and so does a second taker.
    const again = await readPrint(pdf)
    expect(again).not.toBe(first)
    expect(again.getPageCount()).toBe(2)
    expect(await takePrint(pdf)).toBe(again)
    expect(await takePrint(pdf)).not.toBe(again)
  })

  it('does not keep a failed parse', async () => {
    const broken = new TextEncoder().encode('not a PDF at all')
    await expect(readPrint(broken)).rejects.toThrow()
    const load = vi.spyOn(PDFDocument, 'load')
    await expect(readPrint(broken)).rejects.toThrow()
    expect(load).toHaveBeenCalledTimes(1)
  })

  it("is one parse for a run's hyphen check and its cleaning, and for a handout's hyphen check, page starts and finish", async () => {
    const run = await twoPages()
    const handout = await twoPages()
    const load = vi.spyOn(PDFDocument, 'load')
    await hyphenRuns(run, 2)
    await cleanPart(run)
    expect(load).toHaveBeenCalledTimes(1)
    await hyphenRuns(handout, 2)
    await pageStarts(handout, [])
    const finished = await finishPdf(handout, metadata)
    expect(load).toHaveBeenCalledTimes(2)
    expect(finished.pages).toBe(2)
  })

  it('gives a finished PDF the same bytes whether its print was read first or not', async () => {
    const print = await twoPages()
    const fresh = await finishPdf(print.slice(), metadata)
    await hyphenRuns(print, 2)
    await pageStarts(print, [])
    const shared = await finishPdf(print, metadata)
    expect(Buffer.from(shared.pdf).equals(Buffer.from(fresh.pdf))).toBe(true)
    const document = await PDFDocument.load(shared.pdf)
    expect(document.catalog.get(PDFName.of('Lang'))).toEqual(PDFString.of('en'))
  })
})
