/**
 * A command compared in a case, run a number of times interleaved with the
 * others of its case, and everything measured of it.
 */
import fs from 'node:fs'
import {PDFDocument} from 'pdf-lib'
import type {Phase} from '../../scripts/core/phase-timings.js'
import type {FloorResult} from '../floor.js'
import {inTurn, log} from './bench.js'
import {type Measure, measure} from './measure.js'
import {median} from './stats.js'

/** What run `n` of a tool executes. */
export interface Spec {
  command: string
  args: string[]
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** The CLI's `--timings FILE`. */
  timings?: string
  /** The floor's `--json FILE`. */
  floorJson?: string
  /** PDFs whose pages are counted when the log does not say. */
  pdfs?: () => string[]
  /** Called after a successful run with what was measured (checks of its outputs, its log). */
  after?: (result: Measure) => void
}

/** A command compared in a case, and everything measured of it. */
export interface Tool {
  label: string
  /** Builds argv for run `n` (fresh output folder each time). */
  command: (n: number) => Spec
  measures: Measure[]
  timings: Array<Partial<Record<Phase | 'total', number>>>
  floor: Array<Pick<FloorResult, 'launchMs' | 'printMs'>>
  pages?: number | undefined
  failed?: string
}

export function tool(label: string, command: Tool['command']): Tool {
  return {label, command, measures: [], timings: [], floor: []}
}

export const present = (list: Array<Tool | undefined>) => list.filter((entry): entry is Tool => entry !== undefined)

/** Median wall time of a tool's runs. */
export const wall = (entry: Tool) => median(entry.measures.map((m) => m.wallMs))

/**
 * Run every tool `count` times, interleaved, in turn forwards and backwards
 * (A B C, C B A, …, see `inTurn`): in paired builds of the 200-article book
 * (farm-bench, both orders) the command run first in each pair took 3 to 7 %
 * more CPU, whichever it was. A tool that fails once is dropped with its error.
 */
export async function runCase(name: string, tools: Tool[], count: number): Promise<void> {
  for (let n = 0; n < count; n++) {
    for (const entry of inTurn(tools, n)) {
      if (entry.failed) continue
      const spec = entry.command(n)
      log(`  ${name} · ${entry.label} · run ${n + 1}/${count}`)
      const result = await measure(spec.command, spec.args, {...(spec.cwd ? {cwd: spec.cwd} : {}), ...(spec.env ? {env: spec.env} : {})})
      if (result.code !== 0) {
        const lines = result.stderr.trim().split('\n')
        const cause = lines.find((line) => /error|timed? ?out/i.test(line))
        entry.failed = `exit ${result.code}: ${[...(cause ? [cause.trim()] : []), ...lines.slice(-2)].join(' / ').slice(0, 300)}`
        log(`    failed: ${entry.failed}`)
        continue
      }
      entry.measures.push(result)
      spec.after?.(result)
      if (spec.timings && fs.existsSync(spec.timings)) entry.timings.push(JSON.parse(fs.readFileSync(spec.timings, 'utf8')))
      if (spec.floorJson) entry.floor.push(JSON.parse(fs.readFileSync(spec.floorJson, 'utf8')))
      if (n === 0) {
        const fromLog = [...result.stderr.matchAll(/\((\d+) pages?,/g)].reduce((sum, match) => sum + Number(match[1]), 0)
        entry.pages = fromLog > 0 ? fromLog : spec.pdfs ? await countPages(spec.pdfs()) : undefined
      }
    }
  }
}

async function countPages(files: string[]): Promise<number | undefined> {
  if (files.length === 0) return undefined
  let pages = 0
  for (const file of files) {
    if (!fs.existsSync(file)) return undefined
    pages += (await PDFDocument.load(fs.readFileSync(file), {updateMetadata: false, ignoreEncryption: true})).getPageCount()
  }
  return pages
}
