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
