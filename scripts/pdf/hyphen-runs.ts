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
import {ParseSpeeds, PDFArray, PDFDocument, PDFName, PDFRawStream} from 'pdf-lib'

/** What the PDF says about its soft hyphens. */
export interface HyphenRuns {
  /** Soft hyphens the PDF marks (to check against the HTML's before mapping ordinals back). */
  softHyphens: number
  /** Each run of more than `maxRun` hyphenated lines in a row: the 0-based ordinals of the soft hyphens at its line ends, top to bottom. */
  runs: number[][]
}

/** A text block (`BT` … `ET`) as far as line breaking goes. */
interface Block {
  page: number
  y: number | undefined
  size: number
  shows: number
  /** Ordinal of the soft hyphen that is the block's last glyph, if it is. */
  endsWithSoftHyphen: number | undefined
}

// The operators read, in stream order: a soft hyphen's span, other marked content, its end,
// text blocks, font size, text matrix (its y), and glyph shows.
const operators =
  /\/Span\s*<<\s*\/ActualText\s*<(?:feff)?((?:[0-9a-f]{4})*)>\s*>>\s*BDC|\b(BDC|BMC)\b|\b(EMC)\b|\b(BT)\b|\b(ET)\b|(-?[\d.]+)\s+Tf\b|(?:-?[\d.]+\s+){5}(-?[\d.]+)\s+Tm\b|(?:<[0-9a-f]*>|\((?:\\.|[^\\)])*\))\s*Tj\b|\[[^\]]*\]\s*TJ\b/gi

/** The runs of more than `maxRun` hyphenated lines in a row in `pdf` (a body line follows the previous one of its font size). */
export async function hyphenRuns(pdf: Uint8Array, maxRun: number): Promise<HyphenRuns> {
  const document = await PDFDocument.load(pdf, {updateMetadata: false, parseSpeed: ParseSpeeds.Fastest})
  const blocks: Block[] = []
  let softHyphens = 0
  document.getPages().forEach((page, index) => {
    softHyphens = readBlocks(pageContent(document, page.node.get(PDFName.of('Contents'))), index, softHyphens, blocks)
  })
  return {softHyphens, runs: runsOf(blocks, maxRun)}
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

/** Append the text blocks of one page's `content` to `blocks`; returns the soft hyphens counted so far. */
function readBlocks(content: string, page: number, counted: number, blocks: Block[]): number {
  let softHyphens = counted
  // Open marked content: the ordinal of a soft hyphen's span, or `undefined` for any other.
  const marked: Array<number | undefined> = []
  let block: Block | undefined
  for (const match of content.matchAll(operators)) {
    const [, actualText, begin, end, beginText, endText, size, y] = match
    if (actualText !== undefined) {
      const units = actualText.match(/.{4}/g) ?? []
      const count = units.filter((unit) => unit.toLowerCase() === '00ad').length
      marked.push(count > 0 ? softHyphens + count - 1 : undefined)
      softHyphens += count
    } else if (begin) marked.push(undefined)
    else if (end) marked.pop()
    else if (beginText) block = {page, y: undefined, size: 0, shows: 0, endsWithSoftHyphen: undefined}
    else if (endText) {
      if (block) blocks.push(block)
      block = undefined
    } else if (size !== undefined) {
      if (block) block.size = Number(size)
    } else if (y !== undefined) {
      if (block) block.y = Number(y)
    } else if (block) {
      block.shows++
      block.endsWithSoftHyphen = marked.at(-1)
    }
  }
  return softHyphens
}

/** Lines closer than this (in text-space units) are one line. */
const sameLine = 1

/** The runs longer than `maxRun`, from the blocks in page order. */
function runsOf(blocks: Block[], maxRun: number): number[][] {
  // A line ends at a soft hyphen when its block ends with one and the next block is the drawn hyphen.
  const hyphenated = new Map<string, number>()
  blocks.forEach((block, index) => {
    const next = blocks[index + 1]
    if (block.endsWithSoftHyphen === undefined || block.y === undefined || !next || next.shows !== 1 || next.y === undefined) return
    if (next.page === block.page && Math.abs(next.y - block.y) < sameLine) hyphenated.set(`${block.page} ${block.size} ${block.y}`, block.endsWithSoftHyphen)
  })
  if (hyphenated.size === 0) return []
  const runs: number[][] = []
  // The lines of each body size in reading order (page, then y: Chromium's text space runs down
  // the page); a superscript or a code span has its own size and does not split a run.
  for (const size of new Set([...hyphenated.keys()].map((key) => Number(key.split(' ')[1])))) {
    const lines = blocks
      .filter((block) => block.size === size && block.y !== undefined && block.shows > 0)
      .map((block) => ({page: block.page, y: block.y!}))
      .sort((a, b) => a.page - b.page || a.y - b.y)
    let run: number[] = []
    let previous: {page: number; y: number} | undefined
    for (const line of lines) {
      if (previous && previous.page === line.page && line.y - previous.y < sameLine) continue
      previous = line
      const ordinal = softHyphenAt(hyphenated, line.page, size, line.y)
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

/** The soft hyphen ending the line at `y` (within `sameLine`), if any. */
function softHyphenAt(hyphenated: Map<string, number>, page: number, size: number, y: number): number | undefined {
  for (const [key, ordinal] of hyphenated) {
    const [linePage, lineSize, lineY] = key.split(' ').map(Number)
    if (linePage === page && lineSize === size && Math.abs(lineY! - y) < sameLine) return ordinal
  }
  return undefined
}
