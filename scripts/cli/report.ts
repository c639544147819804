/**
 * What the CLI prints, for `build` and `watch` alike: each message once as
 * `file:line:column: severity: reason [rule]`, in line order per file; one
 * progress line per source and book; a closing summary.
 */
import path from 'node:path'
import type {VFile} from 'vfile'
import type {BuildReport, PublicationReport, SourceReport} from '../pipeline/build.js'
import {messageFiles} from '../pipeline/message-files.js'

/** Where lines go (stderr in the CLI) and how paths are shown. */
export interface Reporter {
  write: (text: string) => void
  /** The working directory paths are shown relative to. */
  cwd: string
}

/** Print the messages of `file`, sorted by place. */
export function printMessages(reporter: Reporter, file: VFile): void {
  const messages = [...file.messages].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0))
  for (const message of messages) {
    const severity = message.fatal ? 'error' : message.fatal === false ? 'warning' : 'info'
    const where = `${file.history.length > 0 ? path.relative(reporter.cwd, file.path) || file.path : '<input>'}:${message.line ?? 1}:${message.column ?? 1}`
    reporter.write(`${where}: ${severity}: ${message.reason}${message.ruleId ? ` [${message.ruleId}]` : ''}\n`)
  }
}

/** `[2/3] ✓ content/a.md → dist/a.pdf (2 pages, 33 KB), dist/a.epub (57 KB) in 2.37 s` */
export function progressLine(reporter: Reporter, report: SourceReport, done: number, total: number): string {
  const counter = `[${done}/${total}]`
  const source = relative(reporter, report.file.path)
  if (report.failed && report.outputs.length > 0) return `${counter} ✗ ${source} → ${outputList(reporter, report)} only (see above) in ${seconds(report.ms)}\n`
  if (report.failed) return `${counter} ✗ ${source}: not built (previous outputs kept)\n`
  if (report.outputs.length === 0) return `${counter} ✓ ${source}: parsed for ${report.partOf.map((name) => `book ${name}`).join(', ') || 'nothing'} in ${seconds(report.ms)}\n`
  return `${counter} ✓ ${source} → ${outputList(reporter, report)} in ${seconds(report.ms)}\n`
}

/** `[book] ✓ name (3 articles) → dist/name.pdf (9 pages, 117 KB), …` */
export function bookLine(reporter: Reporter, report: PublicationReport): string {
  if (report.failed && report.outputs.length > 0) return `[book] ✗ ${report.name} → ${outputList(reporter, report)} only (see above) in ${seconds(report.ms)}\n`
  if (report.failed) return `[book] ✗ ${report.name}: not built (previous book kept)\n`
  return `[book] ✓ ${report.name} (${report.articles} article${report.articles === 1 ? '' : 's'}) → ${outputList(reporter, report)} in ${seconds(report.ms)}\n`
}

/** `Done in 2.37 s: 2 outputs written, 6 unchanged, 1 failed (content/a.md), 2 warnings.` The time is the build's wall time. */
export function summaryLine(reporter: Reporter, report: BuildReport, ms: number): string {
  const failed = [
    ...report.sources.filter((source) => source.failed).map((source) => relative(reporter, source.file.path)),
    ...report.publications.filter((book) => book.failed).map((book) => `book ${book.name}`)
  ]
  const outputs = [...report.sources, ...report.publications].flatMap((item) => item.outputs)
  const unchanged = outputs.filter((output) => output.unchanged).length
  const written = outputs.length - unchanged
  const warnings = [...report.sources, ...report.publications].flatMap(messageFiles).reduce((sum, file) => sum + file.messages.filter((message) => message.fatal === false).length, 0)
  let text = `Done in ${seconds(ms)}: ${written} output${written === 1 ? '' : 's'} written`
  if (unchanged > 0) text += `, ${unchanged} unchanged`
  if (failed.length > 0) text += `, ${failed.length} failed (${failed.join(', ')})`
  if (warnings > 0) text += `, ${warnings} warning${warnings === 1 ? '' : 's'}`
  return text + '.\n'
}

function outputList(reporter: Reporter, report: SourceReport | PublicationReport): string {
  return report.outputs
    .map(
      (output) =>
        `${relative(reporter, output.path)} (${output.pages === undefined ? '' : `${output.pages} page${output.pages === 1 ? '' : 's'}, `}${kib(output.bytes)}${output.unchanged ? ', unchanged' : ''})`
    )
    .join(', ')
}

function relative(reporter: Reporter, file: string): string {
  return path.relative(reporter.cwd, file) || file
}

function kib(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

/** `412 ms`, `2.37 s`. */
export function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`
}
