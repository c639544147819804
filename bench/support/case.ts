/** What a case is to the orchestrator (bench/run.ts). */
import type {Bench} from './bench.js'
import type {Peers} from './peers.js'
import type {Tool} from './tool.js'

/** A case's section of the report, and its commands that failed (listed under Notes). */
export interface CaseResult {
  lines: string[]
  failures: Tool[]
}

export interface BenchCase {
  /** `--cases` name: a, b, c, d or e. */
  id: string
  /** One line for `--help`. */
  summary: string
  run(bench: Bench, peers: Peers): Promise<CaseResult>
}
