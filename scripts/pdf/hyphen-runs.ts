/**
 * Runs of hyphenated lines in a PDF that Chromium printed, read from its page
 * content (Chromium has no `hyphenate-limit-lines`). Chromium marks every soft
 * hyphen of the page, used or not, as a marked-content span whose ActualText
 * is U+00AD, in the page's order (the order of the HTML); a soft hyphen it
 * broke a line at ends its line's text block, and the hyphen it drew follows
 * as a text block of one glyph on the same baseline. So the n-th soft hyphen
 * of the PDF is the n-th of the HTML, and a run is read without decoding
 * a single glyph.
 */
import zlib from 'node:zlib'
import {PDFArray, PDFDict, type PDFDocument, PDFName, PDFNumber, PDFRawStream} from 'pdf-lib'
import {readPrint} from './parsed-print.js'

/** What the PDF says about its soft hyphens and its lines. */
export interface HyphenRuns {
  /** Soft hyphens the PDF marks (to check against the HTML's before mapping ordinals back). */
  softHyphens: number
  /** Each run of more than `maxRun` hyphenated lines in a row: the 0-based ordinals of the soft hyphens at its line ends, top to bottom. */
  runs: number[][]
  /**
   * The widest gap any line was stretched by beyond its glyphs' own advances,
   * in ems of its font: how loose the loosest justified line is (about 0 to
   * 0.3 in well-set text).
   */
  looseness: number
  /** Each text block's stretch (as `looseness`) after the soft hyphens before it: `[soft hyphens before, stretch]`, in page order. */
  stretches: Array<[number, number]>
}

/** A text block (`BT` … `ET`) as far as line breaking goes. */
interface Block {
  page: number
  y: number | undefined
  size: number
  shows: number
  /** Ordinal of the soft hyphen that is the block's last glyph, if it is. */
  endsWithSoftHyphen: number | undefined
  /** Widest stretch between two glyphs, in ems. */
  stretch: number
  /** Soft hyphens the PDF marked before this block. */
  after: number
}

/** Glyph advances of a font (CID → width in thousandths of an em). */
interface Widths {
  widths: Map<number, number>
  fallback: number
}

// The operators read, in stream order: a soft hyphen's span, other marked content, its end,
// text blocks, font and size, text matrix (its y), glyph positions and glyph shows.
const operators =
  /\/Span\s*<<\s*\/ActualText\s*<(?:feff)?((?:[0-9a-f]{4})*)>\s*>>\s*BDC|\b(BDC|BMC)\b|\b(EMC)\b|\b(BT)\b|\b(ET)\b|\/([^\s/<>[\]()]+)\s+(-?[\d.]+)\s+Tf\b|(?:-?[\d.]+\s+){5}(-?[\d.]+)\s+Tm\b|(-?[\d.]+)\s+-?[\d.]+\s+Td\b|<([0-9a-f]*)>\s*Tj\b|(?:\((?:\\.|[^\\)])*\)\s*Tj|\[[^\]]*\]\s*TJ)\b/gi

/** The runs of more than `maxRun` hyphenated lines in a row in `pdf` (a body line follows the previous one of its font size). */
export async function hyphenRuns(pdf: Uint8Array, maxRun: number): Promise<HyphenRuns> {
  const document = await readPrint(pdf)
  const blocks: Block[] = []
  let softHyphens = 0
  document.getPages().forEach((page, index) => {
    const fonts = new Map<string, Widths>()
    const fontDict = page.node.Resources()?.lookupMaybe(PDFName.of('Font'), PDFDict)
    for (const [name, ref] of fontDict?.entries() ?? []) fonts.set(name.decodeText(), fontWidths(document, ref))
    softHyphens = readBlocks(pageContent(document, page.node.get(PDFName.of('Contents'))), {page: index, fonts}, softHyphens, blocks)
  })
  const looseness = Math.max(0, ...blocks.map((block) => block.stretch))
  const stretches = blocks.filter((block) => block.stretch > 0).map((block): [number, number] => [block.after, block.stretch])
  return {softHyphens, runs: runsOf(blocks, maxRun), looseness, stretches}
}

/** The glyph widths of a composite (Type0) font, from its descendant's `W` and `DW`. */
function fontWidths(document: PDFDocument, ref: unknown): Widths {
  const font = document.context.lookup(ref as never)
  const descendants = font instanceof PDFDict ? font.lookupMaybe(PDFName.of('DescendantFonts'), PDFArray) : undefined
  const cid = descendants?.lookup(0)
  const widths = new Map<number, number>()
  if (!(cid instanceof PDFDict)) return {widths, fallback: 1000}
  const dw = cid.lookupMaybe(PDFName.of('DW'), PDFNumber)
  const w =
    cid
      .lookupMaybe(PDFName.of('W'), PDFArray)
      ?.asArray()
      .map((item) => document.context.lookup(item)) ?? []
  // `c [w1 w2 …]` gives widths from c on; `c1 c2 w` one width for a range.
  for (let index = 0; index < w.length; ) {
    const first = w[index]
    const next = w[index + 1]
    if (!(first instanceof PDFNumber)) break
    if (next instanceof PDFArray) {
      next.asArray().forEach((width, offset) => {
        const value = document.context.lookup(width)
        if (value instanceof PDFNumber) widths.set(first.asNumber() + offset, value.asNumber())
      })
      index += 2
    } else {
      const width = w[index + 2]
      if (!(next instanceof PDFNumber) || !(width instanceof PDFNumber)) break
      for (let code = first.asNumber(); code <= next.asNumber(); code++) widths.set(code, width.asNumber())
      index += 3
    }
  }
  return {widths, fallback: dw?.asNumber() ?? 1000}
}

/** The decoded content of a page (its streams joined). */
function pageContent(document: PDFDocument, contents: unknown): string {
  const refs = contents instanceof PDFArray ? contents.asArray() : [contents]
  let text = ''
  for (const ref of refs) {
    const stream = ref ? document.context.lookup(ref as never) : undefined
    if (!(stream instanceof PDFRawStream)) continue
    const flate = stream.dict.get(PDFName.of('Filter')) === PDFName.of('FlateDecode')
    text += `${Buffer.from(flate ? zlib.inflateSync(stream.contents) : stream.contents).toString('latin1')}\n`
  }
  return text
}

/**
 * Append the text blocks of one page's `content` to `blocks`; returns the soft
 * hyphens counted so far. Chromium places each glyph run with `dx 0 Td` from
 * the start of the previous one: what `dx` exceeds the previous run's own
 * advance is the stretch justification put there.
 */
function readBlocks(content: string, context: {page: number; fonts: Map<string, Widths>}, counted: number, blocks: Block[]): number {
  let softHyphens = counted
  // Open marked content: the ordinal of a soft hyphen's span, or `undefined` for any other.
  const marked: Array<number | undefined> = []
  let block: Block | undefined
  let font: Widths | undefined
  // The natural advance of the glyphs shown since the last `Td`, in text space.
  let advance = 0
  for (const match of content.matchAll(operators)) {
    const [, actualText, begin, end, beginText, endText, fontName, size, y, dx, glyphs] = match
    if (actualText !== undefined) {
      let count = 0
      for (let at = 0; at + 4 <= actualText.length; at += 4) if (actualText.slice(at, at + 4).toLowerCase() === '00ad') count++
      marked.push(count > 0 ? softHyphens + count - 1 : undefined)
      softHyphens += count
    } else if (begin) marked.push(undefined)
    else if (end) marked.pop()
    else if (beginText) {
      block = {page: context.page, y: undefined, size: 0, shows: 0, endsWithSoftHyphen: undefined, stretch: 0, after: softHyphens}
      advance = 0
    } else if (endText) {
      if (block) blocks.push(block)
      block = undefined
    } else if (!block) continue
    else if (size !== undefined) {
      block.size = Number(size)
      font = context.fonts.get(fontName!)
    } else if (y !== undefined) block.y = Number(y)
    else if (dx !== undefined) {
      // A glyph drawn at no advance (an unused soft hyphen) gives a negative difference: not a stretch.
      if (block.shows > 0 && block.size > 0) block.stretch = Math.max(block.stretch, (Number(dx) - advance) / block.size)
      advance = 0
    } else {
      block.shows++
      block.endsWithSoftHyphen = marked.at(-1)
      const hex = glyphs ?? ''
      for (let at = 0; at + 4 <= hex.length; at += 4) {
        const code = Number.parseInt(hex.slice(at, at + 4), 16)
        advance += ((font?.widths.get(code) ?? font?.fallback ?? 0) * block.size) / 1000
      }
    }
  }
  return softHyphens
}

/** Lines closer than this (in text-space units) are one line. */
const sameLine = 1

/** The runs longer than `maxRun`, from the blocks in page order. */
function runsOf(blocks: Block[], maxRun: number): number[][] {
  // A line ends at a soft hyphen when its block ends with one and the next block is the drawn hyphen.
  // Hyphenated line ends by page and font size (a few per page: searched in order).
  const hyphenated = new Map<string, Array<{y: number; ordinal: number}>>()
  const sizes = new Set<number>()
  blocks.forEach((block, index) => {
    const next = blocks[index + 1]
    if (block.endsWithSoftHyphen === undefined || block.y === undefined || !next || next.shows !== 1 || next.y === undefined) return
    if (next.page !== block.page || Math.abs(next.y - block.y) >= sameLine) return
    const key = `${block.page} ${block.size}`
    const ends = hyphenated.get(key) ?? []
    // Two ends at the same height: the later one counts.
    const same = ends.find((end) => end.y === block.y)
    if (same) same.ordinal = block.endsWithSoftHyphen
    else ends.push({y: block.y, ordinal: block.endsWithSoftHyphen})
    hyphenated.set(key, ends)
    sizes.add(block.size)
  })
  if (hyphenated.size === 0) return []
  const runs: number[][] = []
  // The lines of each body size in reading order (page, then y: Chromium's text space runs down
  // the page); a superscript or a code span has its own size and does not split a run.
  for (const size of sizes) {
    const lines = blocks
      .filter((block) => block.size === size && block.y !== undefined && block.shows > 0)
      .map((block) => ({page: block.page, y: block.y!}))
      .sort((a, b) => a.page - b.page || a.y - b.y)
    let run: number[] = []
    let previous: {page: number; y: number} | undefined
    for (const line of lines) {
      if (previous && previous.page === line.page && line.y - previous.y < sameLine) continue
      previous = line
      const ordinal = hyphenated.get(`${line.page} ${size}`)?.find((end) => Math.abs(end.y - line.y) < sameLine)?.ordinal
      if (ordinal !== undefined) {
        run.push(ordinal)
        continue
      }
      if (run.length > maxRun) runs.push(run)
      run = []
    }
    if (run.length > maxRun) runs.push(run)
  }
  return runs.sort((a, b) => a[0]! - b[0]!)
}
