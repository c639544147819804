/**
 * No more than two hyphenated lines in a row (issue 15), which Chromium
 * cannot be told (`hyphenate-limit-lines` is not implemented). The page is
 * printed as usual and its line ends read back from the PDF (`hyphen-runs.ts`);
 * only when a run is too long is the word at the end of its third line kept
 * whole (its soft hyphens taken out) and the page printed again, until no
 * run is left or the passes are spent. The common case costs one read of the
 * PDF; the output depends only on the input, so it stays deterministic.
 */
import type {BrowserSession} from './browser.js'
import {hyphenRuns} from './hyphen-runs.js'
import {type PrintJob, type PrintResult, printPdf} from './print-pdf.js'

const SHY = '\u00AD'

/** Options of `printLimitingHyphenRuns`. */
export interface HyphenLimitOptions {
  /** Most hyphenated lines in a row (default: `2`, as the design brief asks). */
  maxRun?: number
  /** Most prints again (default: `3`); the last one is kept whatever its runs. */
  maxReprints?: number
}

/** A print, and how many times it was printed again to break runs of hyphens. */
export interface LimitedPrint extends PrintResult {
  reprints: number
  /** Runs longer than the limit left in the PDF (none unless the passes ran out or the PDF and HTML disagreed). */
  runsLeft: number
}

/** Print `job` with at most `maxRun` hyphenated lines in a row. */
export async function printLimitingHyphenRuns(session: BrowserSession, job: PrintJob, options: HyphenLimitOptions = {}): Promise<LimitedPrint> {
  const {maxRun = 2, maxReprints = 3} = options
  let html = job.html
  for (let reprints = 0; ; reprints++) {
    const printed = await printPdf(session, {...job, html})
    // No soft hyphen, no run: a ragged-right page or a language without patterns costs nothing.
    if (!html.includes(SHY)) return {...printed, reprints, runsLeft: 0}
    const {softHyphens, runs} = await hyphenRuns(printed.pdf, maxRun)
    // Ordinals map back only when the PDF marks exactly the HTML's soft hyphens (none hidden, none added).
    const mapped = softHyphens === countSoftHyphens(html)
    if (runs.length === 0 || !mapped || reprints === maxReprints) return {...printed, reprints, runsLeft: runs.length}
    html = keepWordsWhole(
      html,
      new Set(runs.map((run) => run[maxRun]!))
    )
  }
}

/**
 * Where the page's text starts: soft hyphens before it (in `<head>`) are not
 * printed. A `<body` inside a comment or attribute of the head would fool it;
 * the templates are trusted and have none.
 */
function bodyStart(html: string): number {
  const start = html.search(/<body[\s>]/i)
  return start === -1 ? 0 : start
}

/** Offsets of the soft hyphens in the text of `html`'s body (not in tags, comments, styles or scripts), in order. */
export function softHyphenOffsets(html: string): number[] {
  const offsets: number[] = []
  // Comments, style and script elements, tags (quoted attribute values may hold `>`), or a soft hyphen.
  const skipped = /<!--[\s\S]*?-->|<(style|script)\b[\s\S]*?<\/\1\s*>|<(?:"[^"]*"|'[^']*'|[^'">])*>|\u00AD/gi
  skipped.lastIndex = bodyStart(html)
  for (let match = skipped.exec(html); match; match = skipped.exec(html)) if (match[0] === SHY) offsets.push(match.index)
  return offsets
}

/** How many soft hyphens the body's text of `html` has. */
export function countSoftHyphens(html: string): number {
  return softHyphenOffsets(html).length
}

// What a word is made of, soft hyphens included (as `hyphenate-print.ts` splits words).
const wordChar = /[\p{L}\p{M}\u00AD’']/u

/**
 * `html` with the whole word around each soft hyphen of `ordinals` (0-based,
 * counted as `softHyphenOffsets` counts them) left without soft hyphens, so
 * Chromium cannot break it.
 */
export function keepWordsWhole(html: string, ordinals: ReadonlySet<number>): string {
  const offsets = softHyphenOffsets(html)
  const removed = new Set<number>()
  for (const ordinal of ordinals) {
    const offset = offsets[ordinal]
    if (offset === undefined) continue
    let start = offset
    while (start > 0 && wordChar.test(html[start - 1]!)) start--
    let end = offset + 1
    while (end < html.length && wordChar.test(html[end]!)) end++
    for (let index = start; index < end; index++) if (html[index] === SHY) removed.add(index)
  }
  if (removed.size === 0) return html
  let result = ''
  let from = 0
  for (const index of [...removed].sort((a, b) => a - b)) {
    result += html.slice(from, index)
    from = index + 1
  }
  return result + html.slice(from)
}
