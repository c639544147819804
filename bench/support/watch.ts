/** Edit-to-output in `handout watch`: the CLI's own watch command, timed from the outside. */
import {spawn} from 'node:child_process'
import fs from 'node:fs'
import {log, node} from './bench.js'

/** What to watch and edit. */
export interface EditSpec {
  /** The compiled CLI's `bin/handout.js`. */
  bin: string
  cwd: string
  /** Arguments after `watch`. */
  args: string[]
  /** The file edited (a sentence is appended). */
  source: string
  /** Files that must all be replaced after each edit. */
  outputs: string[]
  /**
   * Files replaced later, timed apart (a book printed behind its handouts):
   * each edit also waits for them before the next, and their times are
   * `editTimes().later`.
   */
  later?: string[]
  count: number
  /** Most ms to wait for the first build and for each rebuild (default 60 s). */
  initialLimit?: number
  /** Called once the first build is written and the watcher is ready. */
  onReady?: () => void
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const mtime = (file: string) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0)

/**
 * Start `handout watch` in `cwd`, edit `source` `count` times, and time each
 * edit until every one of `outputs` has been replaced.
 */
export async function editToOutput(spec: EditSpec): Promise<number[]> {
  return (await editTimes(spec)).times
}

/**
 * `editToOutput`, and for each edit also the time until every one of
 * `spec.later` has been replaced (empty when there are none).
 */
export async function editTimes(spec: EditSpec): Promise<{times: number[]; later: number[]}> {
  const session = await startWatch(spec)
  try {
    for (let n = 0; n < spec.count; n++) await session.edit(n)
  } finally {
    await session.stop()
  }
  return {times: session.times, later: session.later}
}

/** A running `handout watch`, edited one edit at a time (two sessions can alternate: ours and a baseline). */
export interface WatchSession {
  /** Make edit `n` (from 0) and wait until its outputs, then its later outputs, are replaced. */
  edit(n: number): Promise<void>
  stop(): Promise<void>
  times: number[]
  later: number[]
}

/** Start `handout watch` as `spec` says and wait for its first build. */
export async function startWatch(spec: EditSpec): Promise<WatchSession> {
  const {source, outputs, count} = spec
  const later = spec.later ?? []
  const child = spawn(node, [spec.bin, 'watch', ...spec.args], {cwd: spec.cwd, stdio: ['ignore', 'ignore', 'pipe']})
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const waitFor = async (test: () => boolean, what: string, limit = 60_000) => {
    const until = performance.now() + limit
    while (!test()) {
      if (performance.now() > until || child.exitCode !== null) throw new Error(`${what}: ${stderr.trim().split('\n').slice(-2).join(' / ')}`)
      await pause(5)
    }
  }
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const closed = new Promise((resolve) => child.once('close', resolve))
      child.kill('SIGTERM')
      await closed
    }
  }
  const session: WatchSession = {
    times: [],
    later: [],
    stop,
    async edit(n) {
      await pause(300)
      const before = outputs.map(mtime)
      const laterBefore = later.map(mtime)
      const editedAt = performance.now()
      fs.appendFileSync(source, `\nEdit number ${n + 1} for the benchmark.\n`)
      await waitFor(() => outputs.every((file, i) => mtime(file) > before[i]!), 'no rebuild after an edit', spec.initialLimit)
      session.times.push(performance.now() - editedAt)
      if (later.length > 0) {
        await waitFor(() => later.every((file, i) => mtime(file) > laterBefore[i]!), 'no later rebuild after an edit', spec.initialLimit)
        session.later.push(performance.now() - editedAt)
      }
      log(`  (d) edit ${n + 1}/${count}: ${Math.round(session.times.at(-1)!)} ms${later.length > 0 ? `, later outputs ${Math.round(session.later.at(-1)!)} ms` : ''}`)
    }
  }
  try {
    await waitFor(() => [...outputs, ...later].every((file) => mtime(file) > 0) && /Watching/.test(stderr), 'no initial build', spec.initialLimit)
  } catch (error) {
    await stop()
    throw error
  }
  spec.onReady?.()
  return session
}
