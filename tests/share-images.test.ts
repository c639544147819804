/**
 * `shareIdenticalImages` (merge-front.ts): the runs of a book each embed the
 * images they show; put together, an image shown in several runs is kept once
 * and every page draws the one copy, soft mask included. Different images stay.
 */
import {deflateSync} from 'node:zlib'
import {PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, type PDFRef} from 'pdf-lib'
import {describe, expect, it} from 'vitest'
import {shareIdenticalImages} from '../scripts/pdf/merge-front.js'

/** A PNG of `width`×1 pixels, RGBA (so pdf-lib gives it a soft mask), of one colour. */
function png(width: number, rgba: [number, number, number, number]): Uint8Array {
  const crc = (bytes: Buffer) => {
    let c = ~0
    for (const byte of bytes) {
      c ^= byte
      for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1))
    }
    return ~c >>> 0
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
    const out = Buffer.alloc(12 + data.length)
    out.writeUInt32BE(data.length, 0)
    body.copy(out, 4)
    out.writeUInt32BE(crc(body), 8 + data.length)
    return out
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(1, 4)
  header.set([8, 6, 0, 0, 0], 8)
  const row = Buffer.concat([Buffer.from([0]), ...Array.from({length: width}, () => Buffer.from(rgba))])
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(row)), chunk('IEND', Buffer.alloc(0))])
}

const imagesOf = (document: PDFDocument) =>
  document.context.enumerateIndirectObjects().filter(([, object]) => object instanceof PDFRawStream && object.dict.get(PDFName.of('Subtype')) === PDFName.of('Image'))

/** The image each page draws (its only XObject). */
const drawn = (document: PDFDocument) =>
  document.getPages().map((page) => {
    const xobjects = page.node.Resources()!.lookup(PDFName.of('XObject'), PDFDict)
    return xobjects.values()[0] as PDFRef
  })

describe('shareIdenticalImages', () => {
  it('keeps one copy of an image embedded twice, with its soft mask, and leaves a different image alone', async () => {
    const document = await PDFDocument.create()
    const red = png(4, [255, 0, 0, 128])
    for (const bytes of [red, red, png(4, [0, 0, 255, 200])]) {
      const image = await document.embedPng(bytes)
      document.addPage([100, 100]).drawImage(image, {x: 0, y: 0, width: 50, height: 10})
    }
    // Written and read again, as a run of the book is: the images are objects of their own.
    const loaded = await PDFDocument.load(await document.save({useObjectStreams: false}))
    expect(imagesOf(loaded)).toHaveLength(6)
    // Each with an ICC profile of its own, as Chromium gives them: the same bytes in each.
    const profiles = drawn(loaded).map((ref) => {
      const profile = loaded.context.register(loaded.context.flateStream(new Uint8Array(64).fill(7), {N: 3}))
      ;(loaded.context.lookup(ref) as PDFRawStream).dict.set(PDFName.of('ColorSpace'), loaded.context.obj([PDFName.of('ICCBased'), profile]))
      return profile
    })
    shareIdenticalImages(loaded)
    expect(imagesOf(loaded)).toHaveLength(4)
    const [first, second, third] = drawn(loaded)
    expect(second!.toString()).toBe(first!.toString())
    expect(third!.toString()).not.toBe(first!.toString())
    // One profile left, named by both images.
    expect(profiles.filter((ref) => loaded.context.lookup(ref) !== undefined)).toHaveLength(1)
    const profileOf = (ref: PDFRef) => (loaded.context.lookup(ref) as PDFRawStream).dict.get(PDFName.of('ColorSpace'))!.toString()
    expect(profileOf(third!)).toBe(profileOf(first!))
    // Every reference left points at an object that is there.
    const saved = await PDFDocument.load(await loaded.save({useObjectStreams: false}))
    for (const ref of drawn(saved)) {
      const image = saved.context.lookup(ref) as PDFRawStream
      expect(saved.context.lookup(image.dict.get(PDFName.of('SMask'))!)).toBeInstanceOf(PDFRawStream)
      expect(saved.context.lookup(image.dict.lookup(PDFName.of('ColorSpace'), PDFArray).get(1))).toBeInstanceOf(PDFRawStream)
    }
  })
})
