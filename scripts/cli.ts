/**
 * The command line: argv → options, progress and the closing summary on
 * stderr, diagnostics once, exit code. The only module that touches `process`.
 */
import path from 'node:path'
import {parseArgs} from 'node:util'
import type {VFileMessage} from 'vfile-message'
import {build} from './build.js'
import {formats, pageSizes, type BuildOptionsInput, type Format} from './config/schema.js'
import {removePendingTemps} from './output/write-atomic.js'
import {toolName, toolVersion} from './version.js'
import type {BuildReport, SourceReport} from './build.js'

const help = `Usage: ${toolName} build [paths...] [options]

Build Markdown articles into printable PDF handouts and EPUB 3 books.
With no paths, builds every content/**/*.md.

Options:
  --out DIR              output folder (default: dist)
  --format pdf|epub|all  outputs to make (default: all)
  --page-size SIZE       A4, A5 or Letter (default: A4; front matter pageSize wins)
  --templates DIR        template folder (default: templates)
  --browser PATH         Chromium/Chrome to print with (or HANDOUT_BROWSER)
  --concurrency N        documents printed at once (default: 2)
  --timeout MS           per-document print time limit (default: 60000)
  --quiet                print only diagnostics and errors
  -h, --help             show this help
  -v, --version          show the version

Environment:
  HANDOUT_BROWSER, PUPPETEER_EXECUTABLE_PATH   browser executable
  PUPPETEER_CACHE_DIR                          Puppeteer's download cache
  SOURCE_DATE_EPOCH                            date of every output (seconds)

Exit status: 0 when every output was written, 1 when any source failed,
2 for bad usage.
`

/** Run the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: {type: 'string'},
        format: {type: 'string'},
        'page-size': {type: 'string'},
        templates: {type: 'string'},
        browser: {type: 'string'},
        concurrency: {type: 'string'},
        timeout: {type: 'string'},
        quiet: {type: 'boolean', short: 'q'},
        help: {type: 'boolean', short: 'h'},
        version: {type: 'boolean', short: 'v'}
      }
    })
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nRun \`${toolName} --help\` for usage.\n`)
    return 2
  }
  const {values, positionals} = parsed
  if (values.help) {
    process.stdout.write(help)
    return 0
  }
  if (values.version) {
    process.stdout.write(`${toolVersion}\n`)
    return 0
  }

  const [command = 'build', ...paths] = positionals
  if (command !== 'build') {
    process.stderr.write(`Unknown command \`${command}\`: use \`build\`. Run \`${toolName} --help\` for usage.\n`)
    return 2
  }

  const format = values.format ?? 'all'
  if (format !== 'all' && !(formats as readonly string[]).includes(format)) {
    process.stderr.write(`Unknown --format \`${format}\`: use pdf, epub or all.\n`)
    return 2
  }
  const pageSize = values['page-size']
  const size = pageSize === undefined ? undefined : pageSizes.find((name) => name.toLowerCase() === pageSize.toLowerCase())
  if (pageSize !== undefined && !size) {
    process.stderr.write(`Unknown --page-size \`${pageSize}\`: use ${pageSizes.join(', ')}.\n`)
    return 2
  }
  const epoch = process.env.SOURCE_DATE_EPOCH
  if (epoch !== undefined && !/^\d+$/.test(epoch)) {
    process.stderr.write(`SOURCE_DATE_EPOCH must be a whole number of seconds, not \`${epoch}\`.\n`)
    return 2
  }

  const options: BuildOptionsInput = {
    root: process.cwd(),
    inputs: paths,
    ...(values.out === undefined ? {} : {outDir: values.out}),
    formats: format === 'all' ? [...formats] : [format as Format],
    ...(size === undefined ? {} : {pageSize: size}),
    ...(values.templates === undefined ? {} : {templates: values.templates}),
    browser: values.browser ?? (process.env.HANDOUT_BROWSER || process.env.PUPPETEER_EXECUTABLE_PATH || undefined),
    ...(values.concurrency === undefined ? {} : {concurrency: Number(values.concurrency)}),
    ...(values.timeout === undefined ? {} : {timeout: Number(values.timeout)}),
    ...(epoch === undefined ? {} : {sourceDateEpoch: Number(epoch)})
  }

  const quiet = values.quiet ?? false
  const controller = new AbortController()
  let interrupts = 0
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++
    removePendingTemps()
    if (interrupts > 1) process.exit(130)
    process.stderr.write(`\n${signal}: finishing the current document, then stopping (press again to quit now).\n`)
    controller.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  const cwd = process.cwd()
  const relative = (file: string) => path.relative(cwd, file) || file
  try {
    const report = await build(
      options,
      {
        signal: controller.signal,
        onEvent(event) {
          if (event.type === 'start') {
            if (!quiet) process.stderr.write(`Building ${event.sources.length} source${event.sources.length === 1 ? '' : 's'}…\n`)
            if (event.sources.length === 0) process.stderr.write('Nothing to build: add Markdown files to content/ or pass paths.\n')
          } else {
            printMessages(event.report)
            if (!quiet) process.stderr.write(progressLine(event.report, event.done, event.total, relative))
          }
        }
      },
      {puppeteerCacheDir: process.env.PUPPETEER_CACHE_DIR, sandbox: process.getuid?.() !== 0}
    )
    if (!quiet) process.stderr.write(summary(report, relative))
    if (controller.signal.aborted) return 130
    return report.ok ? 0 : 1
  } catch (error) {
    process.stderr.write(`${toolName}: ${(error as Error).message}\n`)
    return 1
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

/** `file:line:column: severity: reason [rule]`, once per message. */
function printMessages(report: SourceReport): void {
  for (const message of report.file.messages as VFileMessage[]) {
    const severity = message.fatal ? 'error' : message.fatal === false ? 'warning' : 'info'
    const where = `${report.file.history.length > 0 ? path.relative(report.file.cwd, report.file.path) : '<input>'}:${message.line ?? 1}:${message.column ?? 1}`
    process.stderr.write(`${where}: ${severity}: ${message.reason}${message.ruleId ? ` [${message.ruleId}]` : ''}\n`)
  }
}

function progressLine(report: SourceReport, done: number, total: number, relative: (file: string) => string): string {
  const counter = `[${done}/${total}]`
  const source = relative(report.file.path)
  if (report.failed) return `${counter} ✗ ${source}: not built (previous outputs kept)\n`
  const outputs = report.outputs.map((output) => `${relative(output.path)} (${output.pages === undefined ? '' : `${output.pages} page${output.pages === 1 ? '' : 's'}, `}${kib(output.bytes)})`)
  return `${counter} ✓ ${source} → ${outputs.join(', ')} in ${seconds(report.ms)}\n`
}

function summary(report: BuildReport, relative: (file: string) => string): string {
  const failed = report.sources.filter((source) => source.failed)
  const written = report.sources.flatMap((source) => source.outputs)
  const warnings = report.sources.reduce((sum, source) => sum + source.file.messages.filter((message) => message.fatal === false).length, 0)
  let text = `Done in ${seconds(report.ms)}: ${written.length} output${written.length === 1 ? '' : 's'} written`
  if (failed.length > 0) text += `, ${failed.length} source${failed.length === 1 ? '' : 's'} failed (${failed.map((source) => relative(source.file.path)).join(', ')})`
  if (warnings > 0) text += `, ${warnings} warning${warnings === 1 ? '' : 's'}`
  return text + '.\n'
}

function kib(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`
}
