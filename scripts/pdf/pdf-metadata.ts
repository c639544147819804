/**
 * Finish a PDF that Chromium printed: our info dictionary (Chromium writes its
 * user agent as Creator and "now" as dates), the document language, and
 * bookmark titles with their spaces intact.
 */
import {PDFDict, PDFDocument, PDFHexString, PDFName, PDFString} from 'pdf-lib'

/** Metadata to write into a PDF. */
export interface PdfMetadata {
  title: string
  author?: string | undefined
  subject?: string | undefined
  keywords?: readonly string[]
  /** Tool and version, e.g. `handout-press 0.1.0`. */
  creator: string
  /** CreationDate and ModDate: pinned, so two builds give the same bytes. */
  date: Date
  /** BCP 47 language of the text. */
  lang: string
  /**
   * Bookmark titles in outline order (depth-first). Chromium drops the space
   * where a heading wraps; when the count matches, these replace its titles.
   */
  outline?: readonly string[]
}

/** A finished PDF and its page count. */
export interface FinishedPdf {
  pdf: Uint8Array
  pages: number
}

/** Rewrite the metadata of `input`; keeps tags, links and bookmarks. */
export async function finishPdf(input: Uint8Array, metadata: PdfMetadata): Promise<FinishedPdf> {
  // `updateMetadata: false`: pdf-lib would otherwise stamp its own producer and "now".
  const document = await PDFDocument.load(input, {updateMetadata: false})
  document.setTitle(metadata.title, {showInWindowTitleBar: true})
  if (metadata.author) document.setAuthor(metadata.author)
  if (metadata.subject) document.setSubject(metadata.subject)
  if (metadata.keywords?.length) document.setKeywords([...metadata.keywords])
  document.setCreator(metadata.creator)
  document.setCreationDate(metadata.date)
  document.setModificationDate(metadata.date)
  document.catalog.set(PDFName.of('Lang'), PDFString.of(metadata.lang))
  if (metadata.outline) fixOutlineTitles(document, metadata.outline)
  const pdf = await document.save({useObjectStreams: true})
  return {pdf, pages: document.getPageCount()}
}

/** Outline titles in depth-first order. */
export function readOutlineTitles(document: PDFDocument): string[] {
  return outlineItems(document).map((item) => {
    const title = item.lookup(PDFName.of('Title'))
    return title instanceof PDFString || title instanceof PDFHexString ? title.decodeText() : ''
  })
}

function fixOutlineTitles(document: PDFDocument, titles: readonly string[]): void {
  const items = outlineItems(document)
  if (items.length !== titles.length) return
  items.forEach((item, index) => item.set(PDFName.of('Title'), PDFHexString.fromText(titles[index]!)))
}

function outlineItems(document: PDFDocument): PDFDict[] {
  const root = document.catalog.lookupMaybe(PDFName.of('Outlines'), PDFDict)
  const items: PDFDict[] = []
  const walk = (first: PDFDict | undefined, depth: number) => {
    let item = first
    let guard = 0
    while (item && guard++ < 100_000 && depth < 64) {
      items.push(item)
      walk(item.lookupMaybe(PDFName.of('First'), PDFDict), depth + 1)
      item = item.lookupMaybe(PDFName.of('Next'), PDFDict)
    }
  }
  walk(root?.lookupMaybe(PDFName.of('First'), PDFDict), 0)
  return items
}

