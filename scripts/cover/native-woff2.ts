/**
 * WOFF2 fonts opened by fontkit, with their Brotli stream decompressed by
 * Node's own zlib instead of fontkit's JavaScript decoder (the `brotli`
 * package): the same bytes, several times faster, which is most of the
 * time a first cover spends opening the shipped fonts. (The CLI bundle
 * does not even load that decoder: see `native-brotli.ts`.)
 */
import zlib from 'node:zlib'
import * as fontkit from 'fontkit'

/** The parts of fontkit's WOFF2 font class (2.x) this module replaces or reads. */
interface Woff2Internals {
  _decompress?: () => void
  _decompressed?: boolean
  _dataPos?: number
  directory?: {totalCompressedSize?: number; tables?: Record<string, {offset: number; length: number; transformLength?: number | null}>}
  stream: {pos: number; readBuffer(length: number): Uint8Array; constructor: new (buffer: Uint8Array) => unknown}
}

/**
 * `fontkit.create(bytes)`; for a WOFF2 file of the shape fontkit 2 makes, its
 * decompression step replaced by one that calls `zlib.brotliDecompressSync`
 * and otherwise does what fontkit's does (the table offsets, the decoded
 * stream). Any other font, or a fontkit whose internals differ, is returned
 * as fontkit made it.
 */
export function openFont(bytes: Uint8Array): ReturnType<typeof fontkit.create> {
  const font = fontkit.create(bytes as Buffer)
  const internals = font as unknown as Woff2Internals
  const tables = internals.directory?.tables
  const compressed = internals.directory?.totalCompressedSize
  if (typeof internals._decompress !== 'function' || typeof internals._dataPos !== 'number' || !tables || typeof compressed !== 'number') return font
  const dataPos = internals._dataPos
  internals._decompress = function (this: Woff2Internals) {
    if (this._decompressed) return
    this.stream.pos = dataPos
    const buffer = this.stream.readBuffer(compressed)
    let size = 0
    for (const entry of Object.values(tables)) {
      entry.offset = size
      size += entry.transformLength ?? entry.length
    }
    const decompressed = zlib.brotliDecompressSync(buffer)
    if (decompressed.byteLength !== size) throw new Error('Error decoding compressed data in WOFF2')
    this.stream = new this.stream.constructor(decompressed) as Woff2Internals['stream']
    this._decompressed = true
  }
  return font
}
