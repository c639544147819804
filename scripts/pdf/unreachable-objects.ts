/**
 * Objects nothing refers to any more, dropped before a PDF is written. Putting
 * documents together (a book's runs, its front matter) replaces their name and
 * number trees with merged ones; the replaced nodes stayed in the file, unread
 * but written, with their entries in the order Chromium happened to number
 * its elements in: two builds of the same book could differ in those bytes.
 */
import {PDFArray, PDFDict, type PDFDocument, PDFRef, PDFStream} from 'pdf-lib'

/** Delete every indirect object of `document` that cannot be reached from its trailer (catalog, info). */
export function dropUnreachableObjects(document: PDFDocument): void {
  const context = document.context
  const reached = new Set<PDFRef>()
  const pending: unknown[] = [context.trailerInfo.Root, context.trailerInfo.Info, context.trailerInfo.Encrypt]
  while (pending.length > 0) {
    const value = pending.pop()
    if (value instanceof PDFRef) {
      if (reached.has(value)) continue
      reached.add(value)
      pending.push(context.lookup(value))
    } else if (value instanceof PDFDict) {
      for (const [, entry] of value.entries()) pending.push(entry)
    } else if (value instanceof PDFArray) {
      for (let index = 0; index < value.size(); index++) pending.push(value.get(index))
    } else if (value instanceof PDFStream) {
      pending.push(value.dict)
    }
  }
  for (const [ref] of context.enumerateIndirectObjects()) if (!reached.has(ref)) context.delete(ref)
}
