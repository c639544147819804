/**
 * Named destinations no longer than a PDF name may be. Chromium names a
 * destination after its element's id, percent-encoded: a heading in
 * Devanagari or Chinese gives three bytes per UTF-8 byte, and a few words
 * exceed the 127 bytes readers accept in a name (poppler prints "name token
 * is longer than what the specification says it can be" for each). Such a
 * name becomes `d-` and 24 hex digits of its SHA-256, the same every time,
 * in the document's `Dests` and in every link and bookmark that names it.
 */
import {createHash} from 'node:crypto'
import {PDFArray, PDFDict, type PDFDocument, PDFName, type PDFObject} from 'pdf-lib'

/** Longest name, in bytes, that PDF readers must accept (ISO 32000-1, annex C). */
export const maxNameBytes = 127

/** Rename the destinations of `document` whose names are too long; returns how many. */
export function shortenDestinationNames(document: PDFDocument): number {
  const dests = document.catalog.lookupMaybe(PDFName.of('Dests'), PDFDict)
  if (!dests) return 0
  const renamed = new Map<PDFName, PDFName>()
  for (const [name, value] of dests.entries()) {
    const text = name.decodeText()
    if (Buffer.byteLength(text, 'utf8') <= maxNameBytes) continue
    const short = PDFName.of(`d-${createHash('sha256').update(text).digest('hex').slice(0, 24)}`)
    renamed.set(name, short)
    dests.delete(name)
    dests.set(short, value)
  }
  if (renamed.size === 0) return 0
  // Links (`Dest`, or a GoTo action's `D`) and bookmarks, wherever they are: direct or nested dictionaries.
  const rename = (object: PDFObject | undefined, depth: number): void => {
    if (depth > 8) return
    if (object instanceof PDFDict) {
      for (const key of ['Dest', 'D']) {
        const value = object.get(PDFName.of(key))
        const short = value instanceof PDFName ? renamed.get(value) : undefined
        if (short) object.set(PDFName.of(key), short)
      }
      for (const [, value] of object.entries()) if (value instanceof PDFDict || value instanceof PDFArray) rename(value, depth + 1)
    } else if (object instanceof PDFArray) {
      for (const value of object.asArray()) if (value instanceof PDFDict || value instanceof PDFArray) rename(value, depth + 1)
    }
  }
  for (const [, object] of document.context.enumerateIndirectObjects()) rename(object, 0)
  return renamed.size
}
