/**
 * The results table: one row per command, the same columns in every case
 * (keep them: old results stay comparable), and the ratio lines under it.
 */
import {phases} from '../../scripts/core/phase-timings.js'
import {median, mib, secs} from './stats.js'
import {type Tool, wall} from './tool.js'

export const header = `| Command | Wall, median (min–max) | Runs | Ratio | Peak memory, tree (largest process) | Pages | ${phases.join(' | ')} | Notes |\n|---|---|---|---|---|---|${phases.map(() => '---:').join('|')}|---|`

const phaseCells = (entry: Tool) =>
  phases.map((phase) => {
    const list = entry.timings.map((timing) => timing[phase]).filter((value): value is number => value !== undefined)
    return list.length === 0 ? '' : `${Math.round(median(list))}`
  })

/** The row of `entry`; its ratio is to `baseline` (the first row of its table). */
export function row(entry: Tool, baseline?: Tool): string {
  const cells: string[] = [entry.label]
  if (entry.failed || entry.measures.length === 0) {
    cells.push(`failed: ${(entry.failed ?? 'no run').replace(/\|/g, '/')}`, '', '', '', '', ...phases.map(() => ''), '')
    return `| ${cells.join(' | ')} |`
  }
  const walls = entry.measures.map((m) => m.wallMs)
  const rss = entry.measures.map((m) => m.maxRssKb).filter((value): value is number => value !== undefined)
  cells.push(
    `${secs(wall(entry))} (${secs(Math.min(...walls))}–${secs(Math.max(...walls))})`,
    String(entry.measures.length),
    baseline && !baseline.failed && baseline.measures.length > 0 ? `${(wall(entry) / wall(baseline)).toFixed(2)}×` : '',
    `${mib(Math.max(...entry.measures.map((m) => m.treeKb)))}${rss.length > 0 ? ` (${mib(Math.max(...rss))})` : ''}`,
    entry.pages === undefined ? '' : String(entry.pages),
    ...phaseCells(entry),
    entry.floor.length > 0 ? `launch ${Math.round(median(entry.floor.map((f) => f.launchMs)))} ms + print ${Math.round(median(entry.floor.map((f) => f.printMs)))} ms` : ''
  )
  return `| ${cells.join(' | ')} |`
}

/** `- text: **a/b×**`, with the target when there is one; `undefined` when either did not run. */
export function ratio(a: Tool | undefined, b: Tool | undefined, text: string, target?: number): string | undefined {
  if (!a || !b || a.failed || b.failed || a.measures.length === 0 || b.measures.length === 0) return undefined
  const value = wall(a) / wall(b)
  return `- ${text}: **${value.toFixed(2)}×**${target === undefined ? '' : ` (target ≤ ${target}×: ${value <= target ? 'met' : 'not met'})`}`
}

/** The wall of `a` over the floor's launch + print (or print alone), against `target`. */
export function ratioToFloor(a: Tool, floorTool: Tool, text: string, target: number, printOnly = false): string | undefined {
  if (a.failed || floorTool.failed || floorTool.floor.length === 0) return undefined
  const base = printOnly ? median(floorTool.floor.map((f) => f.printMs)) : median(floorTool.floor.map((f) => f.launchMs + f.printMs))
  const value = wall(a) / base
  return `- ${text} (${secs(wall(a))} / ${secs(base)}): **${value.toFixed(2)}×** (target ≤ ${target}×: ${value <= target ? 'met' : 'not met'})`
}

/** `- text: **0.31 s** (target ≤ 0.25 s: not met)`: a time against a time target. */
export function timeTarget(text: string, ms: number, targetMs: number): string {
  return `- ${text}: **${secs(ms)}** (target ≤ ${secs(targetMs).replace(/\.?0+ s$/, ' s')}: ${ms <= targetMs ? 'met' : 'not met'})`
}

/** A verdict line of any case: `(target …: met)` or `(target …: not met)`. */
export const verdict = /\(target\b[^)]*: (?:met|not met)\)/

/**
 * Every verdict line of each case's section, prefixed with the case's id
 * (`- (a) …`; a line already starting `- (d ii)` keeps its own), and how
 * many are met; a case with none says so.
 */
export function collectTargets(sections: Array<{id: string; lines: string[]}>): {lines: string[]; met: number; total: number} {
  const lines: string[] = []
  let met = 0
  let total = 0
  for (const {id, lines: section} of sections) {
    const found = section.filter((line) => verdict.test(line))
    if (found.length === 0) lines.push(`- (${id}) no target measured (see its section)`)
    for (const line of found) {
      total++
      if (/: met\)/.test(line)) met++
      lines.push(line.startsWith(`- (${id} `) || line.startsWith(`- (${id})`) ? line : line.replace(/^(?:- )?/, `- (${id}) `))
    }
  }
  return {lines, met, total}
}

/** The lines that are there. */
export const lines = (list: Array<string | undefined>) => list.filter((line): line is string => line !== undefined)
