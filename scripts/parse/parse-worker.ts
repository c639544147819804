/**
 * The parse worker: a thread that turns sources into document models, so
 * that a parse cannot block the process. Its heap and stack are bounded by the
 * pool (`resourceLimits`) and the pool terminates it when a parse runs past
 * its time budget. One processor per worker, built on its first job.
 */
import {parentPort} from 'node:worker_threads'
import {createProcessor, type Processor} from '../markdown/processor.js'
import {parseDocument} from './parse-document.js'
import {type ParseJob, toWire} from './wire.js'

let processor: Processor | undefined
let processorKey = ''

parentPort?.on('message', async (job: ParseJob) => {
  // The time budget starts now, not while this thread was still loading its code.
  parentPort?.postMessage({id: job.id, started: true})
  const key = JSON.stringify(job.processor)
  if (!processor || key !== processorKey) {
    processor = createProcessor(job.processor)
    processorKey = key
  }
  try {
    const result = await parseDocument(processor, job.source, job.options)
    parentPort?.postMessage({id: job.id, result: toWire(result)})
  } catch (error) {
    parentPort?.postMessage({id: job.id, error: (error as Error).message})
  }
})
