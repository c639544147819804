/**
 * A parse result across a thread boundary: structured clone keeps plain
 * data (trees, Maps, bytes, dates) but not classes, so the vfile and its
 * messages are sent as data and made again on the other side.
 */
import {VFile} from 'vfile'
import type {SourceEntry} from '../content/find-sources.js'
import type {Document} from '../core/types.js'
import type {ProcessorOptions} from '../markdown/processor.js'
import type {ParseDocumentOptions} from './parse-document.js'

/** One source to parse. */
export interface ParseJob {
  id: number
  processor: ProcessorOptions
  source: SourceEntry
  options: ParseDocumentOptions
}

interface WireMessage {
  reason: string
  line?: number | undefined
  column?: number | undefined
  endLine?: number | undefined
  endColumn?: number | undefined
  ruleId?: string | undefined
  source?: string | undefined
  fatal?: boolean | null | undefined
}

/** A parse result as data. */
export interface WireResult {
  path: string
  cwd: string
  value: string
  data: VFile['data']
  messages: WireMessage[]
  document?: Omit<Document, 'file'>
}

/** The result of `parseDocument` as data. */
export function toWire(result: {file: VFile; document?: Document}): WireResult {
  const {file, document} = result
  const messages = file.messages.map((message) => ({
    reason: message.reason,
    line: message.line,
    column: message.column,
    endLine: message.place && 'end' in message.place ? message.place.end.line : undefined,
    endColumn: message.place && 'end' in message.place ? message.place.end.column : undefined,
    ruleId: message.ruleId,
    source: message.source,
    fatal: message.fatal
  }))
  const wire: WireResult = {path: file.path, cwd: file.cwd, value: String(file.value ?? ''), data: file.data, messages}
  if (document) {
    const {file: _file, ...rest} = document
    wire.document = rest
  }
  return wire
}

/** A parse result made again from data: a real vfile with real messages. */
export function fromWire(wire: WireResult): {file: VFile; document?: Document} {
  const file = new VFile({path: wire.path, cwd: wire.cwd, value: wire.value})
  Object.assign(file.data, wire.data)
  for (const message of wire.messages) {
    const start = message.line === undefined ? undefined : {line: message.line, column: message.column ?? 1}
    const place = start && message.endLine !== undefined ? {start, end: {line: message.endLine, column: message.endColumn ?? 1}} : start
    file.message(message.reason, {...(place ? {place} : {}), ...(message.ruleId ? {ruleId: message.ruleId} : {}), ...(message.source ? {source: message.source} : {})}).fatal = message.fatal
  }
  return wire.document ? {file, document: {...wire.document, file}} : {file}
}
