/**
 * argv → a command and its options. The help text of every option that maps
 * to a build option is that option's description in the schema, so the help,
 * the API's docs and the README say the same thing. Unknown flags get a
 * "did you mean".
 */
import path from 'node:path'
import {type ParseArgsConfig, parseArgs} from 'node:util'
import {findProjectRoot} from '../config/project-root.js'
import {closest} from '../config/safe-yaml.js'
import {type BuildOptionsInput, buildOptionsSchema, type Format, formats, pageSizes} from '../config/schema.js'
import {parseShard} from '../content/find-sources.js'
import {commandName} from '../core/version.js'

type SchemaKey = keyof typeof buildOptionsSchema.shape

/** A flag: its value's name, and either the schema key it sets (whose description is its help) or its own help. */
interface Flag {
  value?: string
  key?: SchemaKey
  help?: string
  short?: string
  multiple?: boolean
  /** Only for `watch`. */
  watch?: boolean
}

const flags: Record<string, Flag> = {
  out: {value: 'DIR', key: 'outDir'},
  format: {value: 'pdf|epub|all', key: 'formats'},
  lang: {value: 'TAG', key: 'lang'},
  'page-size': {value: 'SIZE', key: 'pageSize', help: `Default paper size of the PDF: ${pageSizes.join(', ')} (a source's \`pageSize\` wins).`},
  publication: {value: 'NAME', key: 'publication'},
  limit: {value: 'NAME=N', key: 'limits', multiple: true},
  root: {value: 'DIR', key: 'root'},
  templates: {value: 'DIR', key: 'templates'},
  browser: {value: 'PATH', key: 'browser'},
  concurrency: {value: 'N', key: 'concurrency'},
  timeout: {value: 'MS', key: 'timeout'},
  'browser-ws-endpoint': {value: 'URL', key: 'browserWSEndpoint'},
  shard: {value: 'I/N', key: 'shard'},
  'no-cache': {help: 'Make every output again, reading and writing no build cache (covers, parses, the output list).'},
  timings: {value: 'FILE', help: 'Write milliseconds per phase (startup, launch, parse, render, print, package, write, total) to FILE as JSON; in watch mode one JSON line per rebuild.'},
  quiet: {short: 'q', help: 'Print only diagnostics and errors.'},
  serve: {watch: true, help: 'Serve a live preview on http://127.0.0.1 (reloaded after each rebuild).'},
  port: {value: 'N', watch: true, help: 'Port of the preview (default: 4173; 0 picks a free port).'},
  help: {short: 'h', help: 'Show this help.'},
  version: {short: 'v', help: 'Show the version.'}
}

/** The help text: usage, then every flag with its description. */
export function helpText(): string {
  const lines = Object.entries(flags).map(([name, flag]) => {
    const head = `  ${flag.short ? `-${flag.short}, ` : ''}--${name}${flag.value ? ` ${flag.value}` : ''}`
    const text = (flag.help ?? (flag.key ? buildOptionsSchema.shape[flag.key].description : '') ?? '') + (flag.watch ? ' (watch)' : '')
    return head.length < 28 ? `${head.padEnd(28)}${text}` : `${head}\n${' '.repeat(28)}${text}`
  })
  return `Usage: ${commandName} build [paths...] [options]
       ${commandName} watch [paths...] [options] [--serve [--port N]]
       ${commandName} init [dir]
       ${commandName} eject [file...] [--root DIR] [--templates DIR]
       ${commandName} setup-browser

Build Markdown articles into printable PDF handouts and EPUB 3 books.
With no paths, builds every content/**/*.md and the publications of
handout.config.yaml. \`watch\` builds, then rebuilds what each change
touches until Ctrl-C.

Options:
${lines.join('\n')}

init writes a small working project into dir (default: here): an example
article, a commented handout.config.yaml and a .gitignore; it never
overwrites a file.

eject copies the package's template files (all, or the named ones such as
print.css or partials/page.css) into the project's templates/ to edit
them; files already there are skipped, never overwritten.

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
}

/** What the command line asks for. */
export type Command =
  | {command: 'help'; browser: string | undefined}
  | {command: 'version'; browser: string | undefined}
  | {command: 'setup-browser'; browser: string | undefined}
  | {command: 'init'; dir: string}
  | {command: 'eject'; files: string[]; templatesDir: string}
  | {command: 'build' | 'watch'; options: BuildOptionsInput; quiet: boolean; timings: string | undefined; serve: boolean; port: number | undefined}

/** Bad usage: the message says what to do; the CLI exits 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** What the CLI reads from its environment. */
export interface Environment {
  cwd: string
  /** `HANDOUT_BROWSER`, else `PUPPETEER_EXECUTABLE_PATH`. */
  browser: string | undefined
  /** `SOURCE_DATE_EPOCH`. */
  sourceDateEpoch: string | undefined
}

/** Parse `argv` (without node and script). Throws a `UsageError` for bad usage. */
export function parseCommandLine(argv: string[], environment: Environment): Command {
  const options = Object.fromEntries(
    Object.entries(flags).map(([name, flag]) => [name, {type: flag.value ? 'string' : 'boolean', ...(flag.short ? {short: flag.short} : {}), ...(flag.multiple ? {multiple: true} : {})}])
  ) as NonNullable<ParseArgsConfig['options']>
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({args: argv, allowPositionals: true, options})
  } catch (error) {
    throw new UsageError(withSuggestion((error as Error).message))
  }
  const values = parsed.values as Record<string, string | string[] | boolean | undefined>
  const string = (name: string) => values[name] as string | undefined
  const browser = string('browser') ?? environment.browser
  if (values.help) return {command: 'help', browser}
  if (values.version) return {command: 'version', browser}
  const [command = 'build', ...paths] = parsed.positionals
  if (command === 'setup-browser') return {command, browser}
  if (command === 'init') {
    if (paths.length > 1) throw new UsageError('`init` takes one folder at most')
    return {command, dir: path.resolve(environment.cwd, paths[0] ?? '.')}
  }
  if (command !== 'build' && command !== 'watch' && command !== 'eject') {
    throw new UsageError(`Unknown command \`${command}\`: use \`build\`, \`watch\`, \`init\`, \`eject\` or \`setup-browser\`${suggest(command, ['build', 'watch', 'init', 'eject', 'setup-browser'])}`)
  }
  const root = string('root') === undefined ? findProjectRoot(environment.cwd) : path.resolve(environment.cwd, string('root')!)
  if (command === 'eject') return {command, files: paths, templatesDir: string('templates') === undefined ? path.join(root, 'templates') : path.resolve(environment.cwd, string('templates')!)}
  // Paths on the command line are relative to the working directory; the build takes them relative to the root.
  const fromCwd = (value: string) => path.relative(root, path.resolve(environment.cwd, value)) || '.'
  const port = string('port') === undefined ? undefined : Number(string('port'))
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new UsageError(`--port must be a whole number from 0 to 65535, not \`${string('port')}\``)
  return {
    command,
    options: {root, inputs: paths.map(fromCwd), browser, ...buildOptions(string, fromCwd, values.limit as string[] | undefined, environment), ...(values['no-cache'] === true ? {cache: false} : {})},
    quiet: values.quiet === true,
    timings: string('timings'),
    serve: values.serve === true,
    port
  }
}

function buildOptions(string: (name: string) => string | undefined, fromCwd: (value: string) => string, limitValues: string[] | undefined, environment: Environment): BuildOptionsInput {
  const format = string('format') ?? 'all'
  if (format !== 'all' && !(formats as readonly string[]).includes(format)) throw new UsageError(`Unknown --format \`${format}\`: use pdf, epub or all`)
  const pageSize = string('page-size')
  const size = pageSize === undefined ? undefined : pageSizes.find((name) => name.toLowerCase() === pageSize.toLowerCase())
  if (pageSize !== undefined && !size) throw new UsageError(`Unknown --page-size \`${pageSize}\`: use ${pageSizes.join(', ')}`)
  const shard = string('shard') === undefined ? undefined : parseShard(string('shard')!)
  if (string('shard') !== undefined && !shard) throw new UsageError(`Invalid --shard \`${string('shard')}\`: use I/N with 1 ≤ I ≤ N, such as \`1/3\``)
  const limitNames = Object.keys(buildOptionsSchema.shape.limits.unwrap().shape)
  const limits: Record<string, number> = {}
  for (const item of limitValues ?? []) {
    const match = /^([A-Za-z]+)=(\d+)$/.exec(item)
    if (!match || !limitNames.includes(match[1]!)) throw new UsageError(`Invalid --limit \`${item}\`: use NAME=N with NAME one of ${limitNames.join(', ')}${suggest(match?.[1] ?? item, limitNames)}`)
    limits[match[1]!] = Number(match[2])
  }
  const epoch = environment.sourceDateEpoch
  if (epoch !== undefined && !/^\d+$/.test(epoch)) throw new UsageError(`SOURCE_DATE_EPOCH must be a whole number of seconds, not \`${epoch}\``)
  const number = (name: string) => (string(name) === undefined ? {} : {[name]: Number(string(name))})
  return {
    formats: format === 'all' ? [...formats] : [format as Format],
    ...(string('out') === undefined ? {} : {outDir: fromCwd(string('out')!)}),
    ...(size === undefined ? {} : {pageSize: size}),
    ...(string('lang') === undefined ? {} : {lang: string('lang')}),
    ...(string('templates') === undefined ? {} : {templates: fromCwd(string('templates')!)}),
    ...number('concurrency'),
    ...number('timeout'),
    ...(epoch === undefined ? {} : {sourceDateEpoch: Number(epoch)}),
    ...(shard === undefined ? {} : {shard}),
    ...(string('browser-ws-endpoint') === undefined ? {} : {browserWSEndpoint: string('browser-ws-endpoint')}),
    ...(string('publication') === undefined ? {} : {publication: string('publication')}),
    ...(Object.keys(limits).length === 0 ? {} : {limits: {...buildOptionsSchema.shape.limits.parse(undefined), ...limits}})
  }
}

/** node's "Unknown option '--outt'" with a "did you mean" added. */
function withSuggestion(message: string): string {
  const unknown = /Unknown option '(--?[^']+)'/.exec(message)?.[1]
  if (!unknown) return message
  return `Unknown option \`${unknown}\`${suggest(unknown.replace(/^--?/, ''), Object.keys(flags), '--')}`
}

function suggest(value: string, names: string[], prefix = ''): string {
  const hint = closest(value, names)
  return hint ? `: did you mean \`${prefix}${hint}\`?` : ''
}
