/**
 * Parse sources in worker threads, bounded by construction: each worker has
 * a capped heap and stack (`resourceLimits`), and a parse that runs past its
 * time budget is stopped by terminating its worker. No prediction of what
 * the Markdown parser will find slow: whatever the input, the source fails
 * with a message naming the limit, and the other sources go on. The workers
 * stay warm for the next source (and, in watch mode, the next rebuild).
 */
import fs from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {Worker} from 'node:worker_threads'
import {VFile} from 'vfile'
import type {SourceEntry} from '../content/find-sources.js'
import type {Document} from '../core/types.js'
import type {MarkdownConfig} from '../config/resolve-plugins.js'
import type {ProcessorOptions} from '../markdown/processor.js'
import type {ParseDocumentOptions} from './parse-document.js'
import {fromWire, type ParseJob, type WireResult} from './wire.js'

/** Options of `createParsePool`. */
export interface ParsePoolOptions {
  /** Workers at most (default: `2`). */
  size?: number
  processor: ProcessorOptions
  /** Time budget of one parse, in ms (default: `60000`). */
  timeout?: number
  /** Heap of one worker, in MiB (default: `1024`). */
  heapMb?: number
  /** Stack of one worker, in MiB (default: `4`). */
  stackMb?: number
  /**
   * Start one worker now rather than on the first parse, so that it loads its
   * code while the caller does other start-up work (default: `false`).
   */
  warm?: boolean
}

/** Warm parse workers. */
export interface ParsePool {
  /** Parse one source; never throws for the source's problems (they are messages). */
  parse(source: SourceEntry, options: ParseDocumentOptions, markdown?: MarkdownConfig): Promise<{file: VFile; document?: Document}>
  /** Stop every worker at once: parses under way end as failed (`parse-stopped`), later ones are not started. */
  close(): Promise<void>
}

interface Slot {
  worker: Worker
  busy: boolean
}

/** Start a pool; workers are made on first use (one at once with `warm`). */
export function createParsePool(options: ParsePoolOptions): ParsePool {
  const size = options.size ?? 2
  const timeout = options.timeout ?? 60_000
  const heapMb = options.heapMb ?? 1024
  const slots: Slot[] = []
  const waiting: Array<() => void> = []
  let nextId = 0
  let closed = false

  const spawn = (): Slot => {
    const resourceLimits = {maxOldGenerationSizeMb: heapMb, stackSizeMb: options.stackMb ?? 4}
    const entry = workerEntry()
    const worker =
      'file' in entry
        ? new Worker(entry.file, {resourceLimits})
        : // The TypeScript source (tests, development): register tsx in the worker, then load it.
          new Worker(`import(${JSON.stringify(entry.tsx)}).then((tsx) => tsx.register()).then(() => import(${JSON.stringify(entry.source)}))`, {eval: true, resourceLimits})
    // Workers must never keep the process alive on their own (the CLI exits when done).
    worker.unref()
    return {worker, busy: false}
  }
  /** A free worker, or `undefined` once the pool is closed (before or while waiting). */
  const acquire = async (): Promise<Slot | undefined> => {
    for (;;) {
      if (closed) return undefined
      const free = slots.find((slot) => !slot.busy)
      if (free) {
        free.busy = true
        return free
      }
      if (slots.length < size) {
        const slot = spawn()
        slot.busy = true
        slots.push(slot)
        return slot
      }
      await new Promise<void>((resolve) => waiting.push(resolve))
    }
  }
  const release = (slot: Slot, healthy: boolean) => {
    slot.busy = false
    if (!healthy) {
      const index = slots.indexOf(slot)
      if (index >= 0) slots.splice(index, 1)
      void slot.worker.terminate()
    }
    waiting.shift()?.()
  }

  if (options.warm) slots.push(spawn())

  return {
    async parse(source, parseOptions, markdown) {
      // Closed before this parse had a worker (Ctrl-C between two sources): stopped, like one cut short.
      const slot = await acquire()
      // The worker keeps one processor per plugin set (a config edit in watch mode makes another).
      const processor = markdown ? {...options.processor, markdown} : options.processor
      const job: ParseJob = {id: nextId++, processor, source, options: parseOptions}
      const outcome = closed || !slot ? {...stopped} : await runJob(slot.worker, job, timeout, heapMb)
      if (slot) release(slot, outcome.healthy && !closed)
      if (closed && !outcome.wire) Object.assign(outcome, stopped)
      if (outcome.wire) return fromWire(outcome.wire)
      const file = new VFile({path: source.path, cwd: parseOptions.cwd})
      file.message(outcome.failure!, {place: {line: 1, column: 1}, ruleId: outcome.ruleId!, source: 'handout:limits'}).fatal = true
      return {file}
    },
    async close() {
      closed = true
      for (const resolve of waiting.splice(0)) resolve()
      await Promise.all(slots.splice(0).map((slot) => slot.worker.terminate()))
    }
  }
}

/** Longest a fresh worker may take to load its code before the budget starts, in ms. */
const startupCeiling = 120_000

/** What a parse cut short by `close()` (Ctrl-C, SIGTERM) reports. */
const stopped: Outcome = {failure: 'Parsing was stopped (Ctrl-C or SIGTERM): build again to parse this source', ruleId: 'parse-stopped', healthy: false}

interface Outcome {
  wire?: WireResult
  failure?: string
  ruleId?: string
  /** The worker can take another job. */
  healthy: boolean
}

/** Send `job` to `worker` and wait for its answer, its death, or the time budget. */
function runJob(worker: Worker, job: ParseJob, timeout: number, heapMb: number): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    let settled = false
    const finish = (outcome: Outcome) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      worker.off('message', onMessage)
      worker.off('error', onError)
      worker.off('exit', onExit)
      resolve(outcome)
    }
    const onMessage = (message: {id: number; started?: boolean; result?: WireResult; error?: string}) => {
      if (message.id !== job.id) return
      if (message.started) {
        clearTimeout(timer)
        timer = setTimeout(overBudget, timeout)
        return
      }
      if (message.result) finish({wire: message.result, healthy: true})
      else finish({failure: `Cannot parse the source: ${message.error}`, ruleId: 'parse-failed', healthy: true})
    }
    const onError = (error: Error & {code?: string}) => {
      const outOfMemory = error.code === 'ERR_WORKER_OUT_OF_MEMORY'
      finish({
        failure: outOfMemory
          ? `Parsing needed more than ${heapMb} MiB of memory: the source is too large or too deeply nested to process; split it or simplify its structure`
          : `The parser failed (${error.message.split('\n')[0]}): simplify the source around its most deeply nested or longest constructs`,
        ruleId: outOfMemory ? 'parse-memory' : 'parse-failed',
        healthy: false
      })
    }
    const onExit = () => finish({failure: 'The parser stopped unexpectedly', ruleId: 'parse-failed', healthy: false})
    // The budget is for this job alone: the worker is replaced, and the next source gets a fresh one.
    const overBudget = () =>
      finish({
        failure: `Parsing took longer than ${Math.round(timeout / 1000)} s (the time limit, \`--timeout\`): the source has a shape the Markdown parser handles slowly (very long lines of markers, deep nesting); simplify it or split it`,
        ruleId: 'parse-timeout',
        healthy: false
      })
    // Until the worker says it started (a fresh one loads its code first), a generous ceiling.
    let timer = setTimeout(overBudget, Math.max(timeout, startupCeiling))
    worker.on('message', onMessage)
    worker.on('error', onError)
    worker.on('exit', onExit)
    worker.postMessage(job)
  })
}

/**
 * Where the worker's code is: bundled beside the CLI bundle (`lib/`), compiled
 * beside this module (`lib/parse/`), or the TypeScript source (tests and
 * development, run through tsx).
 */
function workerEntry(): {file: URL} | {tsx: string; source: string} {
  const here = path.dirname(fileURLToPath(import.meta.url))
  for (const candidate of [path.join(here, 'parse-worker.bundle.js'), path.join(here, 'parse-worker.js')]) {
    if (fs.existsSync(candidate)) return {file: pathToFileURL(candidate)}
  }
  const source = path.join(here, 'parse-worker.ts')
  if (fs.existsSync(source)) {
    // tsx's ESM entry (its package `exports` give CommonJS to `require.resolve`).
    const tsx = path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs')
    return {tsx: pathToFileURL(tsx).href, source: pathToFileURL(source).href}
  }
  throw new Error(`Cannot find the parse worker next to \`${here}\`: reinstall the package (\`npm run compile\` in a checkout)`)
}
