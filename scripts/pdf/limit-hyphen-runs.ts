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
import {type HyphenRuns, hyphenRuns} from './hyphen-runs.js'
import {type PrintJob, type PrintResult, printPdf} from './print-pdf.js'

const SHY = '\u00AD'

/** Options of `printLimitingHyphenRuns`. */
export interface HyphenLimitOptions {
  /** Most hyphenated lines in a row (default: `2`, as the design brief asks). */
  maxRun?: number
  /** Most prints again (default: `4`); the best one is kept whatever its runs. */
  maxReprints?: number
  /**
   * How loose a line a fix may leave, in ems of stretch per word gap, unless
   * the first print already had one as loose (default: `0.5`; see `HyphenRuns.looseness`).
   */
  maxLooseness?: number
}

/** A print, and how many times it was printed again to break runs of hyphens. */
export interface LimitedPrint extends PrintResult {
  reprints: number
  /** Runs longer than the limit left in the PDF (none unless the passes ran out, a fix was too loose, or the PDF and HTML disagreed). */
  runsLeft: number
}

/** One printed version and what its PDF says. */
interface Version {
  html: string
  printed: PrintResult
  read: HyphenRuns
}

/**
 * Print `job` with at most `maxRun` hyphenated lines in a row. For each run
 * too long, the word ending its line `maxRun + 1` is kept whole (what CSS's
 * `hyphenate-limit-lines` means); when that leaves a line of the run's
 * paragraph looser than the limit (a long compound that cannot break), an
 * earlier line's word is tried instead, and failing all, the least loose.
 */
export async function printLimitingHyphenRuns(session: BrowserSession, job: PrintJob, options: HyphenLimitOptions = {}): Promise<LimitedPrint> {
  const {maxRun = 2, maxReprints = 4, maxLooseness = 0.5} = options
  const first = await printPdf(session, job)
  // No soft hyphen, no run: a ragged-right page or a language without patterns costs nothing.
  if (!job.html.includes(SHY)) return {...first, reprints: 0, runsLeft: 0}
  let current: Version = {html: job.html, printed: first, read: await hyphenRuns(first.pdf, maxRun)}
  const limit = Math.max(maxLooseness, current.read.looseness)
  const budget = {left: maxReprints}
  // Ordinals map back only when the PDF marks exactly the HTML's soft hyphens (none hidden, none added).
  while (current.read.runs.length > 0 && current.read.softHyphens === countSoftHyphens(current.html) && budget.left > 0) {
    current = await breakRuns(current, (html) => printPdf(session, {...job, html}), {maxRun, limit, budget})
  }
  return {...current.printed, reprints: maxReprints - budget.left, runsLeft: current.read.runs.length}
}

/**
 * One round: for every run of `version`, the latest of its lines whose word,
 * kept whole, leaves its paragraph within `limit` (tried for all runs at
 * once, one print per line tried), else the least loose.
 */
async function breakRuns(version: Version, print: (html: string) => Promise<PrintResult>, options: {maxRun: number; limit: number; budget: {left: number}}): Promise<Version> {
  const {runs} = version.read
  const chosen: Array<number | undefined> = runs.map(() => undefined)
  // Looseness of each run's paragraph with each line's word kept whole.
  const tried: Array<Map<number, number>> = runs.map(() => new Map())
  let last: {lines: number[]; removed: number[]; version: Version} | undefined
  const attempt = async (lines: number[]) => {
    const {html, removed} = keepWordsWhole(version.html, new Set(runs.map((run, index) => run[lines[index]!]!)))
    const printed = await print(html)
    options.budget.left--
    last = {lines, removed, version: {html, printed, read: await hyphenRuns(printed.pdf, options.maxRun)}}
    return last
  }
  for (let line = options.maxRun; line >= 0 && options.budget.left > 0 && chosen.includes(undefined); line--) {
    const {removed, version: printed} = await attempt(chosen.map((fixed) => fixed ?? line))
    runs.forEach((run, index) => {
      if (chosen[index] !== undefined) return
      const looseness = regionLooseness(printed.read, removed, run[0]!, runs[index + 1]?.[0])
      tried[index]!.set(line, looseness)
      if (looseness <= options.limit) chosen[index] = line
    })
  }
  const lines = chosen.map((fixed, index) => fixed ?? leastLoose(tried[index]!, options.maxRun))
  if (last && lines.every((line, index) => line === last!.lines[index])) return last.version
  if (options.budget.left === 0) return last?.version ?? version
  return (await attempt(lines)).version
}

/**
 * How loose the text from a run's first line to the next run is, in a version
 * printed with the soft hyphens `removed` (ordinals before removal) taken out.
 */
function regionLooseness(read: HyphenRuns, removed: readonly number[], from: number, to: number | undefined): number {
  const renumber = (ordinal: number) => ordinal - removed.filter((gone) => gone < ordinal).length
  const start = renumber(from)
  const end = to === undefined ? Number.POSITIVE_INFINITY : renumber(to)
  return Math.max(0, ...read.stretches.filter(([after]) => after >= start && after < end).map(([, stretch]) => stretch))
}

/** The line whose word kept whole left the least loose text (the latest on a tie). */
function leastLoose(tried: ReadonlyMap<number, number>, maxRun: number): number {
  let best = maxRun
  for (const [line, looseness] of tried) if (looseness < (tried.get(best) ?? Number.POSITIVE_INFINITY)) best = line
  return best
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
 * Chromium cannot break it; and the ordinals of the soft hyphens taken out.
 */
export function keepWordsWhole(html: string, ordinals: ReadonlySet<number>): {html: string; removed: number[]} {
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
  let result = ''
  let from = 0
  for (const index of [...removed].sort((a, b) => a - b)) {
    result += html.slice(from, index)
    from = index + 1
  }
  return {html: result + html.slice(from), removed: offsets.flatMap((offset, ordinal) => (removed.has(offset) ? [ordinal] : []))}
}
