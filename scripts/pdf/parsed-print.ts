/**
 * One parse of a PDF the browser printed, for the steps after the print: the
 * hyphen-run check and the page-start reading only read it, then one step
 * changes it (cleaning a book's part: its soft hyphens' text, its tag tree;
 * finishing a handout). Each parsed the same bytes again (a run of 12 articles: about
 * 25 ms a parse). Reading and changing are told apart: `readPrint` shares a
 * parse that nobody may change; `takePrint` hands it over to be changed, and
 * a read after that parses again. Kept by the bytes' identity, for as long as
 * the bytes are.
 */
import {ParseSpeeds, PDFDocument} from 'pdf-lib'

const parsed = new WeakMap<Uint8Array, Promise<PDFDocument>>()

/** `pdf` parsed, shared with the other readers of the same bytes: do not change it. */
export function readPrint(pdf: Uint8Array): Promise<PDFDocument> {
  let document = parsed.get(pdf)
  if (!document) {
    document = parsePdf(pdf)
    parsed.set(pdf, document)
    // A failed parse is not kept: the next caller gets its own error.
    document.catch(() => parsed.delete(pdf))
  }
  return document
}

/** `pdf` parsed, the caller's own to change: the shared parse if there is one (no one reads it after this), else a new one. */
export function takePrint(pdf: Uint8Array): Promise<PDFDocument> {
  const document = parsed.get(pdf)
  parsed.delete(pdf)
  return document ?? parsePdf(pdf)
}

/**
 * `pdf` parsed, a parse of its own: with `updateMetadata: false` (pdf-lib would
 * otherwise stamp its own producer and "now") and `parseSpeed` Fastest (no
 * yielding to the event loop every 100 objects: a 600-page book's parse
 * 0.94 → 0.42 s).
 */
export function parsePdf(pdf: Uint8Array): Promise<PDFDocument> {
  return PDFDocument.load(pdf, {updateMetadata: false, parseSpeed: ParseSpeeds.Fastest})
}
