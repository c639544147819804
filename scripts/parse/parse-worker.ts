/**
 * The parse worker: a thread that turns sources into document models, so
 * that a parse cannot block the process. Its heap and stack are bounded by the
 * pool (`resourceLimits`) and the pool terminates it when a parse runs past
 * its time budget. One processor per worker and plugin set, built on its first job.
 */
import {parentPort} from 'node:worker_threads'
import {createProcessor, type Processor} from '../markdown/processor.js'
import {loadUserPlugins} from '../markdown/user-plugins.js'
import {parseDocument} from './parse-document.js'
import {type ParseJob, toWire} from './wire.js'

let processor: Promise<Processor> | undefined
let processorKey = ''

parentPort?.on('message', async (job: ParseJob) => {
  // The time budget starts now, not while this thread was still loading its code.
  parentPort?.postMessage({id: job.id, started: true})
  // One processor per plugin set: the config's plugins are imported here, as functions cannot cross threads.
  const key = JSON.stringify(job.processor)
  if (!processor || key !== processorKey) {
    processor = loadUserPlugins(job.processor.markdown).then((plugins) => createProcessor(job.processor, plugins))
    processorKey = key
  }
  try {
    const result = await parseDocument(await processor, job.source, job.options)
    parentPort?.postMessage({id: job.id, result: toWire(result)})
  } catch (error) {
    parentPort?.postMessage({id: job.id, error: (error as Error).message})
  }
})
