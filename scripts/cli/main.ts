/**
 * The command line: runs the command `args.ts` parsed, prints through
 * `report.ts`, and owns the signals: the first Ctrl-C or SIGTERM stops
 * gracefully (a build finishes its current document, watch closes), a second
 * one kills the browser, removes temporary files and exits at once. The only
 * module that touches `process`.
 */
import {appendFileSync} from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import process from 'node:process'
import type {ConfigError} from '../config/load-config.js'
import {resolveBuildOptions} from '../config/schema.js'
import type {PhaseTimings} from '../core/phase-timings.js'
import {commandName, toolVersion} from '../core/version.js'
import {removePendingTemps} from '../output/write-atomic.js'
import type {BrowserSession} from '../pdf/browser.js'
import type {BrowserEnvironment} from '../pipeline/launch.js'
import type {WatchEvent} from '../watch/session.js'
import {type Command, helpText, parseCommandLine, UsageError} from './args.js'
import {messageFiles} from '../pipeline/message-files.js'
import {bookLine, printMessages, progressLine, type Reporter, summaryLine} from './report.js'

type Run = Extract<Command, {command: 'build' | 'watch'}>

/** Run the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  // Process start to here: Node's own start-up plus every static import.
  const startup = performance.now()
  let command: Command
  try {
    command = parseCommandLine(argv, {
      cwd: process.cwd(),
      browser: process.env.HANDOUT_BROWSER || process.env.PUPPETEER_EXECUTABLE_PATH || undefined,
      sourceDateEpoch: process.env.SOURCE_DATE_EPOCH
    })
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    // A sentence ends once: a "did you mean `build`?" has its own stop.
    process.stderr.write(`${error.message}${/[.?!]$/.test(error.message) ? '' : '.'}\nRun \`${commandName} --help\` for usage.\n`)
    return 2
  }
  if (command.command === 'help') {
    process.stdout.write(helpText())
    return 0
  }
  if (command.command === 'version') {
    process.stdout.write(`${toolVersion}\n`)
    return 0
  }
  if (command.command === 'setup-browser') return setupBrowser(command.browser)
  if (command.command === 'init') return init(command.dir)
  if (command.command === 'eject') return eject(command.files, command.templatesDir)
  const run: Run = command
  const reporter: Reporter = {write: (text) => process.stderr.write(text), cwd: process.cwd()}
  const signals = new Signals()
  try {
    const environment = await startEarly(run, signals)
    return run.command === 'watch' ? await runWatch(run, reporter, signals, environment) : await runBuild(run, reporter, signals, environment, startup)
  } catch (error) {
    return failure(reporter, error)
  } finally {
    signals.dispose()
  }
}

/**
 * Start the parse worker and Chromium before loading the pipeline (a third of
 * a second of imports), so the worker loads the Markdown stack and Chromium
 * boots on the other core meanwhile. Only PDFs need the browser, and a
 * rebuild whose cache lists outputs may need none (`mayPrintNothing`).
 */
async function startEarly(command: Run, signals: Signals): Promise<BrowserEnvironment> {
  const options = resolveBuildOptions(command.options)
  const {mayPrintNothing, startBrowser, startParser} = await import('../pipeline/launch.js')
  const environment: BrowserEnvironment = {puppeteerCacheDir: process.env.PUPPETEER_CACHE_DIR, env: process.env, parser: startParser(options)}
  if (!options.formats.includes('pdf')) return environment
  // A rebuild may print nothing: the builder launches the browser when it must, and says so.
  if (command.command === 'build' && mayPrintNothing(options)) return {...environment, onLaunch: (started) => signals.holdBrowser(started)}
  const session = startBrowser(options, environment)
  session.then(
    (started) => signals.holdBrowser(started),
    () => {}
  )
  return {...environment, session}
}

async function runBuild(command: Run, reporter: Reporter, signals: Signals, environment: BrowserEnvironment, startup: number): Promise<number> {
  const started = performance.now()
  const controller = new AbortController()
  signals.onFirst((signal) => {
    reporter.write(`\n${signal}: stopping (parses end now, a print under way finishes; press again to quit now).\n`)
    controller.abort()
  })
  const timings: PhaseTimings | undefined = command.timings === undefined ? undefined : {startup}
  const {build} = await import('../pipeline/build.js')
  const report = await build(
    command.options,
    {
      signal: controller.signal,
      ...(timings ? {timings} : {}),
      onEvent(event) {
        if (event.type === 'start') {
          if (!command.quiet) reporter.write(`Building ${event.sources.length} source${event.sources.length === 1 ? '' : 's'}…\n`)
          if (event.sources.length === 0) reporter.write('Nothing to build: add Markdown files to content/ or pass paths.\n')
        } else if (event.type === 'source') {
          printMessages(reporter, event.report.file)
          if (!command.quiet) reporter.write(progressLine(reporter, event.report, event.done, event.total))
        } else {
          for (const file of messageFiles(event.report)) printMessages(reporter, file)
          if (!command.quiet) reporter.write(bookLine(reporter, event.report))
        }
      }
    },
    environment
  )
  if (!command.quiet) reporter.write(summaryLine(reporter, report, performance.now() - started))
  if (timings && command.timings) await fs.writeFile(command.timings, JSON.stringify({...timings, total: performance.now()}) + '\n')
  if (controller.signal.aborted) return 130
  return report.ok ? 0 : 1
}

/** `watch`: print each rebuild's messages and one line, until Ctrl-C or SIGTERM; then close and exit 0. */
async function runWatch(command: Run, reporter: Reporter, signals: Signals, environment: BrowserEnvironment): Promise<number> {
  const stopped = new Promise<void>((resolve) => signals.onFirst(() => resolve()))
  const onEvent = (event: WatchEvent) => {
    if (event.type === 'building') {
      if (!command.quiet) reporter.write(`${event.kind === 'initial' ? 'Building' : 'Rebuilding'} ${listNames(event.names)}…\n`)
    } else if (event.type === 'rebuild') {
      if (command.timings) appendFileSync(command.timings, JSON.stringify({...event.rebuild.timings, total: event.rebuild.ms}) + '\n')
      for (const item of [...event.rebuild.report.sources, ...event.rebuild.report.publications]) for (const file of messageFiles(item)) printMessages(reporter, file)
      reporter.write(event.rebuild.summary + '\n')
    } else if (event.type === 'error') {
      if (isConfigError(event.error)) printMessages(reporter, event.error.file)
      reporter.write(`${commandName}: ${event.error.message} (still watching)\n`)
    }
  }
  const {watch} = await import('../watch/session.js')
  const watcher = await watch({...command.options, serve: command.serve, ...(command.port === undefined ? {} : {port: command.port})}, {onEvent}, environment)
  if (watcher.url) reporter.write(`Preview: ${watcher.url}\n`)
  reporter.write('Watching for changes (Ctrl-C to stop)…\n')
  await stopped
  reporter.write('\nStopping: closing the browser (press again to quit now).\n')
  await watcher.close()
  return 0
}

/** At most three names, then how many more: a template edit rebuilds every source. */
function listNames(names: string[]): string {
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`
}

/** `init [dir]`: write the example project, say what was kept, print the next command. */
async function init(dir: string): Promise<number> {
  const {initProject} = await import('./init-project.js')
  const {written, kept} = await initProject(dir)
  for (const name of written) process.stderr.write(`created ${name}\n`)
  for (const name of kept) process.stderr.write(`kept ${name} (it exists)\n`)
  const where = path.relative(process.cwd(), dir)
  process.stderr.write(`\nNext: ${where ? `cd ${where.includes(' ') ? JSON.stringify(where) : where} && ` : ''}npx handout build\n`)
  return 0
}

/** `eject [file...]`: copy the package's templates into the project, never overwriting; say what was written and skipped. */
async function eject(files: string[], templatesDir: string): Promise<number> {
  const {ejectTemplates} = await import('./eject-templates.js')
  let report: Awaited<ReturnType<typeof ejectTemplates>>
  try {
    report = await ejectTemplates(templatesDir, files)
  } catch (error) {
    process.stderr.write(`${commandName}: ${(error as Error).message}\n`)
    return 2
  }
  const where = path.relative(process.cwd(), templatesDir) || '.'
  for (const name of report.written) process.stderr.write(`wrote ${path.join(where, name)}\n`)
  for (const name of report.skipped) process.stderr.write(`skipped ${path.join(where, name)} (it exists; delete it to eject it again)\n`)
  return 0
}

async function setupBrowser(explicit: string | undefined): Promise<number> {
  try {
    const {ensureBrowser} = await import('../pdf/install-browser.js')
    await ensureBrowser({
      explicit,
      cacheDir: process.env.PUPPETEER_CACHE_DIR,
      mayUseApt: process.getuid?.() === 0 && process.platform === 'linux',
      env: process.env,
      log: (line) => process.stderr.write(line + '\n')
    })
    return 0
  } catch (error) {
    process.stderr.write(`${commandName}: ${(error as Error).message}\n`)
    return 1
  }
}

/** Print a failure that stopped the command; usage-like failures exit 2, the rest 1. */
function failure(reporter: Reporter, error: unknown): number {
  if (isConfigError(error)) printMessages(reporter, error.file)
  reporter.write(`${commandName}: ${(error as Error).message}\n`)
  const name = (error as Error).name
  return ['PlanError', 'OutDirError', 'SourcePathError', 'OptionsError'].includes(name) || error instanceof UsageError ? 2 : 1
}

/** A config file error (checked by name: importing its class would load YAML and zod early). */
function isConfigError(error: unknown): error is ConfigError {
  return error instanceof Error && error.name === 'ConfigError' && 'file' in error
}

/**
 * SIGINT and SIGTERM: the first calls the command's graceful stop; the second
 * (or any later) kills the browser and exits at once, leaving no temporary file.
 */
class Signals {
  private count = 0
  private first: ((signal: NodeJS.Signals) => void) | undefined
  private browser: BrowserSession | undefined
  private readonly handler = (signal: NodeJS.Signals) => {
    this.count++
    if (this.count === 1 && this.first) {
      this.first(signal)
      return
    }
    this.browser?.kill()
    removePendingTemps()
    process.exit(130)
  }

  constructor() {
    process.on('SIGINT', this.handler)
    process.on('SIGTERM', this.handler)
  }

  /** What the first signal does. */
  onFirst(stop: (signal: NodeJS.Signals) => void): void {
    this.first = stop
  }

  /** The browser to kill on a second signal. */
  holdBrowser(session: BrowserSession): void {
    this.browser = session
  }

  dispose(): void {
    process.off('SIGINT', this.handler)
    process.off('SIGTERM', this.handler)
  }
}
