/**
 * Tell an image's type from its bytes. Extensions lie; the browser and
 * e-readers trust the bytes, so we do too.
 */

/** Raster types we accept, by media type. */
export const imageExtensions: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp'
}

/** The media type of `data`, or `undefined` when it is no image we accept. */
export function sniffImage(data: Uint8Array): string | undefined {
  const ascii = (start: number, end: number) => String.fromCharCode(...data.subarray(start, end))
  if (data.length >= 8 && data[0] === 0x89 && ascii(1, 4) === 'PNG' && data[4] === 0x0d && data[5] === 0x0a) return 'image/png'
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg'
  if (data.length >= 6 && (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a')) return 'image/gif'
  if (data.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp'
  const head = new TextDecoder().decode(data.subarray(0, 1024)).replace(/^\uFEFF/, '')
  if (/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(head)) return 'image/svg+xml'
  return undefined
}

/** Pixel size of an image, as its header states it. */
export interface ImageSize {
  width: number
  height: number
}

/**
 * Width and height from the header of a PNG, JPEG, GIF or WebP, without
 * decoding it: a few hundred bytes can claim billions of pixels
 * (a decompression bomb), so sizes are checked before any decoder sees them.
 * `undefined` when the header is truncated or unreadable.
 */
export function imageSize(data: Uint8Array, mediaType: string): ImageSize | undefined {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  const has = (end: number) => end <= data.length
  const ascii = (start: number, end: number) => String.fromCharCode(...data.subarray(start, end))
  switch (mediaType) {
    case 'image/png':
      // Signature, then the IHDR chunk: length, "IHDR", width, height (big-endian).
      return has(24) && ascii(12, 16) === 'IHDR' ? {width: view.getUint32(16), height: view.getUint32(20)} : undefined
    case 'image/gif':
      // Logical screen size (little-endian); frames are clipped to it.
      return has(10) ? {width: view.getUint16(6, true), height: view.getUint16(8, true)} : undefined
    case 'image/jpeg': {
      // Walk the marker segments to the first start-of-frame (SOF0–SOF15 but DHT, JPG, DAC).
      let offset = 2
      while (has(offset + 4)) {
        if (data[offset] !== 0xff) return undefined
        const marker = data[offset + 1]!
        if (marker === 0xff) {
          offset++
          continue
        }
        const length = view.getUint16(offset + 2)
        if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
          return has(offset + 9) ? {height: view.getUint16(offset + 5), width: view.getUint16(offset + 7)} : undefined
        }
        if (length < 2) return undefined
        offset += 2 + length
      }
      return undefined
    }
    case 'image/webp': {
      const chunk = has(16) ? ascii(12, 16) : ''
      if (chunk === 'VP8 ' && has(30)) return {width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff}
      if (chunk === 'VP8L' && has(25)) {
        const bits = view.getUint32(21, true)
        return {width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1}
      }
      if (chunk === 'VP8X' && has(30)) {
        const u24 = (at: number) => data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16)
        return {width: u24(24) + 1, height: u24(27) + 1}
      }
      return undefined
    }
    default:
      return undefined
  }
}
