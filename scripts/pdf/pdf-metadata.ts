/**
 * Finish a PDF that Chromium printed: our info dictionary (Chromium writes its
 * user agent as Creator and "now" as dates), the document language,
 * bookmark titles with their spaces intact, destination names of a length
 * readers accept, and no soft hyphens in its text.
 */
import {PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, type PDFRef, PDFString} from 'pdf-lib'
import type {OutlineEntry} from '../core/types.js'
import {canonicalStructure} from './canonical-structure.js'
import {shortenDestinationNames} from './destination-names.js'
import {prependFrontMatter} from './merge-front.js'
import {serializeWithObjectStreams} from './native-deflate.js'
import {parsePdf, takePrint} from './parsed-print.js'
import {dropSoftHyphenText} from './soft-hyphen-text.js'
import {dropUnreachableObjects} from './unreachable-objects.js'
import type {PageBox} from './page-box.js'

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
   * Bookmarks in outline order (depth-first). Chromium drops the space where a
   * heading wraps and nests by tag name only (a body `h1` beside the title);
   * when the count matches, these titles and levels replace its own.
   */
  outline?: readonly OutlineEntry[]
  /** Exact page size to set on every page's MediaBox, keeping the top left corner (see `page-box.ts`). */
  pageBox?: PageBox | undefined
}

/** A book's front matter, printed as a document of its own, to go before the body. */
export interface FrontMatter {
  pdf: Uint8Array
  /** Pad it to an even number of pages (a blank page), so that the body starts on a right-hand page. */
  evenPages?: boolean
}

/** What `finishPdf` may skip. */
export interface FinishOptions {
  /**
   * Every part was printed and cleaned on its own (`cleanPart`: its soft hyphens'
   * text out, its structure canonical) and put together in page order: a book's
   * runs and front matter.
   */
  partsClean?: boolean
}

/** A finished PDF and its page count. */
export interface FinishedPdf {
  pdf: Uint8Array
  pages: number
}

/**
 * Rewrite the metadata of `input`; keeps tags, links and bookmarks. With
 * `front`, its pages (and their tags, links, bookmarks) go first.
 */
export async function finishPdf(input: Uint8Array | PDFDocument, metadata: PdfMetadata, front?: FrontMatter, options: FinishOptions = {}): Promise<FinishedPdf> {
  // A handout's print was parsed already to read its hyphen runs and page starts: that parse is taken over.
  const document = input instanceof PDFDocument ? input : await takePrint(input)
  if (front) {
    const frontDocument = await parsePdf(front.pdf)
    prependFrontMatter(document, frontDocument, {evenPages: front.evenPages === true})
  }
  document.setTitle(metadata.title, {showInWindowTitleBar: true})
  if (metadata.author) document.setAuthor(metadata.author)
  if (metadata.subject) document.setSubject(metadata.subject)
  if (metadata.keywords?.length) document.setKeywords([...metadata.keywords])
  document.setCreator(metadata.creator)
  document.setCreationDate(metadata.date)
  document.setModificationDate(metadata.date)
  document.catalog.set(PDFName.of('Lang'), PDFString.of(metadata.lang))
  if (metadata.outline) fixOutline(document, metadata.outline)
  if (metadata.pageBox) {
    const {width, height} = metadata.pageBox
    for (const page of document.getPages()) {
      const box = page.getMediaBox()
      page.setMediaBox(box.x, box.y + box.height - height, width, height)
    }
  }
  // Headings in Devanagari or Chinese gave destination names over the 127 bytes a PDF name may have.
  shortenDestinationNames(document)
  if (!options.partsClean) {
    // Children in page order, then object numbers and ids in that order: the same bytes every time.
    canonicalStructure(document)
    // Print hyphenation's soft hyphens must not reach extracted or searched text.
    dropSoftHyphenText(document)
  }
  // Object streams of 500 objects, not pdf-lib's 50: a compressor's set-up per stream dominated
  // a 600-page book's save in pako (745 → 315 ms, and 2 % smaller); they are compressed by Node's zlib.
  await document.flush()
  dropUnreachableObjects(document)
  const pdf = await serializeWithObjectStreams(document.context, objectsPerStream)
  return {pdf, pages: document.getPageCount()}
}

/** Objects per compressed object stream of a finished PDF. */
const objectsPerStream = 500

/** Outline titles in depth-first order. */
export function readOutlineTitles(document: PDFDocument): string[] {
  return outlineItems(document).map(({dict}) => {
    const title = dict.lookup(PDFName.of('Title'))
    return title instanceof PDFString || title instanceof PDFHexString ? title.decodeText() : ''
  })
}

function fixOutline(document: PDFDocument, entries: readonly OutlineEntry[]): void {
  const items = outlineItems(document)
  const rootRef = document.catalog.get(PDFName.of('Outlines')) as PDFRef | undefined
  const root = document.catalog.lookupMaybe(PDFName.of('Outlines'), PDFDict)
  if (items.length !== entries.length || !root || !rootRef) return
  for (const [index, item] of items.entries()) item.dict.set(PDFName.of('Title'), PDFHexString.fromText(entries[index]!.title))
  relink(root, rootRef, items, entries)
}

type OutlineNode = {ref: PDFRef; dict: PDFDict; children: OutlineNode[]}

/** Rebuild the outline tree (Parent, First, Last, Prev, Next, Count) from the entries' levels; every item open. */
function relink(root: PDFDict, rootRef: PDFRef, items: ReturnType<typeof outlineItems>, entries: readonly OutlineEntry[]): void {
  const top: OutlineNode = {ref: rootRef, dict: root, children: []}
  const stack: Array<{level: number; node: OutlineNode}> = [{level: -1, node: top}]
  for (const [index, item] of items.entries()) {
    const level = entries[index]!.level
    while (stack.length > 1 && stack[stack.length - 1]!.level >= level) stack.pop()
    const node: OutlineNode = {...item, children: []}
    stack[stack.length - 1]!.node.children.push(node)
    stack.push({level, node})
  }
  // Deepest first, so each node's count includes its children's.
  const order: OutlineNode[] = []
  const pending = [top]
  while (pending.length > 0) {
    const node = pending.pop()!
    order.push(node)
    pending.push(...node.children)
  }
  const counts = new Map<OutlineNode, number>()
  for (const node of order.reverse()) {
    const {dict, children} = node
    for (const key of ['First', 'Last', 'Count']) dict.delete(PDFName.of(key))
    children.forEach((child, index) => {
      child.dict.set(PDFName.of('Parent'), node.ref)
      const previous = children[index - 1]
      const next = children[index + 1]
      if (previous) child.dict.set(PDFName.of('Prev'), previous.ref)
      else child.dict.delete(PDFName.of('Prev'))
      if (next) child.dict.set(PDFName.of('Next'), next.ref)
      else child.dict.delete(PDFName.of('Next'))
    })
    if (children.length === 0) continue
    dict.set(PDFName.of('First'), children[0]!.ref)
    dict.set(PDFName.of('Last'), children[children.length - 1]!.ref)
    const count = children.reduce((sum, child) => sum + 1 + (counts.get(child) ?? 0), 0)
    counts.set(node, count)
    dict.set(PDFName.of('Count'), PDFNumber.of(count))
  }
}

function outlineItems(document: PDFDocument): Array<{ref: PDFRef; dict: PDFDict}> {
  const root = document.catalog.lookupMaybe(PDFName.of('Outlines'), PDFDict)
  const items: Array<{ref: PDFRef; dict: PDFDict}> = []
  const walk = (first: PDFRef | undefined, depth: number) => {
    let ref = first
    let guard = 0
    while (ref && guard++ < 100_000 && depth < 64) {
      const dict = document.context.lookupMaybe(ref, PDFDict)
      if (!dict) return
      items.push({ref, dict})
      walk(dict.get(PDFName.of('First')) as PDFRef | undefined, depth + 1)
      ref = dict.get(PDFName.of('Next')) as PDFRef | undefined
    }
  }
  walk(root?.get(PDFName.of('First')) as PDFRef | undefined, 0)
  return items
}
