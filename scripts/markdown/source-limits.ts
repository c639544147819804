/**
 * Limits checked on the Markdown text before the full parse, on the block
 * structure micromark itself finds: a parse with its inline constructs
 * (emphasis, links, code spans…) turned off is linear, and its events say
 * where each paragraph, heading and table cell is and how deeply block quotes
 * and lists nest. No hand-written reading of Markdown to drift from the
 * parser's. The parse stage's worker bounds time and memory whatever the
 * input; these checks give common mistakes a precise `file:line` message.
 */
import {frontmatter} from 'micromark-extension-frontmatter'
import {gfm} from 'micromark-extension-gfm'
import {parse, postprocess, preprocess} from 'micromark'
import type {Event} from 'micromark-util-types'
import type {VFile} from 'vfile'
import {pandocEndAsDashes} from './remark-front-matter.js'

/** Limits of one source. Every default is written down. */
export interface SourceLimits {
  /**
   * Most emphasis, strikethrough and code runs (`*`, `_`, `~`, `` ` ``) plus
   * brackets (`[`, `]`) in one paragraph, heading or table cell (default: `1000`).
   */
  maxInlineMarkers?: number
  /** Deepest nesting of block quotes and list items (default: `32`). */
  maxBlockDepth?: number
  /** Deepest nesting of the parsed document tree, any node kind (default: `128`). */
  maxTreeDepth?: number
  /**
   * Most footnote references in the source (default: `2000`): each is a link
   * in the text and a link back in its note, and a few markers per paragraph
   * repeated over a long source made hundreds of thousands of both.
   */
  maxFootnoteReferences?: number
}

/** The defaults of `SourceLimits`. */
export const defaultSourceLimits: Required<SourceLimits> = {maxInlineMarkers: 1000, maxBlockDepth: 32, maxTreeDepth: 128, maxFootnoteReferences: 2000}

const origin = 'handout:limits'

// Constructs inside paragraphs, headings and cells: off for the structure-only parse.
const inline = [
  ...['attention', 'autolink', 'characterEscape', 'characterReference', 'codeText', 'hardBreakEscape', 'htmlText', 'labelEnd', 'labelStartImage', 'labelStartLink'],
  ...['wwwAutolink', 'protocolAutolink', 'emailAutolink', 'gfmFootnoteCall', 'gfmPotentialFootnoteCall', 'strikethrough', 'tasklistCheck']
]
const extensions = [gfm(), frontmatter(['yaml']), {disable: {null: inline}}]
const containers = new Set(['blockQuote', 'listOrdered', 'listUnordered'])
const inlineContainers = new Set(['paragraph', 'atxHeadingText', 'setextHeadingText', 'tableContent'])

/** Fail `file` (a located message) when its text exceeds a limit. Linear in the text. */
export function checkSourceLimits(file: VFile, limits: SourceLimits = {}): void {
  const {maxInlineMarkers, maxBlockDepth} = {...defaultSourceLimits, ...limits}
  // Read front matter as the processor does (`...` closes it too).
  const value = pandocEndAsDashes(String(file.value))
  if (withinUpperBounds(value, maxInlineMarkers, maxBlockDepth)) return
  // Cut deep prefixes tight first (cheap, and enough for one or two columns a level);
  // only when that cut lines and found nothing, again at the bound wide levels need.
  const tight = boundContainerPrefixes(value, maxBlockDepth + 2)
  checkStructure(file, tight, maxInlineMarkers, maxBlockDepth)
  if (tight !== value) checkStructure(file, boundContainerPrefixes(value, 7 * (maxBlockDepth + 1)), maxInlineMarkers, maxBlockDepth)
}

/**
 * True when no limit can be exceeded, without parsing: no run of lines
 * between blank lines (which end every paragraph, heading and table) has more
 * marker runs than the limit, no backtick run is over 32, and no line's
 * prefix can nest deeper than the limit.
 */
function withinUpperBounds(value: string, maxInlineMarkers: number, maxBlockDepth: number): boolean {
  // A long backtick run may be a fence (fine) or a code span opener (checked where it is).
  if (value.includes('`'.repeat(33))) return false
  for (const chunk of value.split(/\n[ \t]*\n/)) {
    if ((chunk.match(/([*_~`])\1*|[[\]]/g)?.length ?? 0) > maxInlineMarkers) return false
  }
  return boundContainerPrefixes(value, maxBlockDepth) === value
}

/** Check depth and markers on the events of micromark's structure-only parse of `text`. */
function checkStructure(file: VFile, text: string, maxInlineMarkers: number, maxBlockDepth: number): void {
  const events = postprocess(
    parse({extensions})
      .document()
      .write(preprocess()(text, undefined, true))
  )
  let depth = 0
  let delimiterRow = false
  for (const [kind, token] of events as Event[]) {
    // `tableContent` also spans the cells of a delimiter row (`|---|`): no markers there.
    if (String(token.type) === 'tableDelimiterRow') delimiterRow = kind === 'enter'
    if (containers.has(token.type)) {
      depth += kind === 'enter' ? 1 : -1
      if (depth > maxBlockDepth) {
        file.fail(`Block quotes and lists nest ${depth} levels deep here, over the limit of ${maxBlockDepth}: flatten the structure (or raise \`--limit blockDepth=N\`)`, {
          place: {line: token.start.line, column: token.start.column},
          ruleId: 'nesting-too-deep',
          source: origin
        })
      }
    } else if (kind === 'enter' && !delimiterRow && inlineContainers.has(token.type)) {
      checkInlineMarkers(file, text, token, maxInlineMarkers)
    }
  }
}

/** Count the markers of one paragraph, heading or table cell (`\`-escaped ones are text). */
function checkInlineMarkers(file: VFile, text: string, token: Event[1], maxInlineMarkers: number): void {
  const what = token.type === 'paragraph' ? 'Paragraph' : String(token.type) === 'tableContent' ? 'Table cell' : 'Heading'
  let markers = 0
  let index = token.start.offset
  const end = token.end.offset
  while (index < end) {
    const char = text.charCodeAt(index)
    if (char === 92 /* \ */) {
      index += 2
      continue
    }
    const run = runAt(text, index, end)
    if (run === 0) {
      index++
      continue
    }
    markers++
    if (char === 96 /* ` */ && run > 32) fail(file, text, index, `Run of ${run} backticks: a code span needs at most a few (the limit is 32)`)
    if (markers > maxInlineMarkers) {
      fail(
        file,
        text,
        token.start.offset,
        `${what} has over ${maxInlineMarkers} emphasis, code or bracket markers (\`*\`, \`_\`, \`~\`, \`\` \` \`\`, \`[\`, \`]\`): split it or escape them with \`\\\` (or raise \`--limit inlineMarkers=N\`)`
      )
    }
    index += run
  }
}

/** Length of the marker run at `index`: a run of one of `*_~\`` or a single bracket; 0 for other text. */
function runAt(text: string, index: number, end: number): number {
  const char = text[index]!
  if (char === '[' || char === ']') return 1
  if (!'*_~`'.includes(char)) return 0
  let next = index + 1
  while (next < end && text[next] === char) next++
  return next - index
}

function fail(file: VFile, text: string, offset: number, reason: string): never {
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  file.fail(reason, {place: {line, column: offset - before.lastIndexOf('\n')}, ruleId: 'too-many-markers', source: origin})
}

// A thematic break (`- - - -`, `***`): one marker character and spaces after the quotes.
const thematicBreak = /^[ \t>]*([*_-])(?:[ \t]*\1)*[ \t]*$/

/**
 * Cut every line whose container prefix could nest more than `maxLevels`
 * deep, where it might. micromark opens nested containers in quadratic time,
 * so this keeps its parse linear. Upper bound of a prefix's levels: one per
 * `>`, one per list marker, one per two columns of indentation before a
 * marker (a list item continues only under two or more). A level takes at most 7 of these units
 * (`123456789.` and four spaces), so cutting past `7 × (limit + 1)` units keeps
 * every level up to one past the limit. The rest of a line never changes the
 * block structure of the others; a thematic break is kept whole.
 */
export function boundContainerPrefixes(text: string, maxLevels: number): string {
  return text.replace(/^[^\n]*/gm, (line) => {
    if (line.length * 2 <= maxLevels || thematicBreak.test(line)) return line
    let levels = 0
    let columns = 0
    let index = 0
    // Spaces after a list marker set where its content starts; they continue no item.
    let afterMarker = false
    while (index < line.length) {
      const char = line[index]!
      if (char === ' ' || char === '\t') {
        const width = char === '\t' ? 4 - (index % 4) : 1
        if (!afterMarker) levels += Math.floor((columns + width) / 2) - Math.floor(columns / 2)
        columns += width
        index++
      } else if (char === '>') {
        levels++
        index++
        afterMarker = false
      } else {
        const marker = /^(?:[*+-]|\d{1,9}[.)])(?=[ \t]|$)/.exec(line.slice(index, index + 11))
        // Content: no container starts after it on this line.
        if (!marker) return line
        levels++
        index += marker[0].length
        afterMarker = true
      }
      if (levels > maxLevels) return `${line.slice(0, index)} x`
    }
    return line
  })
}

/**
 * Fail `file` when `tree` nests deeper than `maxTreeDepth`, or has more than
 * `maxFootnoteReferences` footnote references (an iterative walk: no recursion
 * to overflow).
 */
export function checkTreeDepth(tree: {children?: unknown[]}, file: VFile, limits: SourceLimits = {}): void {
  const {maxTreeDepth, maxFootnoteReferences} = {...defaultSourceLimits, ...limits}
  const stack: Array<{node: {type?: string; children?: unknown[]; position?: {start: {line: number; column: number}}}; depth: number}> = [{node: tree, depth: 0}]
  // In document order: the place named is the first reference past the limit.
  let references = 0
  let pastLimit: {line: number; column: number} | undefined
  while (stack.length > 0) {
    const {node, depth} = stack.pop()!
    if (node.type === 'footnoteReference' && ++references === maxFootnoteReferences + 1) pastLimit = node.position?.start
    if (depth > maxTreeDepth) {
      file.fail(`Content nests over ${maxTreeDepth} levels deep (emphasis, links, quotes or lists inside each other): flatten it`, {
        place: node.position?.start ?? {line: 1, column: 1},
        ruleId: 'nesting-too-deep',
        source: origin
      })
    }
    for (let index = (node.children?.length ?? 0) - 1; index >= 0; index--) stack.push({node: node.children![index] as typeof node, depth: depth + 1})
  }
  if (references > maxFootnoteReferences) {
    file.fail(`Over ${maxFootnoteReferences} footnote references (${references}): cite a note fewer times, or raise the limit (\`--limit footnoteReferences=N\`)`, {
      place: pastLimit ?? {line: 1, column: 1},
      ruleId: 'too-many-footnote-references',
      source: origin
    })
  }
}
