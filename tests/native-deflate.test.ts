/**
 * A finished PDF's object streams and cross-reference stream are compressed
 * by Node's zlib (`native-deflate.ts`), not pdf-lib's pako: each
 * stream holds exactly `zlib.deflateSync` of its contents, and the document
 * reads back with every object as it was; with `deflateNatively`, so are
 * the form XObjects of embedded pages (a book's folios).
 */
import zlib from 'node:zlib'
import {PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream, PDFString, StandardFonts} from 'pdf-lib'
import {describe, expect, it} from 'vitest'
import {deflateNatively, serializeWithObjectStreams} from '../scripts/pdf/native-deflate.js'

/** A document of `count` small dictionaries (as a book's structure elements are), each registered. */
async function manyObjects(count: number): Promise<PDFDocument> {
  const document = await PDFDocument.create()
  document.addPage()
  const context = document.context
  const refs = Array.from({length: count}, (_, index) => context.register(context.obj({Type: 'StructElem', S: 'P', ID: PDFString.of(`node${index}`), K: index % 97})))
  document.catalog.set(PDFName.of('Elements'), context.obj(refs))
  await document.flush()
  return document
}

/** Every compressed stream of `pdf`: its dictionary's type and its compressed bytes. */
function streams(pdf: Uint8Array): Array<{type: string; data: Buffer}> {
  const text = Buffer.from(pdf).toString('latin1')
  const found: Array<{type: string; data: Buffer}> = []
  for (const match of text.matchAll(/<<([\s\S]*?)>>\s*stream\r?\n/g)) {
    const length = Number(/\/Length (\d+)/.exec(match[1]!)?.[1])
    const start = match.index! + match[0].length
    found.push({type: /\/Type \/(\w+)/.exec(match[1]!)?.[1] ?? '', data: Buffer.from(pdf.subarray(start, start + length))})
  }
  return found
}

describe('serializeWithObjectStreams', () => {
  it("compresses the object streams and the cross-reference stream with Node's zlib, and every object reads back", async () => {
    const document = await manyObjects(3000)
    const pdf = await serializeWithObjectStreams(document.context, 500)
    const compressed = streams(pdf)
    expect(compressed.filter((stream) => stream.type === 'ObjStm').length).toBeGreaterThanOrEqual(6)
    expect(compressed.filter((stream) => stream.type === 'XRef')).toHaveLength(1)
    for (const stream of compressed.filter((each) => each.type === 'ObjStm' || each.type === 'XRef')) {
      expect(zlib.deflateSync(zlib.inflateSync(stream.data)).equals(stream.data), stream.type).toBe(true)
    }
    const read = await PDFDocument.load(pdf, {updateMetadata: false})
    const elements = read.catalog.lookup(PDFName.of('Elements'), PDFArray).asArray()
    expect(elements).toHaveLength(3000)
    for (const index of [0, 1234, 2999]) {
      const element = read.context.lookup(elements[index]!, PDFDict)
      expect(element.lookup(PDFName.of('ID'), PDFString).decodeText()).toBe(`node${index}`)
      expect(element.lookup(PDFName.of('K'), PDFNumber).asNumber()).toBe(index % 97)
    }
  })

  it('gives the same bytes every time', async () => {
    const [a, b] = await Promise.all([manyObjects(1200), manyObjects(1200)])
    expect(Buffer.from(await serializeWithObjectStreams(a.context, 500)).equals(Buffer.from(await serializeWithObjectStreams(b.context, 500)))).toBe(true)
  })

  it("compresses the pages a document embeds with Node's zlib once told to", async () => {
    const overlay = await PDFDocument.create()
    const font = await overlay.embedFont(StandardFonts.Helvetica)
    const page = overlay.addPage()
    for (let line = 0; line < 400; line++) page.drawText(`Page ${line} of 590 — Bench Institute ${(line * 7919) % 1000}`, {x: 20 + (line % 13), y: 20 + line, size: 6, font})
    const document = await PDFDocument.create()
    deflateNatively(document.context)
    const [embedded] = await document.embedPages(overlay.getPages())
    // pdf-lib embeds when the document is flushed (as `finishPdf` does before saving).
    await document.flush()
    const stream = document.context.lookup(embedded!.ref)
    if (!(stream instanceof PDFRawStream)) throw new Error('the embedded page is not a stream')
    expect(stream.dict.get(PDFName.of('Filter'))).toBe(PDFName.of('FlateDecode'))
    const data = Buffer.from(stream.contents)
    expect(zlib.inflateSync(data).toString('latin1')).toContain('Tj')
    expect(zlib.deflateSync(zlib.inflateSync(data)).equals(data)).toBe(true)
  })
})
