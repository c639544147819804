/**
 * `npm run bench`: how long a build takes, where the time goes, and how that
 * compares, in the same run on the same machine, with the floor of the
 * Chromium route (bench/floor.ts) and the tools a user would pick instead
 * (md-to-pdf, Vivliostyle, pandoc). Writes `bench/results/<date>.md`.
 *
 *   npm run bench                      200 articles, 5 runs of each sample case, 3 of the batch
 *   npm run bench -- --quick           20 articles, 3 runs, 1 batch run (CI smoke)
 *   npm run bench -- --articles 50 --runs 7 --batch-runs 2 --no-peers --no-install
 *
 * Every command runs as its own process, as a user runs it. Runs of the
 * compared commands are interleaved, so the machine's load drifts over all of
 * them alike; medians are quoted and ratios are within one run.
 */
import {spawn, spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {parseArgs} from 'node:util'
import {PDFDocument} from 'pdf-lib'
import {createProcessor} from '../scripts/markdown/processor.js'
import {parseDocument} from '../scripts/parse/parse-document.js'
import {phases, type Phase} from '../scripts/core/phase-timings.js'
import {articleId, renderBook} from '../scripts/render/render-book.js'
import {renderPrint} from '../scripts/render/render-print.js'
import {publicationSchema} from '../scripts/config/schema.js'
import type {Document} from '../scripts/core/types.js'
import {loadTemplates} from '../scripts/render/templates.js'
import {writeCorpus} from './corpus.js'

const {values: flags} = parseArgs({
  options: {
    articles: {type: 'string'},
    runs: {type: 'string'},
    'batch-runs': {type: 'string'},
    quick: {type: 'boolean', default: false},
    'no-peers': {type: 'boolean', default: false},
    'no-install': {type: 'boolean', default: false},
    baseline: {type: 'string'},
    cases: {type: 'string', default: 'a,b,c,d'},
    edits: {type: 'string'},
    'book-edits': {type: 'string'},
    help: {type: 'boolean', short: 'h', default: false}
  }
})
if (flags.help) {
  process.stdout.write(
    'Usage: npm run bench -- [--articles N] [--runs N] [--batch-runs N] [--quick] [--no-peers] [--no-install]\n' +
      '  --articles N    articles in the generated corpus (default 200; --quick 20)\n' +
      '  --runs N        runs of each sample-article command (default 5; --quick 3)\n' +
      '  --batch-runs N  runs of each whole-corpus command (default 3; --quick 1)\n' +
      '  --no-peers      skip md-to-pdf, Vivliostyle and pandoc\n' +
      '  --no-install    do not install missing peers (npm into bench/scratch/peers, apt for pandoc)\n' +
      '  --baseline DIR  also run DIR/bin/handout.js (a compiled copy laid out like bench/scratch/compiled,\n' +
      "                  with DIR/templates when its code needs other templates than this tree's;\n" +
      '                  e.g. of another commit) in (a), start-up and (b): before/after in the same run\n' +
      '  --cases LIST    which cases to run (default a,b,c,d); a partial run writes results/<date>-<cases>.md\n' +
      '  --edits N       (d) edits of the sample article in watch mode (default 20; --quick 5)\n' +
      '  --book-edits N  (d) edits of one article of the N-article book in watch mode (default 5; --quick 2)\n'
  )
  process.exit(0)
}
const positive = (value: string | undefined, fallback: number) => {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new Error(`Expected a whole number ≥ 1, not \`${value}\``)
  return n
}
const articles = positive(flags.articles, flags.quick ? 20 : 200)
const runs = positive(flags.runs, flags.quick ? 3 : 5)
const batchRuns = positive(flags['batch-runs'], flags.quick ? 1 : 3)
const edits = positive(flags.edits, flags.quick ? 5 : 20)
const bookEdits = positive(flags['book-edits'], flags.quick ? 2 : 5)
const cases = new Set(flags.cases.split(',').map((name) => name.trim().toLowerCase()))
for (const name of cases) if (!['a', 'b', 'c', 'd'].includes(name)) throw new Error(`Unknown case \`${name}\`: use a, b, c or d`)
const allCases = cases.size === 4

const root = path.resolve(import.meta.dirname, '..')
const scratch = path.join(root, 'bench', 'scratch')
const rel = (file: string) => path.relative(root, file)
const log = (line: string) => process.stderr.write(line + '\n')
const sample = path.join(root, 'content', 'is-k-resurgence.md')
const chromium = process.env.HANDOUT_BROWSER || '/usr/bin/chromium'
const baseline = flags.baseline === undefined ? undefined : path.resolve(flags.baseline, 'bin', 'handout.js')
if (baseline && !fs.existsSync(baseline)) throw new Error(`No \`${baseline}\`: --baseline takes a folder with bin/handout.js and lib/`)
const isRoot = process.getuid?.() === 0
const notes: string[] = []

// ---------------------------------------------------------------- measuring

/** One measured process. */
interface Measure {
  wallMs: number
  /** Peak of the summed PSS of the process and all its descendants (Chromium included), in KiB. */
  treeKb: number
  /** GNU time's maximum resident set of the largest single process, in KiB. */
  maxRssKb?: number
  code: number | null
  stderr: string
}

const hasGnuTime = fs.existsSync('/usr/bin/time')

/** PSS (or RSS when smaps_rollup is unreadable) of `pid` and every descendant, in KiB. */
function treeMemoryKb(pid: number): number {
  const children = new Map<number, number[]>()
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8')
      // The command name may hold spaces and parentheses: fields start after the last `)`.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      const list = children.get(ppid) ?? []
      list.push(Number(entry))
      children.set(ppid, list)
    } catch {
      // The process ended while we looked.
    }
  }
  let total = 0
  const stack = [pid]
  while (stack.length > 0) {
    const current = stack.pop()!
    try {
      const rollup = fs.readFileSync(`/proc/${current}/smaps_rollup`, 'utf8')
      total += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0)
    } catch {
      try {
        total += Number(fs.readFileSync(`/proc/${current}/statm`, 'utf8').split(' ')[1]) * 4
      } catch {
        // Gone.
      }
    }
    stack.push(...(children.get(current) ?? []))
  }
  return total
}

/** Run a command to completion, sampling its process tree's memory every 100 ms. */
function measure(command: string, args: string[], options: {cwd?: string; env?: NodeJS.ProcessEnv} = {}): Promise<Measure> {
  const timeFile = path.join(scratch, 'time.txt')
  const argv = hasGnuTime ? ['/usr/bin/time', '-f', '%M', '-o', timeFile, command, ...args] : [command, ...args]
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(argv[0]!, argv.slice(1), {cwd: options.cwd ?? root, env: options.env ?? process.env, stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    let peak = 0
    const poll = () => {
      if (child.pid && child.exitCode === null) peak = Math.max(peak, treeMemoryKb(child.pid))
    }
    setTimeout(poll, 20)
    const timer = setInterval(poll, 100)
    child.on('error', (error) => {
      clearInterval(timer)
      reject(error)
    })
    child.on('close', (code) => {
      const wallMs = performance.now() - started
      clearInterval(timer)
      let maxRssKb: number | undefined
      if (hasGnuTime) {
        const text = fs.readFileSync(timeFile, 'utf8').trim().split('\n')
        maxRssKb = Number(text[text.length - 1])
        // GNU time reports a non-zero exit on the line before.
        if (text.length > 1) stderr += text.slice(0, -1).join('\n')
      }
      // A process shorter than one sample: the largest single process is the best figure there is.
      if (peak === 0 && maxRssKb !== undefined) peak = maxRssKb
      resolve({wallMs, treeKb: peak, ...(maxRssKb === undefined ? {} : {maxRssKb}), code, stderr})
    })
  })
}

/** A command compared in a case, and everything measured of it. */
interface Tool {
  label: string
  /** Builds argv for run `n` (fresh output folder each time). */
  command: (n: number) => {command: string; args: string[]; cwd?: string; env?: NodeJS.ProcessEnv; timings?: string; floorJson?: string; pdfs?: () => string[]}
  measures: Measure[]
  timings: Array<Partial<Record<Phase | 'total', number>>>
  floor: Array<{launchMs: number; printMs: number}>
  pages?: number
  failed?: string
}

function tool(label: string, command: Tool['command']): Tool {
  return {label, command, measures: [], timings: [], floor: []}
}

/** Run every tool `count` times, interleaved; a tool that fails once is dropped with its error. */
async function runCase(name: string, tools: Tool[], count: number): Promise<void> {
  for (let n = 0; n < count; n++) {
    for (const entry of tools) {
      if (entry.failed) continue
      const spec = entry.command(n)
      log(`  ${name} · ${entry.label} · run ${n + 1}/${count}`)
      const result = await measure(spec.command, spec.args, {...(spec.cwd ? {cwd: spec.cwd} : {}), ...(spec.env ? {env: spec.env} : {})})
      if (result.code !== 0) {
        const lines = result.stderr.trim().split('\n')
        const cause = lines.find((line) => /error|timed? ?out/i.test(line))
        entry.failed = `exit ${result.code}: ${[...(cause ? [cause.trim()] : []), ...lines.slice(-2)].join(' / ').slice(0, 300)}`
        log(`    failed: ${entry.failed}`)
        continue
      }
      entry.measures.push(result)
      if (spec.timings && fs.existsSync(spec.timings)) entry.timings.push(JSON.parse(fs.readFileSync(spec.timings, 'utf8')))
      if (spec.floorJson) entry.floor.push(JSON.parse(fs.readFileSync(spec.floorJson, 'utf8')))
      if (n === 0) {
        const fromLog = [...result.stderr.matchAll(/\((\d+) pages?,/g)].reduce((sum, match) => sum + Number(match[1]), 0)
        entry.pages = fromLog > 0 ? fromLog : spec.pdfs ? await countPages(spec.pdfs()) : undefined
      }
    }
  }
}

async function countPages(files: string[]): Promise<number | undefined> {
  if (files.length === 0) return undefined
  let pages = 0
  for (const file of files) {
    if (!fs.existsSync(file)) return undefined
    pages += (await PDFDocument.load(fs.readFileSync(file), {updateMetadata: false, ignoreEncryption: true})).getPageCount()
  }
  return pages
}

const median = (list: number[]) => {
  const sorted = [...list].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
const wall = (entry: Tool) => median(entry.measures.map((m) => m.wallMs))
const secs = (ms: number) => (Number.isNaN(ms) ? '–' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`)
const mib = (kb: number) => `${Math.round(kb / 1024)} MiB`

// ---------------------------------------------------------------- machine

function run(command: string, args: string[], cwd = root): {ok: boolean; out: string} {
  const result = spawnSync(command, args, {cwd, encoding: 'utf8', env: process.env})
  return {ok: result.status === 0, out: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim()}
}

function machine(): string[] {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  const chromiumVersion = /Chromium [\d.]+/.exec(run(chromium, ['--version']).out)?.[0] ?? run(chromium, ['--version']).out.split('\n').pop()
  const pandoc = run('pandoc', ['--version']).out.split('\n')[0] || 'not installed'
  return [
    `- CPU: ${os.availableParallelism()} × ${cpu}`,
    `- Memory: ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB; load average at start ${os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(', ')} (other work was running)`,
    `- OS: ${os.type()} ${os.release()}`,
    `- Node ${process.version}; ${chromiumVersion} (${chromium}); ${pandoc}`,
    `- Peak memory: summed PSS of the process and all its children (Chromium included), sampled every 100 ms; GNU time's max RSS of the largest single process in brackets`
  ]
}

// ---------------------------------------------------------------- preparation

/**
 * A compiled copy of the CLI laid out as after `npm install` (the `prepare`
 * script compiles `lib/`), so `bin/handout.js` takes its compiled path:
 * `compiled/{package.json, bin/handout.js, lib/, scripts/ (empty)}`.
 * The working tree's own `lib/` is left alone (other people edit `scripts/`).
 */
function compileSnapshot(): string {
  const dir = path.join(scratch, 'compiled')
  fs.rmSync(dir, {recursive: true, force: true})
  fs.mkdirSync(path.join(dir, 'bin'), {recursive: true})
  fs.mkdirSync(path.join(dir, 'scripts'), {recursive: true})
  fs.copyFileSync(path.join(root, 'package.json'), path.join(dir, 'package.json'))
  fs.copyFileSync(path.join(root, 'bin', 'handout.js'), path.join(dir, 'bin', 'handout.js'))
  const tsc = run(process.execPath, [
    path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
    '-p',
    'tsconfig.build.json',
    '--outDir',
    path.join(dir, 'lib'),
    '--declaration',
    'false',
    '--sourceMap',
    'false'
  ])
  if (!fs.existsSync(path.join(dir, 'lib', 'cli.js'))) throw new Error(`Cannot compile the CLI: ${tsc.out.slice(0, 500)}`)
  if (!tsc.ok) notes.push(`\`tsc\` reported errors while compiling the snapshot (emitted anyway): ${tsc.out.split('\n')[0]}`)
  // Then the package's own bundle step (what `npm install` runs), in the snapshot, with this tree's esbuild.
  const bundle = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {scripts: Record<string, string>}).scripts.bundle
  if (bundle) {
    const result = spawnSync('sh', ['-c', bundle], {cwd: dir, encoding: 'utf8', env: {...process.env, PATH: `${path.join(root, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}`}})
    if (result.status !== 0 || !fs.existsSync(path.join(dir, 'lib', 'cli.bundle.js'))) throw new Error(`Cannot bundle the CLI: ${`${result.stdout}${result.stderr}`.slice(0, 500)}`)
  }
  const bin = path.join(dir, 'bin', 'handout.js')
  // Our own CLI must run: a broken snapshot would fail every row of ours and hide the cases it offers.
  const check = run(process.execPath, [bin, '--version'])
  if (!check.ok) throw new Error(`The compiled snapshot does not run: ${check.out.slice(0, 500)}`)
  return bin
}

/** Is the working tree's `lib/` fresh, so that `bin/handout.js` runs it rather than tsx? */
function libIsFresh(): boolean {
  const compiled = path.join(root, 'lib', 'cli.bundle.js')
  if (!fs.existsSync(compiled)) return false
  const newest = fs
    .readdirSync(path.join(root, 'scripts'), {recursive: true, withFileTypes: true})
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .reduce((latest, entry) => Math.max(latest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs), 0)
  return fs.statSync(compiled).mtimeMs >= newest
}

/**
 * The compiled book's print HTML for the floor, as the final pass renders it
 * (page numbers in the contents are placeholders of the same width), with the
 * stylesheet and cover it loads.
 */
async function bookHtml(sources: string[], outDir: string): Promise<{html: string; assets: Record<string, string>}> {
  fs.rmSync(outDir, {recursive: true, force: true})
  fs.mkdirSync(outDir, {recursive: true})
  const templates = await loadTemplates(path.join(root, 'templates'))
  const processor = createProcessor({root})
  const documents: Document[] = []
  for (const source of [...sources].sort()) {
    const {document} = await parseDocument(processor, {path: source, name: path.basename(source, '.md')}, {cwd: root})
    if (!document) throw new Error(`Cannot parse ${rel(source)} for the book floor`)
    documents.push(document)
  }
  const publication = publicationSchema.parse({
    name: 'bench-book',
    title: `Bench corpus, ${sources.length} articles`,
    publisher: 'Bench Institute',
    sources: 'content/*.md',
    sort: 'name',
    outputs: ['book']
  })
  const {coverSvg, renderCover} = await import('../scripts/cover/render-cover.js')
  const cover = path.join(outDir, 'cover.png')
  fs.writeFileSync(cover, await renderCover(coverSvg(templates.cover, {lang: publication.lang, title: publication.title, publisher: publication.publisher})))
  const pages = new Map(documents.map((_, index) => [articleId(index), 100 + index * 3]))
  const page = renderBook(templates, {publication, documents, date: documents[0]!.date, publisher: publication.publisher, pageSize: 'A4', cover: {href: 'cover.png', alt: 'Cover'}, pages})
  const html = path.join(outDir, 'book.html')
  fs.writeFileSync(html, page.html)
  const css = path.join(outDir, 'book.css')
  fs.writeFileSync(css, templates.bookCss)
  return {html, assets: {'book.css': css, 'cover.png': cover}}
}

/** Our own print HTML of each source, for the floor: the same pages our PDFs come from. */
async function printHtml(sources: string[], outDir: string): Promise<string[]> {
  fs.rmSync(outDir, {recursive: true, force: true})
  fs.mkdirSync(outDir, {recursive: true})
  const templates = await loadTemplates(path.join(root, 'templates'))
  const processor = createProcessor({root})
  const written: string[] = []
  for (const source of sources) {
    const name = path.basename(source, '.md')
    const {document} = await parseDocument(processor, {path: source, name}, {cwd: root})
    if (!document) throw new Error(`Cannot parse ${rel(source)} for the floor`)
    const target = path.join(outDir, `${name}.html`)
    fs.writeFileSync(target, renderPrint(templates, document, {pageSize: 'A4'}).html)
    written.push(target)
  }
  return written
}

/** md-to-pdf and Vivliostyle in bench/scratch/peers, never in the project's dependencies. */
function installPeers(): {mdToPdf?: string; vivliostyle?: string} {
  const dir = path.join(scratch, 'peers')
  const bin = (name: string) => path.join(dir, 'node_modules', '.bin', name)
  if (!fs.existsSync(bin('md-to-pdf')) || !fs.existsSync(bin('vivliostyle'))) {
    if (flags['no-install']) {
      notes.push('md-to-pdf and Vivliostyle not installed (`--no-install`).')
    } else {
      log('Installing md-to-pdf and @vivliostyle/cli into bench/scratch/peers …')
      fs.mkdirSync(dir, {recursive: true})
      if (!fs.existsSync(path.join(dir, 'package.json'))) fs.writeFileSync(path.join(dir, 'package.json'), '{"name": "bench-peers", "private": true}\n')
      const result = spawnSync('npm', ['install', '--no-audit', '--no-fund', 'md-to-pdf', '@vivliostyle/cli'], {
        cwd: dir,
        encoding: 'utf8',
        // Their Puppeteer must not download a browser: they print with the same Chromium as we do.
        env: {...process.env, PUPPETEER_SKIP_DOWNLOAD: '1'}
      })
      if (result.status !== 0) notes.push(`Installing md-to-pdf and Vivliostyle failed: ${(result.stderr || '').trim().split('\n').pop()}`)
    }
  }
  return {
    ...(fs.existsSync(bin('md-to-pdf')) ? {mdToPdf: bin('md-to-pdf')} : {}),
    ...(fs.existsSync(bin('vivliostyle')) ? {vivliostyle: bin('vivliostyle')} : {})
  }
}

function findPandoc(): string | undefined {
  if (run('pandoc', ['--version']).ok) return 'pandoc'
  if (!flags['no-install'] && isRoot && run('apt-get', ['--version']).ok) {
    log('Installing pandoc with apt-get …')
    run('apt-get', ['install', '-y', 'pandoc'])
    if (run('pandoc', ['--version']).ok) return 'pandoc'
  }
  notes.push('pandoc is not installed (`apt-get install -y pandoc`): its rows are skipped.')
  return undefined
}

// ---------------------------------------------------------------- cases

const started = new Date()
log(`handout-press benchmark: ${articles} articles, ${runs} runs per sample command, ${batchRuns} per batch command`)
fs.mkdirSync(scratch, {recursive: true})
const bin = compileSnapshot()
const corpus = await writeCorpus({dir: path.join(scratch, 'corpus'), articles})
log(`Corpus: ${corpus.files.length} articles, ${corpus.words} words, in ${rel(corpus.dir)}`)
const sampleHtml = await printHtml([sample], path.join(scratch, 'html', 'sample'))
const corpusHtml = await printHtml(corpus.files, path.join(scratch, 'html', 'corpus'))
const peers = flags['no-peers'] ? {} : installPeers()
const pandoc = flags['no-peers'] ? undefined : findPandoc()
if (flags['no-peers']) notes.push('Peers skipped (`--no-peers`).')

const out = (label: string, n: number) => {
  const dir = path.join(
    scratch,
    'out',
    label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, ''),
    String(n)
  )
  fs.rmSync(dir, {recursive: true, force: true})
  fs.mkdirSync(dir, {recursive: true})
  return dir
}
const node = process.execPath
const tsxImport = ['--import', 'tsx']
// Generated covers are cached in <cwd>/.cache/handout: "cold" runs start without it
// (a first build); `warm` runs keep it (a rebuild of unchanged articles).
const coverCache = path.join(root, '.cache', 'handout')
const ours = (label: string, entry: string, inputs: string[], extra: string[] = [], warm = false): Tool =>
  tool(label, (n) => {
    if (!warm) fs.rmSync(coverCache, {recursive: true, force: true})
    const dir = out(label, n)
    const timings = path.join(dir, 'timings.json')
    // A baseline from another commit brings the templates its code expects.
    const templates = path.join(path.dirname(path.dirname(entry)), 'templates')
    const own = entry === baseline && fs.existsSync(templates) ? ['--templates', templates] : []
    return {command: node, args: [entry, 'build', ...inputs, '--out', dir, '--timings', timings, ...own, ...extra], timings}
  })
const floor = (label: string, pages: string[], assets: Record<string, string> = {}): Tool =>
  tool(label, (n) => {
    const dir = out(label, n)
    const json = path.join(dir, 'floor.json')
    const pdfs = () => pages.map((page) => path.join(dir, path.basename(page, '.html') + '.pdf'))
    const extra = Object.entries(assets).flatMap(([name, file]) => ['--asset', `${name}=${file}`])
    return {
      command: node,
      args: [...tsxImport, path.join(root, 'bench', 'floor.ts'), '--css', path.join(root, 'templates', 'print.css'), ...extra, '--out', dir, '--json', json, '--browser', chromium, ...pages],
      floorJson: json,
      pdfs
    }
  })
const launchOptions = JSON.stringify({executablePath: chromium, args: isRoot ? ['--no-sandbox'] : []})
/**
 * md-to-pdf converts all its files at once (one page each, all concurrent), which
 * times out with hundreds of files on two cores: batches of `chunk` files, one
 * process each, one after another.
 */
const mdToPdf = (label: string, sources: string[], chunk = 10): Tool | undefined =>
  peers.mdToPdf === undefined
    ? undefined
    : tool(label, (n) => {
        const dir = out(label, n)
        for (const source of sources) fs.copyFileSync(source, path.join(dir, path.basename(source)))
        const names = sources.map((source) => path.basename(source))
        const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`
        const batches = Array.from({length: Math.ceil(names.length / chunk)}, (_, i) => names.slice(i * chunk, (i + 1) * chunk))
        const script = batches.map((batch) => [peers.mdToPdf!, ...batch, '--launch-options', launchOptions].map(quote).join(' ')).join(' && ')
        return {
          command: 'sh',
          args: ['-c', script],
          cwd: dir,
          pdfs: () => sources.map((source) => path.join(dir, path.basename(source, '.md') + '.pdf'))
        }
      })
const vivliostyle = (label: string, source: string): Tool | undefined =>
  peers.vivliostyle === undefined
    ? undefined
    : tool(label, (n) => {
        const dir = out(label, n)
        fs.copyFileSync(source, path.join(dir, 'input.md'))
        return {command: peers.vivliostyle!, args: ['build', 'input.md', '-o', 'output.pdf', '--executable-browser', chromium], cwd: dir, pdfs: () => [path.join(dir, 'output.pdf')]}
      })
const pandocEpub = (label: string, sources: string[]): Tool | undefined =>
  pandoc === undefined
    ? undefined
    : tool(label, (n) => {
        const dir = out(label, n)
        // One pandoc process per source, as a user builds separate books.
        const script = sources.map((source, i) => `pandoc ${JSON.stringify(source)} -t epub3 -o ${JSON.stringify(path.join(dir, `${i}.epub`))}`).join(' && ')
        return {command: 'sh', args: ['-c', script]}
      })
const present = (list: Array<Tool | undefined>) => list.filter((entry): entry is Tool => entry !== undefined)

// (a) The sample article, cold, as a user runs it.
log('\n(a) sample article, cold')
const sampleArg = rel(sample)
const freshLib = libIsFresh()
const caseA = {
  ours: ours('ours: bin, compiled lib/ (PDF+EPUB)', bin, [sampleArg]),
  bin: ours(`ours: bin in this tree, ${freshLib ? 'compiled lib/' : 'tsx (lib/ absent or stale)'} (PDF+EPUB)`, path.join(root, 'bin', 'handout.js'), [sampleArg]),
  npm: tool('ours: npm run build (PDF+EPUB)', (n) => {
    fs.rmSync(coverCache, {recursive: true, force: true})
    const dir = out('npm', n)
    return {command: 'npm', args: ['run', '--silent', 'build', '--', sampleArg, '--out', dir], env: {...process.env}}
  }),
  pdf: ours('ours: bin, compiled, PDF only', bin, [sampleArg], ['--format', 'pdf']),
  epub: ours('ours: bin, compiled, EPUB only', bin, [sampleArg], ['--format', 'epub']),
  rebuild: ours('ours: rebuild, covers cached (PDF+EPUB)', bin, [sampleArg], [], true),
  rebuildEpub: ours('ours: rebuild, covers cached, EPUB only', bin, [sampleArg], ['--format', 'epub'], true),
  baseline: baseline ? ours('baseline: bin, compiled (PDF+EPUB)', baseline, [sampleArg]) : undefined,
  baselinePdf: baseline ? ours('baseline: bin, compiled, PDF only', baseline, [sampleArg], ['--format', 'pdf']) : undefined,
  baselineEpub: baseline ? ours('baseline: bin, compiled, EPUB only', baseline, [sampleArg], ['--format', 'epub']) : undefined,
  floor: floor('floor: Chromium prints our HTML', sampleHtml),
  mdToPdf: mdToPdf('md-to-pdf (PDF)', [sample]),
  vivliostyle: vivliostyle('Vivliostyle (PDF)', sample),
  pandoc: pandocEpub('pandoc (EPUB 3)', [sample])
}
if (cases.has('a')) await runCase('(a)', present(Object.values(caseA)), runs)

// npm's own start-up: the same do-nothing command (`--version`) with and without npm.
log('\n(a) npm start-up')
const npmStart = {
  npm: tool('npm run build -- --version', () => ({command: 'npm', args: ['run', '--silent', 'build', '--', '--version']})),
  direct: tool('node bin/handout.js --version', () => ({command: node, args: [path.join(root, 'bin', 'handout.js'), '--version']})),
  compiled: tool('node <compiled>/bin/handout.js --version', () => ({command: node, args: [bin, '--version']})),
  baseline: baseline ? tool('node <baseline>/bin/handout.js --version', () => ({command: node, args: [baseline, '--version']})) : undefined,
  node: tool('node -e 0', () => ({command: node, args: ['-e', '0']}))
}
if (cases.has('a')) await runCase('start-up', present(Object.values(npmStart)), runs)

// (b) N separate handouts, PDF + EPUB each.
log(`\n(b) ${articles} separate handouts`)
const corpusArg = rel(corpus.dir)
const caseB = {
  ours: ours(`ours: bin, compiled (${articles} × PDF+EPUB)`, bin, [corpusArg]),
  baseline: baseline ? ours(`baseline: bin, compiled (${articles} × PDF+EPUB)`, baseline, [corpusArg]) : undefined,
  floor: floor(`floor: ${articles} pages in one warm browser`, corpusHtml),
  mdToPdf: mdToPdf(`md-to-pdf (${articles} × PDF, ${Math.ceil(articles / 10)} processes of ≤ 10 files)`, corpus.files),
  pandoc: pandocEpub(`pandoc (${articles} × EPUB 3, one process each)`, corpus.files)
}
if (caseA.vivliostyle && caseA.vivliostyle.measures.length > 0)
  notes.push(`Vivliostyle is not run for (b): one process per article (≈${secs(wall(caseA.vivliostyle!))} each) would take ${secs(wall(caseA.vivliostyle!) * articles)} per run.`)
if (cases.has('b')) await runCase('(b)', present(Object.values(caseB)), batchRuns)

// (c) The compiled book, at three sizes to show how cost grows: only when the CLI offers publications.
const help = run(node, [bin, '--help']).out
const bookAvailable = /--publication/.test(help)
const bookSizes = [...new Set([Math.max(1, Math.round(articles / 4)), Math.max(1, Math.round(articles / 2)), articles])]
const caseC: Tool[] = []
let caseCFloor: Tool | undefined
if (bookAvailable && cases.has('c')) {
  log('\n(c) compiled book')
  for (const size of bookSizes) {
    // A project of its own: the config names the book's articles; templates are the repository's.
    const project = path.join(scratch, `book-${size}`)
    fs.rmSync(project, {recursive: true, force: true})
    fs.mkdirSync(path.join(project, 'content'), {recursive: true})
    for (const file of corpus.files.slice(0, size)) fs.copyFileSync(file, path.join(project, 'content', path.basename(file)))
    fs.writeFileSync(
      path.join(project, 'handout.config.yaml'),
      [
        'publications:',
        '  - name: bench-book',
        `    title: Bench corpus, ${size} articles`,
        '    publisher: Bench Institute',
        '    sources: content/*.md',
        '    sort: name',
        '    outputs: [book]',
        ''
      ].join('\n')
    )
    if (size === articles) {
      // The floor: Chromium printing the same book HTML once, in a warm browser.
      const book = await bookHtml(corpus.files.slice(0, size), path.join(scratch, 'html', `book-${size}`))
      caseCFloor = floor(`floor: the ${size}-article book printed once in a warm browser`, [book.html], book.assets)
    }
    caseC.push(
      tool(`ours: book of ${size} articles (PDF+EPUB)`, (n) => {
        const dir = out(`book-${size}`, n)
        const timings = path.join(dir, 'timings.json')
        return {command: node, args: [bin, 'build', '--publication', 'bench-book', '--templates', path.join(root, 'templates'), '--out', dir, '--timings', timings], cwd: project, timings}
      })
    )
  }
  await runCase('(c)', [...caseC, ...(caseCFloor ? [caseCFloor] : [])], batchRuns)
}
const caseCNote = bookAvailable
  ? `One process per book (\`build --publication\`), ${bookSizes.join(' / ')} articles: parse is summed over the articles (two at a time); print is the book's passes (a draft to find where articles land, then the final one: two at least); package is reading page numbers back, PDF metadata, the cover and the EPUB. The floor prints the book's HTML once, with the final pass's options, in a browser already started.`
  : '(c) compiled book: not available yet (no `--publication` in the CLI).'

// (d) Edit-to-output in watch mode: only when the CLI has `watch`.
log('\n(d) watch mode')
const watchAvailable = /\bwatch\b/.test(help) && fs.existsSync(path.join(root, 'scripts', 'watch', 'session.ts'))
const watchTimes: number[] = []
const bookWatchTimes: number[] = []
let watchSplit = ''
let untouched = ''
let watchNote = ''
if (!cases.has('d')) {
  watchNote = ''
} else if (watchAvailable) {
  try {
    // The sample article alone: its PDF and EPUB.
    const dir = path.join(scratch, 'watch')
    fs.rmSync(dir, {recursive: true, force: true})
    fs.mkdirSync(path.join(dir, 'content'), {recursive: true})
    const source = path.join(dir, 'content', 'is-k-resurgence.md')
    fs.copyFileSync(sample, source)
    const outDir = path.join(dir, 'out')
    const outputs = ['pdf', 'epub'].map((ext) => path.join(outDir, `is-k-resurgence.${ext}`))
    const timingsFile = path.join(dir, 'timings.jsonl')
    watchTimes.push(...(await editToOutput({cwd: root, args: [rel(source), '--out', outDir, '--timings', timingsFile], source, outputs, count: edits})))
    // One line per rebuild; the first is the initial build.
    const lines = fs
      .readFileSync(timingsFile, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => JSON.parse(line) as Record<string, number>)
    watchSplit = ['parse', 'render', 'print', 'package', 'write', 'total'].map((phase) => `${phase} ${Math.round(median(lines.map((line) => line[phase] ?? 0)))} ms`).join(', ')

    // One article of the N-article book: its handout and the book's PDF and EPUB, nothing else.
    const project = path.join(scratch, `watch-book-${articles}`)
    fs.rmSync(project, {recursive: true, force: true})
    fs.mkdirSync(path.join(project, 'content'), {recursive: true})
    for (const file of corpus.files) fs.copyFileSync(file, path.join(project, 'content', path.basename(file)))
    fs.writeFileSync(
      path.join(project, 'handout.config.yaml'),
      ['publications:', '  - name: bench-book', `    title: Bench corpus, ${articles} articles`, '    publisher: Bench Institute', '    sources: content/*.md', '    sort: name', ''].join('\n')
    )
    const edited = path.join(project, 'content', path.basename(corpus.files[0]!))
    const name = path.basename(edited, '.md')
    const bookOut = path.join(project, 'out')
    const bookOutputs = [`${name}.pdf`, `${name}.epub`, 'bench-book.pdf', 'bench-book.epub'].map((file) => path.join(bookOut, file))
    const others = () =>
      fs
        .readdirSync(bookOut)
        .filter((file) => !bookOutputs.includes(path.join(bookOut, file)))
        .map((file) => fs.statSync(path.join(bookOut, file)).mtimeMs)
    let before: number[] = []
    bookWatchTimes.push(
      ...(await editToOutput({
        cwd: project,
        args: ['--templates', path.join(root, 'templates'), '--out', bookOut],
        source: edited,
        outputs: bookOutputs,
        count: bookEdits,
        initialLimit: 900_000,
        onReady: () => (before = others())
      }))
    )
    const after = others()
    const changed = after.filter((mtime, index) => mtime !== before[index]).length
    untouched = `${after.length - changed} of the other ${after.length} outputs were left untouched by the ${bookEdits} edits`
  } catch (error) {
    watchNote = `(d) watch mode failed: ${(error as Error).message}`
  }
} else {
  watchNote = '(d) watch mode: not available yet (no `watch` command).'
}

/**
 * Start `handout watch` in `cwd`, edit `source` `count` times, and time each
 * edit until every one of `outputs` has been replaced.
 */
async function editToOutput(spec: {cwd: string; args: string[]; source: string; outputs: string[]; count: number; initialLimit?: number; onReady?: () => void}): Promise<number[]> {
  const {source, outputs, count} = spec
  const child = spawn(node, [bin, 'watch', ...spec.args], {cwd: spec.cwd, stdio: ['ignore', 'ignore', 'pipe']})
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const mtime = (file: string) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0)
  const waitFor = async (test: () => boolean, what: string, limit = 60_000) => {
    const until = performance.now() + limit
    while (!test()) {
      if (performance.now() > until || child.exitCode !== null) throw new Error(`${what}: ${stderr.trim().split('\n').slice(-2).join(' / ')}`)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }
  const times: number[] = []
  try {
    await waitFor(() => outputs.every((file) => mtime(file) > 0) && /Watching/.test(stderr), 'no initial build', spec.initialLimit)
    spec.onReady?.()
    for (let n = 0; n < count; n++) {
      await new Promise((resolve) => setTimeout(resolve, 300))
      const before = outputs.map(mtime)
      const editedAt = performance.now()
      fs.appendFileSync(source, `\nEdit number ${n + 1} for the benchmark.\n`)
      await waitFor(() => outputs.every((file, i) => mtime(file) > before[i]!), 'no rebuild after an edit', spec.initialLimit)
      times.push(performance.now() - editedAt)
      log(`  (d) edit ${n + 1}/${count}: ${Math.round(times[times.length - 1]!)} ms`)
    }
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('close', resolve))
  }
  return times
}

// ---------------------------------------------------------------- report

const phaseCells = (entry: Tool) =>
  phases.map((phase) => {
    const list = entry.timings.map((timing) => timing[phase]).filter((value): value is number => value !== undefined)
    return list.length === 0 ? '' : `${Math.round(median(list))}`
  })
const row = (entry: Tool, baseline?: Tool) => {
  const cells: string[] = [entry.label]
  if (entry.failed || entry.measures.length === 0) {
    cells.push(`failed: ${(entry.failed ?? 'no run').replace(/\|/g, '/')}`, '', '', '', '', ...phases.map(() => ''), '')
    return `| ${cells.join(' | ')} |`
  }
  const walls = entry.measures.map((m) => m.wallMs)
  const rss = entry.measures.map((m) => m.maxRssKb).filter((value): value is number => value !== undefined)
  cells.push(
    `${secs(wall(entry))} (${secs(Math.min(...walls))}–${secs(Math.max(...walls))})`,
    String(entry.measures.length),
    baseline && !baseline.failed && baseline.measures.length > 0 ? `${(wall(entry) / wall(baseline)).toFixed(2)}×` : '',
    `${mib(Math.max(...entry.measures.map((m) => m.treeKb)))}${rss.length > 0 ? ` (${mib(Math.max(...rss))})` : ''}`,
    entry.pages === undefined ? '' : String(entry.pages),
    ...phaseCells(entry),
    entry.floor.length > 0 ? `launch ${Math.round(median(entry.floor.map((f) => f.launchMs)))} ms + print ${Math.round(median(entry.floor.map((f) => f.printMs)))} ms` : ''
  )
  return `| ${cells.join(' | ')} |`
}
const header = `| Command | Wall, median (min–max) | Runs | Ratio | Peak memory, tree (largest process) | Pages | ${phases.join(' | ')} | Notes |\n|---|---|---|---|---|---|${phases.map(() => '---:').join('|')}|---|`
const ratio = (a: Tool | undefined, b: Tool | undefined, text: string, target?: number) => {
  if (!a || !b || a.failed || b.failed || a.measures.length === 0 || b.measures.length === 0) return undefined
  const value = wall(a) / wall(b)
  return `- ${text}: **${value.toFixed(2)}×**${target === undefined ? '' : ` (target ≤ ${target}×: ${value <= target ? 'met' : 'not met'})`}`
}
const floorLaunchPrint = (entry: Tool) => median(entry.floor.map((f) => f.launchMs + f.printMs))
const ratioToFloor = (a: Tool, floorTool: Tool, text: string, target: number, printOnly = false) => {
  if (a.failed || floorTool.failed || floorTool.floor.length === 0) return undefined
  const base = printOnly ? median(floorTool.floor.map((f) => f.printMs)) : floorLaunchPrint(floorTool)
  const value = wall(a) / base
  return `- ${text} (${secs(wall(a))} / ${secs(base)}): **${value.toFixed(2)}×** (target ≤ ${target}×: ${value <= target ? 'met' : 'not met'})`
}
const npmOverhead = wall(npmStart.npm) - wall(npmStart.direct)

const lines: string[] = [
  `# Benchmark ${started.toISOString().slice(0, 10)}`,
  '',
  `Run at ${started.toISOString()} by \`npm run bench${process.argv.slice(2).length ? ' -- ' + process.argv.slice(2).join(' ') : ''}\`; ${articles} generated articles (seed 6, ${corpus.words} words), ${runs} runs per sample command, ${batchRuns} per batch command, interleaved.`,
  '',
  '## Machine',
  '',
  ...machine(),
  '',
  '## How to read',
  '',
  "- Wall: process start to exit, as a user waits for it. Ratio: this row's median over the first row of its table.",
  `- Phases, in ms (medians, from \`--timings\`): startup = process start to \`main\` (Node + imports); launch = browser start, in parallel with parse; the rest are summed over sources and formats, which run concurrently (print includes waiting for a free page of the pool), so they can add up to more than the wall time.`,
  '- The floor (bench/floor.ts) launches the same Chromium with the same flags and prints our own print HTML, one page after another in one warm browser: no Markdown, metadata, cover or EPUB.',
  ''
]
if (cases.has('a'))
  lines.push(
    '## (a) The sample article, cold (content/is-k-resurgence.md)',
    '',
    header,
    ...present(Object.values(caseA)).map((entry) => row(entry, caseA.ours)),
    '',
    ...([
      ratioToFloor(caseA.ours, caseA.floor, 'Ours PDF+EPUB / floor launch + print of the PDF', 1.1),
      ratioToFloor(caseA.pdf, caseA.floor, 'Ours PDF only / floor launch + print', 1.1),
      ratio(caseA.ours, caseA.floor, 'Ours PDF+EPUB / floor process (incl. its Node + tsx start-up)'),
      ratio(caseA.pdf, caseA.mdToPdf, 'Ours PDF only / md-to-pdf'),
      ratio(caseA.ours, caseA.mdToPdf, 'Ours PDF+EPUB / md-to-pdf PDF'),
      ratio(caseA.pdf, caseA.vivliostyle, 'Ours PDF only / Vivliostyle'),
      ratio(caseA.ours, caseA.vivliostyle, 'Ours PDF+EPUB / Vivliostyle PDF'),
      ratio(caseA.epub, caseA.pandoc, 'Ours EPUB only / pandoc EPUB', 2),
      ratio(caseA.rebuildEpub, caseA.pandoc, 'Ours EPUB only, covers cached / pandoc EPUB', 2),
      ratio(caseA.rebuild, caseA.floor, 'Ours rebuild PDF+EPUB, covers cached / floor process'),
      ratio(caseA.bin, caseA.ours, 'bin in this tree / bin with compiled lib/ (start-up cost of running through tsx)'),
      ratio(caseA.ours, caseA.baseline, 'Ours / baseline, PDF+EPUB'),
      ratio(caseA.pdf, caseA.baselinePdf, 'Ours / baseline, PDF only'),
      ratio(caseA.epub, caseA.baselineEpub, 'Ours / baseline, EPUB only')
    ].filter(Boolean) as string[]),
    '',
    '### Start-up alone (`--version`)',
    '',
    header,
    ...present(Object.values(npmStart)).map((entry) => row(entry, npmStart.node)),
    '',
    `- npm's own start-up (\`npm run build -- --version\` minus \`node bin/handout.js --version\`): **${secs(npmOverhead)}**, on top of every \`npm run build\`.`,
    ''
  )
if (cases.has('b'))
  lines.push(
    `## (b) ${articles} separate handouts, PDF + EPUB each (bench/scratch/corpus)`,
    '',
    header,
    ...present(Object.values(caseB)).map((entry) => row(entry, caseB.ours)),
    '',
    ...([
      ratioToFloor(caseB.ours, caseB.floor, `Ours ${articles} × PDF+EPUB / floor printing the same ${articles} pages in one warm browser (print only)`, 1.3, true),
      ratio(caseB.ours, caseB.mdToPdf, `Ours ${articles} × PDF+EPUB / md-to-pdf ${articles} × PDF`),
      ratio(caseB.ours, caseB.pandoc, `Ours ${articles} × PDF+EPUB / pandoc ${articles} × EPUB`),
      ratio(caseB.ours, caseB.baseline, 'Ours / baseline')
    ].filter(Boolean) as string[]),
    ''
  )
if (cases.has('c'))
  lines.push(
    '## (c) The compiled book',
    '',
    ...(caseC.length > 0 ? [header, ...[...caseC, ...(caseCFloor ? [caseCFloor] : [])].map((entry) => row(entry, caseC[caseC.length - 1])), ''] : []),
    ...(caseC.length > 1 && caseC.every((entry) => entry.measures.length > 0)
      ? [`- Time per article: ${caseC.map((entry, i) => `${bookSizes[i]} → ${Math.round(wall(entry) / bookSizes[i]!)} ms`).join(', ')} (flat means linear growth).`]
      : []),
    ...(caseCFloor
      ? ([ratioToFloor(caseC[caseC.length - 1]!, caseCFloor, `Ours ${articles}-article book, PDF+EPUB / floor printing its HTML once (print only)`, 1.2, true)].filter(Boolean) as string[])
      : []),
    ...(caseC.length > 0 && caseC[caseC.length - 1]!.measures.length > 0
      ? [
          `- Peak memory of the ${articles}-article book, highest of its runs: ${mib(Math.max(...caseC[caseC.length - 1]!.measures.map((m) => m.treeKb)))} (target < 1.5 GB = 1431 MiB: ${Math.max(...caseC[caseC.length - 1]!.measures.map((m) => m.treeKb)) * 1024 < 1.5e9 ? 'met' : 'not met'})`
        ]
      : []),
    '',
    caseCNote,
    ''
  )
if (cases.has('d'))
  lines.push(
    '## (d) Edit-to-output in watch mode',
    '',
    watchTimes.length > 0
      ? `Sample article in \`handout watch\`, append a sentence, wait until both the PDF and the EPUB are replaced: median **${secs(median(watchTimes))}** (${secs(Math.min(...watchTimes))}–${secs(Math.max(...watchTimes))}) over ${watchTimes.length} edits (includes the watcher's debounce). Split of a rebuild (medians, from \`watch --timings\`; print and package of PDF and EPUB overlap, so they add up to more than the total): ${watchSplit}.`
      : watchNote,
    '',
    ...(bookWatchTimes.length > 0
      ? [
          `${articles}-article book in \`handout watch\` (config with one publication), append a sentence to one article, wait until that article's PDF and EPUB and the book's PDF and EPUB are replaced: median **${secs(median(bookWatchTimes))}** (${secs(Math.min(...bookWatchTimes))}–${secs(Math.max(...bookWatchTimes))}) over ${bookWatchTimes.length} edits; ${untouched}.`,
          ''
        ]
      : [])
  )
if (notes.length > 0) lines.push('## Notes', '', ...notes.map((note) => `- ${note}`), '')
const peerFailures = [...present(Object.values(caseA)), ...present(Object.values(caseB)), ...caseC].filter((entry) => entry.failed)
if (peerFailures.length > 0 && notes.length === 0) lines.push('## Notes', '')
for (const entry of peerFailures) lines.push(`- ${entry.label} failed and is skipped: ${entry.failed}`)

const report = lines.join('\n') + '\n'
const resultsDir = path.join(root, 'bench', 'results')
fs.mkdirSync(resultsDir, {recursive: true})
const target = path.join(resultsDir, `${started.toISOString().slice(0, 10)}${allCases ? '' : `-${[...cases].sort().join('')}`}.md`)
fs.writeFileSync(target, report)
process.stdout.write(report)
log(`\nWritten to ${rel(target)} in ${secs(Date.now() - started.getTime())}.`)
