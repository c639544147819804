/**
 * No more than two hyphenated lines in a row (issue 15), which Chromium
 * cannot be told (`hyphenate-limit-lines` is not implemented). The page is
 * printed as usual and its line ends read back from the PDF (`hyphen-runs.ts`);
 * only when a run is too long is the word at the end of its third line kept
 * whole (its soft hyphens taken out) and the page printed again, until no
 * run is left or the passes are spent. The page's own layout is read first
 * (`layout-hyphen-runs.ts`) and those words kept whole before the first
 * print, an earlier line's word where the layout shows the third's leaves
 * its paragraph too loose, so that a page with runs is usually printed once
 * too; the PDF still judges. The common case costs one read of the PDF; the output
 * depends only on the input, so it stays deterministic.
 */
import type {BrowserSession} from './browser.js'
import type {Page} from 'puppeteer-core'
import {type HyphenRuns, hyphenRuns} from './hyphen-runs.js'
import {openPrintLayout} from './layout-hyphen-runs.js'
import {type PrintJob, type PrintResult, printPdf} from './print-pdf.js'

const SHY = '\u00AD'

/** Options of `printLimitingHyphenRuns`. */
export interface HyphenLimitOptions {
  /** Most hyphenated lines in a row (default: `2`, as the design brief asks). */
  maxRun?: number
  /** Most prints again (default: `4`); the best one is kept whatever its runs. */
  maxReprints?: number
  /**
   * How loose a line a fix may leave, in ems of stretch per word gap (default:
   * `0.5`; see `HyphenRuns.looseness`), unless one was as loose already: in
   * the fix's paragraph where the layout judges, anywhere in the first print
   * where prints judge.
   */
  maxLooseness?: number
  /**
   * Find the runs in the page's layout and keep their words whole before
   * the first print (default: `true`; see `layout-hyphen-runs.ts`). Either
   * way the same words are kept whole, unless the layout and the print
   * disagree on where a line ends, or a line elsewhere in the first print is
   * looser than `maxLooseness` (which lets prints accept a fix as loose);
   * `false` prints again for every round.
   */
  layout?: boolean
}

/** A print, and how many times it was printed again to break runs of hyphens (or to judge a layout's fix it could not). */
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
  const {maxRun = 2, maxReprints = 4, maxLooseness = 0.5, layout = true} = options
  // No soft hyphen, no run: a ragged-right page or a language without patterns costs nothing.
  if (!job.html.includes(SHY)) return {...(await printPdf(session, job)), reprints: 0, runsLeft: 0}
  let settled: Settled | undefined
  const beforePrint = async (page: Page) => {
    settled = await settleInLayout(page, job.html, {maxRun, maxLooseness})
  }
  let first = await printPdf(session, layout ? {...job, beforePrint} : job)
  let current: Version = {html: settled?.html ?? job.html, printed: first, read: await hyphenRuns(first.pdf, maxRun)}
  let prints = 1
  // A version printed already, which `breakRuns` may try again (the layout's fix is its first try).
  let kept: {html: string; printed: PrintResult} | undefined
  if (settled && !withinLooseness(current.read, settled.paragraphs, maxLooseness)) {
    // A word kept whole left its paragraph loose: printed as it was, and judged from its print as before.
    kept = {html: current.html, printed: first}
    first = await printPdf(session, job)
    prints++
    current = {html: job.html, printed: first, read: await hyphenRuns(first.pdf, maxRun)}
  }
  const print = async (html: string) => {
    if (html === kept?.html) return kept.printed
    prints++
    return printPdf(session, {...job, html})
  }
  const limit = Math.max(maxLooseness, current.read.looseness)
  const budget = {left: maxReprints}
  // Ordinals map back only when the PDF marks exactly the HTML's soft hyphens (none hidden, none added).
  while (current.read.runs.length > 0 && current.read.softHyphens === countSoftHyphens(current.html) && budget.left > 0) {
    current = await breakRuns(current, print, {maxRun, limit, budget})
  }
  return {...current.printed, reprints: prints - 1, runsLeft: current.read.runs.length}
}

/** What the page's own layout changed before its print. */
interface Settled {
  /** The HTML with the words kept whole. */
  html: string
  /**
   * Each paragraph a word was kept whole in: soft hyphen ordinals (in `html`)
   * from its first to after its last, and how loose the layout let its lines
   * be (`maxLooseness`, or as loose as it was).
   */
  paragraphs: Array<[number, number, number]>
}

/** How far the layout's looseness of a line may be from the print's, in ems (on the bench's corpus: 0.0007 to 0.0011). */
const layoutTolerance = 0.01

/** Most rounds of keeping words whole in the layout (each a layout, no print). */
const maxLayoutRounds = 8
/** Most time reading the layout, in ms (a page of 12 articles takes about 100): past it, the print alone decides. */
const layoutBudget = 10_000

/**
 * Keep whole, in the loaded page itself, a word ending a line of every run its
 * layout shows, round after round (a word kept whole moves the lines after
 * it), as `breakRuns` would choose it: the word ending the line `maxRun + 1`,
 * else the latest whose paragraph is left no looser than `maxLooseness` (or
 * than it was), else the one leaving it least loose. `undefined` when nothing
 * changed or the layout cannot be trusted to be the print's.
 */
async function settleInLayout(page: Page, html: string, options: {maxRun: number; maxLooseness: number}): Promise<Settled | undefined> {
  const {maxRun, maxLooseness} = options
  const layout = await openPrintLayout(page)
  if (!layout) return undefined
  try {
    const deadline = performance.now() + layoutBudget
    let current = html
    const paragraphs: Array<[number, number, number]> = []
    for (let round = 0; round < maxLayoutRounds; round++) {
      const read = await layout.runs(maxRun, deadline - performance.now())
      // One scan of the HTML's soft hyphens a round: to check the count, find words, keep them whole.
      const offsets = softHyphenOffsets(current)
      // Ordinals map to the HTML only when the document holds exactly its soft hyphens; out of
      // time, the document is printed as far as it got (it is `current` still).
      if (!read || read.softHyphens !== offsets.length || read.runs.length === 0) break
      const {runs} = read
      const words = runs.map((run) => run.map((ordinal) => wordSoftHyphens(current, offsets, ordinal)))
      const limits = read.looseness.map((looseness) => Math.max(maxLooseness, looseness))
      // As `breakRuns` does with prints: each line tried for all runs at once, one layout per line tried.
      const chosen: Array<number | undefined> = runs.map(() => undefined)
      const tried: Array<Map<number, number>> = runs.map(() => new Map())
      let last: number[] | undefined
      const attempt = async (lines: number[]) => {
        last = lines
        return layout.attempt(lines.map((line, index) => words[index]![line]!))
      }
      for (let line = maxRun; line >= 0 && chosen.includes(undefined) && performance.now() < deadline; line--) {
        const looseness = await attempt(chosen.map((fixed) => fixed ?? line))
        runs.forEach((_, index) => {
          if (chosen[index] !== undefined) return
          tried[index]!.set(line, looseness[index]!)
          if (looseness[index]! <= limits[index]!) chosen[index] = line
        })
      }
      if (!last) break
      const lines = chosen.map((fixed, index) => fixed ?? leastLoose(tried[index]!, maxRun))
      if (performance.now() < deadline && lines.some((line, index) => line !== last![index])) await attempt(lines)
      await layout.settle()
      const kept = keepWordsWhole(current, new Set(last.map((line, index) => runs[index]![line]!)), offsets)
      const renumber = (ordinal: number) => ordinal - kept.removed.filter((gone) => gone < ordinal).length
      for (const paragraph of paragraphs) paragraph.splice(0, 2, renumber(paragraph[0]), renumber(paragraph[1]))
      paragraphs.push(...read.paragraphs.map(([from, to], index): [number, number, number] => [renumber(from), renumber(to + 1), limits[index]!]))
      current = kept.html
    }
    return current === html ? undefined : {html: current, paragraphs}
  } finally {
    await layout.close()
  }
}

/**
 * Whether no line of the `paragraphs` is looser than `maxLooseness`, or than
 * the loosest line elsewhere on the page (the limit `breakRuns` judges by:
 * the lines of the other paragraphs are the first print's lines), or than
 * the layout let its paragraph be.
 */
function withinLooseness(read: HyphenRuns, paragraphs: ReadonlyArray<[number, number, number]>, maxLooseness: number): boolean {
  // How loose the layout let each line be (by the soft hyphens before it); -1 outside the paragraphs.
  const allowed = read.stretches.map(([after]) => Math.max(-1, ...paragraphs.filter(([from, to]) => after >= from && after <= to).map(([, , looseness]) => looseness)))
  const limit = read.stretches.reduce((most, [, stretch], index) => (allowed[index] === -1 ? Math.max(most, stretch) : most), maxLooseness)
  return read.stretches.every(([, stretch], index) => stretch <= Math.max(limit, allowed[index]! + layoutTolerance))
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
  return read.stretches.reduce((most, [after, stretch]) => (after >= start && after < end ? Math.max(most, stretch) : most), 0)
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
 * The soft hyphens (ordinals, as `softHyphenOffsets` counts them) of the whole
 * word around the soft hyphen `ordinal` of `html`, whose `offsets` they are.
 */
export function wordSoftHyphens(html: string, offsets: readonly number[], ordinal: number): number[] {
  const offset = offsets[ordinal]
  if (offset === undefined) return []
  let first = ordinal
  while (first > 0 && inOneWord(html, offsets[first - 1]!, offsets[first]!)) first--
  let last = ordinal
  while (last + 1 < offsets.length && inOneWord(html, offsets[last]!, offsets[last + 1]!)) last++
  return Array.from({length: last - first + 1}, (_, index) => first + index)
}

/** Whether nothing but word characters lies between the offsets `from` and `to` of `html`. */
function inOneWord(html: string, from: number, to: number): boolean {
  for (let index = from + 1; index < to; index++) if (!wordChar.test(html[index]!)) return false
  return true
}

/**
 * `html` with the whole word around each soft hyphen of `ordinals` (0-based,
 * counted as `softHyphenOffsets` counts them) left without soft hyphens, so
 * Chromium cannot break it; and the ordinals of the soft hyphens taken out.
 * `offsets`: `softHyphenOffsets(html)`, when the caller has them.
 */
export function keepWordsWhole(html: string, ordinals: ReadonlySet<number>, offsets: readonly number[] = softHyphenOffsets(html)): {html: string; removed: number[]} {
  const removed = [...new Set([...ordinals].flatMap((ordinal) => wordSoftHyphens(html, offsets, ordinal)))].sort((a, b) => a - b)
  let result = ''
  let from = 0
  for (const ordinal of removed) {
    result += html.slice(from, offsets[ordinal])
    from = offsets[ordinal]! + 1
  }
  return {html: result + html.slice(from), removed}
}
