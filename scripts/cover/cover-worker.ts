/**
 * resvg in a worker thread of its own. resvg's `renderAsync` rasterises in
 * the thread pool, but its PNG encoder (`asPng`) runs on the calling thread:
 * about 40 ms a 1200 × 1800 cover, a fifth of the main thread's work when a
 * build makes 20 handouts. Here both run beside the main thread, which
 * meanwhile drives the browser and packages the other outputs. The bytes are
 * resvg's own, as before: only the thread changes.
 *
 * A worker is started on first use (or by `startCoverWorker` while the
 * caller waits for something else) and never keeps the process alive. Each
 * cover's pixels (8.6 MB) are resvg's memory, which the worker's garbage
 * collector does not see; with so little JavaScript to collect it frees them
 * late (80 covers held 480 MB). So a worker renders `coversPerWorker` covers,
 * then ends once they are delivered, and the next cover starts a fresh one.
 */
import {createRequire} from 'node:module'
import {Worker} from 'node:worker_threads'

/** Covers one worker renders before it is replaced (their pixels may all be held until it ends). */
export const coversPerWorker = 8

/** A request to the worker, and its answer. */
interface Job {
  id: number
  svg: string
}
type Answer = {id: number; png: Uint8Array} | {id: number; error: string}

interface Renderer {
  worker: Worker
  /** Covers asked of it. */
  jobs: number
  pending: Map<number, {resolve: (png: Uint8Array) => void; reject: (error: Error) => void}>
  /** No more covers go to it; it ends when the last is delivered. */
  retired: boolean
}

// CommonJS, evaluated: resvg is a native module with nothing to compile, and the
// worker needs no file of its own beside the bundle. `workerData` is resvg's path.
const source = `
const {parentPort, workerData} = require('node:worker_threads')
const {renderAsync} = require(workerData)
parentPort.on('message', async ({id, svg}) => {
  try {
    const rendered = await renderAsync(svg, {font: {loadSystemFonts: svg.includes('<text')}, fitTo: {mode: 'original'}, logLevel: 'off'})
    parentPort.postMessage({id, png: new Uint8Array(rendered.asPng())})
  } catch (error) {
    parentPort.postMessage({id, error: String(error && error.message || error)})
  }
})
`

let current: Renderer | undefined
let nextId = 0

function spawn(): Renderer {
  // None of the parent's Node options: the source is CommonJS even under `--input-type=module`,
  // and needs no loader (tsx in tests and development).
  const worker = new Worker(source, {eval: true, execArgv: [], workerData: createRequire(import.meta.url).resolve('@resvg/resvg-js')})
  const renderer: Renderer = {worker, jobs: 0, pending: new Map(), retired: false}
  const fail = (error: Error) => {
    if (current === renderer) current = undefined
    for (const job of renderer.pending.values()) job.reject(error)
    renderer.pending.clear()
  }
  worker.on('message', (answer: Answer) => {
    const job = renderer.pending.get(answer.id)
    renderer.pending.delete(answer.id)
    if ('png' in answer) job?.resolve(answer.png)
    else job?.reject(new Error(answer.error))
    if (renderer.pending.size > 0) return
    worker.unref()
    if (renderer.retired) void worker.terminate()
  })
  worker.on('error', fail)
  worker.on('exit', (code) => fail(new Error(`The cover renderer stopped (exit code ${code})`)))
  // After the listeners: adding a 'message' listener refs a worker again (a build that
  // failed before its first cover would never have exited).
  worker.unref()
  return renderer
}

/** The worker that takes the next cover, started now if there is none (or the last has rendered its share). */
export function startCoverWorker(): void {
  if (current && current.jobs < coversPerWorker) return
  if (current) {
    current.retired = true
    if (current.pending.size === 0) void current.worker.terminate()
  }
  current = spawn()
}

/** `svg` rasterised at its own size, as PNG bytes; rejects on SVG that does not parse. */
export function renderInWorker(svg: string): Promise<Uint8Array> {
  startCoverWorker()
  const renderer = current!
  renderer.jobs++
  const job: Job = {id: nextId++, svg}
  return new Promise<Uint8Array>((resolve, reject) => {
    renderer.pending.set(job.id, {resolve, reject})
    // Kept alive while a cover is on its way: a caller awaiting it is not left hanging.
    renderer.worker.ref()
    renderer.worker.postMessage(job)
  })
}
