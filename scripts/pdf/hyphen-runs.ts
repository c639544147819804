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
import {forEachOperator, type Operands, operatorCode} from './content-operators.js'
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
  /** By glyph id; `NaN` for a glyph the font gives no width of. */
  widths: Float64Array
  fallback: number
}

/** The runs of more than `maxRun` hyphenated lines in a row in `pdf` (a body line follows the previous one of its font size). */
export async function hyphenRuns(pdf: Uint8Array, maxRun: number): Promise<HyphenRuns> {
  const document = await readPrint(pdf)
  const blocks: Block[] = []
  let softHyphens = 0
  const fontsRead = new Map<unknown, Widths>()
  document.getPages().forEach((page, index) => {
    const fonts = new Map<string, Widths>()
    const fontDict = page.node.Resources()?.lookupMaybe(PDFName.of('Font'), PDFDict)
    for (const [name, ref] of fontDict?.entries() ?? []) {
      // Pages share their fonts: each is read once.
      const font = document.context.lookup(ref)
      const widths = fontsRead.get(font) ?? fontWidths(document, font)
      fontsRead.set(font, widths)
      fonts.set(name.decodeText(), widths)
    }
    softHyphens = readBlocks(pageContent(document, page.node.get(PDFName.of('Contents'))), {page: index, fonts}, softHyphens, blocks)
  })
  // A loop, not a spread into `Math.max`: a long document has more blocks than a call takes arguments.
  const looseness = blocks.reduce((most, block) => Math.max(most, block.stretch), 0)
  const stretches = blocks.filter((block) => block.stretch > 0).map((block): [number, number] => [block.after, block.stretch])
  return {softHyphens, runs: runsOf(blocks, maxRun), looseness, stretches}
}

/** The highest glyph id of a two-byte code. */
const maxGlyph = 0xffff

/** The glyph widths of a composite (Type0) font, from its descendant's `W` and `DW`. */
function fontWidths(document: PDFDocument, font: unknown): Widths {
  const descendants = font instanceof PDFDict ? font.lookupMaybe(PDFName.of('DescendantFonts'), PDFArray) : undefined
  const cid = descendants?.lookup(0)
  const widths = new Map<number, number>()
  if (!(cid instanceof PDFDict)) return {widths: new Float64Array(0), fallback: 1000}
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
      for (let code = first.asNumber(); code <= Math.min(next.asNumber(), maxGlyph); code++) widths.set(code, width.asNumber())
      index += 3
    }
  }
  // An array by glyph id (ids are two bytes; Chromium's subsets number theirs from 0 up).
  let highest = -1
  for (const code of widths.keys()) if (code <= maxGlyph) highest = Math.max(highest, code)
  const byGlyph = new Float64Array(highest + 1).fill(Number.NaN)
  for (const [code, width] of widths) if (code >= 0 && code <= maxGlyph) byGlyph[code] = width
  return {widths: byGlyph, fallback: dw?.asNumber() ?? 1000}
}

/** The decoded content of a page (its streams joined). */
function pageContent(document: PDFDocument, contents: unknown): Buffer {
  const refs = contents instanceof PDFArray ? contents.asArray() : [contents]
  const parts: Buffer[] = []
  for (const ref of refs) {
    const stream = ref ? document.context.lookup(ref as never) : undefined
    if (!(stream instanceof PDFRawStream)) continue
    const flate = stream.dict.get(PDFName.of('Filter')) === PDFName.of('FlateDecode')
    parts.push(flate ? zlib.inflateSync(stream.contents) : Buffer.from(stream.contents), newline)
  }
  return Buffer.concat(parts)
}

const newline = Buffer.from('\n')

// The operators read.
const [beginMarkedProperties, beginMarked, endMarked, beginText, endText, setFont, setMatrix, moveText, show, showPositioned] = ['BDC', 'BMC', 'EMC', 'BT', 'ET', 'Tf', 'Tm', 'Td', 'Tj', 'TJ'].map(
  operatorCode
)
// Their operands.
const nameNumber = ['name', 'number'] as const
const sixNumbers = ['number', 'number', 'number', 'number', 'number', 'number'] as const
const twoNumbers = ['number', 'number'] as const
const nameDict = ['name', 'dict'] as const

/**
 * Append the text blocks of one page's `content` to `blocks`; returns the soft
 * hyphens counted so far. The operators read: a soft hyphen's span (`/Span
 * <</ActualText <FEFF00AD>>> BDC`), other marked content and its end, text
 * blocks, font and size, the text matrix (its y), glyph positions and glyph
 * shows. Chromium places each glyph run with `dx 0 Td` from the start of the
 * previous one: what `dx` exceeds the previous run's own advance is the
 * stretch justification put there.
 */
function readBlocks(content: Buffer, context: {page: number; fonts: Map<string, Widths>}, counted: number, blocks: Block[]): number {
  let softHyphens = counted
  // Open marked content: the ordinal of a soft hyphen's span, or `undefined` for any other.
  const marked: Array<number | undefined> = []
  let block: Block | undefined
  let font: Widths | undefined
  // The natural advance of the glyphs shown since the last `Td`, in text space.
  let advance = 0
  forEachOperator(content, (operator, operands) => {
    if (operator === beginMarkedProperties || operator === beginMarked) {
      const count = operator === beginMarkedProperties ? softHyphensMarked(content, operands) : undefined
      marked.push(count ? softHyphens + count - 1 : undefined)
      softHyphens += count ?? 0
    } else if (operator === endMarked) marked.pop()
    else if (operator === beginText) {
      block = {page: context.page, y: undefined, size: 0, shows: 0, endsWithSoftHyphen: undefined, stretch: 0, after: softHyphens}
      advance = 0
    } else if (operator === endText) {
      if (block) blocks.push(block)
      block = undefined
    } else if (!block) return
    else if (operator === setFont && operands.endsWith(nameNumber)) {
      block.size = operands.number(0)
      font = context.fonts.get(operands.text(1))
    } else if (operator === setMatrix && operands.endsWith(sixNumbers)) block.y = operands.number(0)
    else if (operator === moveText && operands.endsWith(twoNumbers)) {
      // A glyph drawn at no advance (an unused soft hyphen) gives a negative difference: not a stretch.
      if (block.shows > 0 && block.size > 0) block.stretch = Math.max(block.stretch, (operands.number(1) - advance) / block.size)
      advance = 0
    } else if ((operator === show && operands.count > 0) || (operator === showPositioned && operands.kind(0) === 'array')) {
      block.shows++
      block.endsWithSoftHyphen = marked.at(-1)
      // Chromium shows glyphs by their two-byte ids in hex strings.
      if (operator === show && operands.kind(0) === 'hex') {
        const glyphs = operands.span(0)
        for (let at = glyphs.start; at + 4 <= glyphs.end; at += 4) {
          const width = font ? (font.widths[hexValue(content, at, 4)] ?? Number.NaN) : 0
          advance += ((Number.isNaN(width) ? font!.fallback : width) * block.size) / 1000
        }
      }
    }
  })
  return softHyphens
}

/**
 * The soft hyphens (U+00AD) of a span's `ActualText`, when the span is
 * `/Span <</ActualText <hex>>> BDC` (its text in UTF-16, with or without
 * its byte order mark); `undefined` for any other marked content.
 */
function softHyphensMarked(content: Buffer, operands: Operands): number | undefined {
  if (!operands.endsWith(nameDict) || operands.text(1) !== 'Span') return undefined
  const entries = operands.entries(0)
  const [key, value] = entries ?? []
  if (entries?.length !== 2 || key?.kind !== 'name' || content.toString('latin1', key.start, key.end) !== 'ActualText' || value?.kind !== 'hex') return undefined
  let at = value.start
  if (value.end - at >= 4 && hexValue(content, at, 4) === 0xfeff) at += 4
  if ((value.end - at) % 4 !== 0) return undefined
  let count = 0
  for (; at < value.end; at += 4) {
    const unit = hexValue(content, at, 4)
    if (Number.isNaN(unit)) return undefined
    if (unit === 0xad) count++
  }
  return count
}

/** The number that `length` hex digits at `at` write, or `NaN` if one is not a hex digit. */
function hexValue(content: Buffer, at: number, length: number): number {
  let value = 0
  for (let index = at; index < at + length; index++) {
    const code = content[index]!
    const digit = code >= 0x30 && code <= 0x39 ? code - 0x30 : code >= 0x61 && code <= 0x66 ? code - 0x57 : code >= 0x41 && code <= 0x46 ? code - 0x37 : Number.NaN
    value = value * 16 + digit
  }
  return value
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
