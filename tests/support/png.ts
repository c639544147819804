/**
 * Small PNGs made in the tests, without an image library: grey (0x80)
 * pixels, greyscale at 8 bits, optionally with a `tEXt` chunk.
 */
import zlib from 'node:zlib'

/** A grey PNG of `width` × `height` pixels; `text`, if given, in a tEXt chunk (so its bytes are findable). */
export function greyPng(width: number, height = 1, text?: string): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(zlib.crc32(body))
    return Buffer.concat([length, body, crc])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8 // bit depth
  header[9] = 0 // greyscale
  // Each row: filter type 0, then its pixels.
  const rows = Buffer.from(Array.from({length: height}, () => [0, ...Array.from({length: width}, () => 0x80)]).flat())
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    ...(text === undefined ? [] : [chunk('tEXt', Buffer.from(`Comment\0${text}`, 'latin1'))]),
    chunk('IDAT', zlib.deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0))
  ])
}
