/**
 * The command line: argv → options, progress and the closing summary on
 * stderr, diagnostics once, exit code. The only module that touches `process`.
 */
import {appendFileSync} from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import {parseArgs} from 'node:util'
import type {VFileMessage} from 'vfile-message'
import {buildOptionsSchema, formats, pageSizes, resolveBuildOptions, type BuildOptionsInput, type Format} from '../config/schema.js'
import {parseShard} from '../content/find-sources.js'
import {removePendingTemps} from '../output/write-atomic.js'
import type {PhaseTimings} from '../core/phase-timings.js'
import {toolName, toolVersion} from '../core/version.js'
import type {WatchEvent} from '../watch/session.js'
import type {BuildReport, SourceReport} from '../pipeline/build.js'
import type {PublicationReport} from '../pipeline/book.js'
import type {ConfigError} from '../config/load-config.js'
import type {VFile} from 'vfile'
import process from 'node:process'

const help = `Usage: ${toolName} build [paths...] [options]
       ${toolName} watch [paths...] [options] [--serve [--port N]]
       ${toolName} setup-browser

Build Markdown articles into printable PDF handouts and EPUB 3 books.
With no paths, builds every content/**/*.md. \`watch\` builds, then rebuilds
what each change touches until Ctrl-C.

Options:
  --out DIR              output folder (default: dist)
  --format pdf|epub|all  outputs to make (default: all)
  --page-size SIZE       A4, A5 or Letter (default: A4; front matter pageSize wins)
  --publication NAME     build only this publication of handout.config.yaml
  --limit NAME=N         raise or lower a per-source limit (repeatable): sourceBytes,
                         imageBytes, imagePixels, inlineMarkers, blockDepth, treeDepth
  --templates DIR        template folder (default: templates)
  --browser PATH         Chromium/Chrome to print with (or HANDOUT_BROWSER)
  --concurrency N        documents printed at once (default: 2)
  --timeout MS           per-document print time limit (default: 60000)
  --browser-ws-endpoint URL
                         print through a running Chrome at this DevTools
                         WebSocket URL (ws://…, e.g. a browserless pool)
                         instead of launching one; only our pages are closed
  --shard I/N            build only part I of N (1-based) of the sorted sources:
                         every Nth source starting at the Ith, so N machines
                         (a CI matrix) given 1/N … N/N build disjoint parts that
                         together cover all; output names do not depend on I/N
  --timings FILE         (watch: append one JSON line per rebuild)
                         write milliseconds per phase (startup, launch, parse,
                         render, print, package, write, total) to FILE as JSON
  --quiet                print only diagnostics and errors
  --serve                watch: live preview on http://127.0.0.1 (reloads after each rebuild)
  --port N               watch: preview port (default: 4173)
  -h, --help             show this help
  -v, --version          show the version

setup-browser finds a browser, or gets one: Puppeteer's download of
chrome-headless-shell where the network allows it, else (Debian/Ubuntu, as
root) apt-get install chromium.

Environment:
  HANDOUT_BROWSER, PUPPETEER_EXECUTABLE_PATH   browser executable
  PUPPETEER_CACHE_DIR                          Puppeteer's download cache
  SOURCE_DATE_EPOCH                            date of every output (seconds)

Exit status: 0 when every output was written, 1 when any source failed,
2 for bad usage.
`

/** Run the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  // Process start to here: Node's own start-up plus every static import.
  const startup = performance.now()
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
        shard: {type: 'string'},
        'browser-ws-endpoint': {type: 'string'},
        publication: {type: 'string'},
        limit: {type: 'string', multiple: true},
        timings: {type: 'string'},
        quiet: {type: 'boolean', short: 'q'},
        serve: {type: 'boolean'},
        port: {type: 'string'},
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
  if (command === 'setup-browser') {
    try {
      const {ensureBrowser} = await import('../pdf/install-browser.js')
      await ensureBrowser({
        explicit: values.browser ?? (process.env.HANDOUT_BROWSER || process.env.PUPPETEER_EXECUTABLE_PATH || undefined),
        cacheDir: process.env.PUPPETEER_CACHE_DIR,
        mayUseApt: process.getuid?.() === 0 && process.platform === 'linux',
        log: (line) => process.stderr.write(line + '\n')
      })
      return 0
    } catch (error) {
      process.stderr.write(`${toolName}: ${(error as Error).message}\n`)
      return 1
    }
  }
  if (command !== 'build' && command !== 'watch') {
    process.stderr.write(`Unknown command \`${command}\`: use \`build\` or \`watch\`. Run \`${toolName} --help\` for usage.\n`)
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
  const shard = values.shard === undefined ? undefined : parseShard(values.shard)
  if (values.shard !== undefined && !shard) {
    process.stderr.write(`Invalid --shard \`${values.shard}\`: use I/N with 1 ≤ I ≤ N, such as \`1/3\`.\n`)
    return 2
  }
  const limits: Record<string, number> = {}
  for (const item of values.limit ?? []) {
    const match = /^([A-Za-z]+)=(\d+)$/.exec(item)
    if (!match || !(match[1]! in buildOptionsSchema.shape.limits.unwrap().shape)) {
      process.stderr.write(`Invalid --limit \`${item}\`: use NAME=N with NAME one of ${Object.keys(buildOptionsSchema.shape.limits.unwrap().shape).join(', ')}.\n`)
      return 2
    }
    limits[match[1]!] = Number(match[2])
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
    ...(epoch === undefined ? {} : {sourceDateEpoch: Number(epoch)}),
    ...(shard === undefined ? {} : {shard}),
    ...(values['browser-ws-endpoint'] === undefined ? {} : {browserWSEndpoint: values['browser-ws-endpoint']}),
    ...(values.publication === undefined ? {} : {publication: values.publication}),
    ...(Object.keys(limits).length === 0 ? {} : {limits: {...buildOptionsSchema.shape.limits.parse(undefined), ...limits}})
  }

  const quiet = values.quiet ?? false
  if (command === 'watch') return runWatch(options, {serve: values.serve ?? false, port: values.port, timings: values.timings})
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
  const timings: PhaseTimings | undefined = values.timings === undefined ? undefined : {startup}
  const environment = {puppeteerCacheDir: process.env.PUPPETEER_CACHE_DIR, sandbox: process.getuid?.() !== 0}
  try {
    // Start Chromium before loading the pipeline (a third of a second of imports), so it
    // boots on the other core meanwhile. Only PDFs need it.
    const resolved = resolveBuildOptions(options)
    let session
    if (resolved.formats.includes('pdf')) {
      const {launchBrowser} = await import('../pdf/browser.js')
      session = launchBrowser({
        executablePath: resolved.browser,
        browserWSEndpoint: resolved.browserWSEndpoint,
        cacheDir: environment.puppeteerCacheDir,
        sandbox: environment.sandbox,
        poolSize: resolved.concurrency,
        timeout: resolved.timeout
      })
      // Awaited, with its error reported, by the build.
      session.catch(() => {})
    }
    const {build} = await import('../pipeline/build.js')
    const report = await build(
      options,
      {
        signal: controller.signal,
        ...(timings ? {timings} : {}),
        onEvent(event) {
          if (event.type === 'start') {
            if (!quiet) process.stderr.write(`Building ${event.sources.length} source${event.sources.length === 1 ? '' : 's'}…\n`)
            if (event.sources.length === 0) process.stderr.write('Nothing to build: add Markdown files to content/ or pass paths.\n')
          } else if (event.type === 'source') {
            printMessages(event.report)
            if (!quiet) process.stderr.write(progressLine(event.report, event.done, event.total, relative))
          } else {
            printMessages(event.report)
            if (!quiet) process.stderr.write(bookLine(event.report, relative))
          }
        }
      },
      {...environment, session}
    )
    if (!quiet) process.stderr.write(summary(report, relative))
    if (timings && values.timings) await fs.writeFile(values.timings, JSON.stringify({...timings, total: performance.now()}) + '\n')
    if (controller.signal.aborted) return 130
    return report.ok ? 0 : 1
  } catch (error) {
    if (isConfigError(error)) printMessages(error)
    process.stderr.write(`${toolName}: ${(error as Error).message}\n`)
    return 1
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

/** A config file error (checked by name: importing its class would load YAML and zod early). */
function isConfigError(error: unknown): error is ConfigError {
  return error instanceof Error && error.name === 'ConfigError' && 'file' in error
}

/** `file:line:column: severity: reason [rule]`, once per message. */
function printMessages(report: {file: VFile}): void {
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

function bookLine(report: PublicationReport, relative: (file: string) => string): string {
  if (report.failed) return `[book] ✗ ${report.name}: not built (previous book kept)\n`
  const outputs = report.outputs.map((output) => `${relative(output.path)} (${output.pages === undefined ? '' : `${output.pages} pages, `}${kib(output.bytes)})`)
  return `[book] ✓ ${report.name} (${report.articles} article${report.articles === 1 ? '' : 's'}) → ${outputs.join(', ')} in ${seconds(report.ms)}\n`
}

function summary(report: BuildReport, relative: (file: string) => string): string {
  const failed = [...report.sources.filter((source) => source.failed), ...report.publications.filter((book) => book.failed)]
  const written = [...report.sources, ...report.publications].flatMap((item) => item.outputs)
  const warnings = report.sources.reduce((sum, source) => sum + source.file.messages.filter((message) => message.fatal === false).length, 0)
  let text = `Done in ${seconds(report.ms)}: ${written.length} output${written.length === 1 ? '' : 's'} written`
  if (failed.length > 0) text += `, ${failed.length} failed (${failed.map((item) => ('name' in item && 'articles' in item ? `book ${item.name}` : relative(item.file.path))).join(', ')})`
  if (warnings > 0) text += `, ${warnings} warning${warnings === 1 ? '' : 's'}`
  return text + '.\n'
}

function kib(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`
}

/** `watch`: print each rebuild's messages and one line, until Ctrl-C or SIGTERM; then close and exit 0. */
async function runWatch(options: BuildOptionsInput, flags: {serve: boolean; port: string | undefined; timings: string | undefined}): Promise<number> {
  const port = flags.port === undefined ? undefined : Number(flags.port)
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    process.stderr.write(`--port must be a whole number from 0 to 65535, not \`${flags.port}\`.\n`)
    return 2
  }
  const onEvent = (event: WatchEvent) => {
    if (event.type === 'rebuild') {
      if (flags.timings) appendFileSync(flags.timings, JSON.stringify({...event.rebuild.timings, total: event.rebuild.ms}) + '\n')
      for (const source of [...event.rebuild.report.sources, ...event.rebuild.report.publications]) printMessages(source)
      process.stderr.write(event.rebuild.summary + '\n')
    } else if (event.type === 'error') {
      if (isConfigError(event.error)) printMessages(event.error)
      process.stderr.write(`${toolName}: ${event.error.message} (still watching)\n`)
    }
  }
  let watcher
  try {
    const {watch} = await import('../watch/session.js')
    watcher = await watch(
      {...options, serve: flags.serve, ...(port === undefined ? {} : {port})},
      {onEvent},
      {
        puppeteerCacheDir: process.env.PUPPETEER_CACHE_DIR,
        sandbox: process.getuid?.() !== 0
      }
    )
  } catch (error) {
    if (isConfigError(error)) printMessages(error)
    process.stderr.write(`${toolName}: ${(error as Error).message}\n`)
    return 1
  }
  if (watcher.url) process.stderr.write(`Preview: ${watcher.url}\n`)
  process.stderr.write('Watching for changes (Ctrl-C to stop)…\n')
  await new Promise<void>((resolve) => {
    const stop = () => {
      // A second Ctrl-C while the current build finishes quits at once.
      process.once('SIGINT', () => {
        removePendingTemps()
        process.exit(130)
      })
      resolve()
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  process.stderr.write('\nStopping: closing the browser.\n')
  await watcher.close()
  return 0
}
