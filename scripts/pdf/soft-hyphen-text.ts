/**
 * Soft hyphens out of a PDF's text. Chromium marks every soft hyphen of the
 * page, used or not, as a span whose ActualText is U+00AD, so extracted or
 * searched text reads `Ener\u00ADgie\u00ADwende`: copy, paste and find in a
 * viewer break on words the print hyphenation touched. U+00AD is taken out of
 * every ActualText: an unused soft hyphen yields no text, and at a line end
 * only the hyphen Chromium drew remains.
 */
import zlib from 'node:zlib'
import {PDFArray, type PDFDocument, PDFName, PDFRawStream, type PDFRef} from 'pdf-lib'

// An ActualText in UTF-16BE that holds a soft hyphen (alone, or inside a ligature's text such as `f\u00ADt`).
const marker = /\/ActualText\s*<feff((?:[0-9a-f]{4})*?00ad(?:[0-9a-f]{4})*)>/gi

/** Empty the ActualText of soft-hyphen spans in every page's content (in place); how many content streams changed. */
export function dropSoftHyphenText(document: PDFDocument): number {
  let changed = 0
  for (const page of document.getPages()) {
    const contents = page.node.get(PDFName.of('Contents'))
    const refs = contents instanceof PDFArray ? contents.asArray() : [contents]
    for (const ref of refs) {
      const stream = ref ? document.context.lookup(ref) : undefined
      if (!(stream instanceof PDFRawStream) || stream.dict.get(PDFName.of('Filter')) !== PDFName.of('FlateDecode')) continue
      const text = zlib.inflateSync(stream.contents).toString('latin1')
      if (!marker.test(text)) continue
      marker.lastIndex = 0
      const cleaned = text.replace(marker, (_, hex: string) => `/ActualText <feff${(hex.match(/.{4}/g) ?? []).filter((unit) => unit.toLowerCase() !== '00ad').join('')}>`)
      // Node's zlib, not pdf-lib's (pako, in JavaScript): a 600-page book spent over a second here.
      const rewritten = document.context.stream(zlib.deflateSync(Buffer.from(cleaned, 'latin1')), {Filter: 'FlateDecode'})
      document.context.assign(ref as PDFRef, rewritten)
      changed++
    }
  }
  return changed
}
