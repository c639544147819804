/**
 * `npm run bench`: how long a build takes, where the time goes, and how that
 * compares, in the same run on the same machine, with the floor of the
 * Chromium route (bench/floor.ts) and the tools a user would pick instead
 * (md-to-pdf, Vivliostyle, pandoc). Writes `bench/results/<date>.md`.
 *
 *   npm run bench                      200 articles, 5 runs of each sample case, 3 of the batch
 *   npm run bench -- --quick           20 articles, 3 runs, 1 batch run (CI smoke)
 *   npm run bench -- --articles 50 --runs 7 --batch-runs 2 --no-peers --no-install
 *   npm run bench -- --help            the flags and the cases
 *
 * This file only orchestrates: the cases are in bench/cases/ and drive the
 * tool through its own entry points (the compiled CLI, `watch`, and the
 * pipeline's `printHtml` for the floor's pages); bench/support/ measures and
 * writes the table. Every command runs as its own process, as a user runs it.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {parseArgs} from 'node:util'
import {caseA} from './cases/a-cold-sample.js'
import {caseB} from './cases/b-handouts.js'
import {caseC} from './cases/c-book.js'
import {caseD} from './cases/d-watch.js'
import {caseE} from './cases/e-rebuild.js'
import {writeCorpus} from './corpus.js'
import {type Bench, log, rel, root, scratch} from './support/bench.js'
import type {BenchCase, CaseResult} from './support/case.js'
import {findPeers} from './support/peers.js'
import {compileSnapshot, machine} from './support/process.js'
import {secs} from './support/stats.js'
import {collectTargets} from './support/table.js'

const allCases: BenchCase[] = [caseA, caseB, caseC, caseD, caseE]

const options = {
  articles: {type: 'string'},
  runs: {type: 'string'},
  'batch-runs': {type: 'string'},
  quick: {type: 'boolean', default: false},
  'no-peers': {type: 'boolean', default: false},
  'no-install': {type: 'boolean', default: false},
  baseline: {type: 'string'},
  cases: {type: 'string', default: 'a,b,c,d,e'},
  edits: {type: 'string'},
  'book-edits': {type: 'string'},
  help: {type: 'boolean', short: 'h', default: false}
} as const
type Flags = ReturnType<typeof parseArgs<{options: typeof options}>>['values']

function usage(): string {
  return (
    'Usage: npm run bench -- [--articles N] [--runs N] [--batch-runs N] [--quick] [--no-peers] [--no-install] [--cases LIST]\n' +
    '  --articles N    articles in the generated corpus (default 200; --quick 20)\n' +
    '  --runs N        runs of each sample-article command (default 5; --quick 3)\n' +
    '  --batch-runs N  runs of each whole-corpus command (default 3; --quick 1)\n' +
    '  --no-peers      skip md-to-pdf, Vivliostyle and pandoc\n' +
    '  --no-install    do not install missing peers (npm into bench/scratch/peers, apt for pandoc)\n' +
    '  --baseline DIR  also run DIR/bin/handout.js (a compiled copy laid out like bench/scratch/compiled,\n' +
    "                  with DIR/templates when its code needs other templates than this tree's;\n" +
    '                  e.g. of another commit) in (a), start-up, (b), (c) and (d iii): before/after in the same run\n' +
    '  --cases LIST    which cases to run (default a,b,c,d,e); a partial run writes results/<date>-<cases>.md\n' +
    '  --edits N       (d) edits of the sample article in watch mode (default 20; --quick 5)\n' +
    '  --book-edits N  (d) edits of one article of the N-article book in watch mode (default 5; --quick 2)\n' +
    '\nCases (bench/cases/):\n' +
    allCases.map((entry) => `  ${entry.id}  ${entry.summary}\n`).join('')
  )
}

const positive = (value: string | undefined, fallback: number) => {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new Error(`Expected a whole number ≥ 1, not \`${value}\``)
  return n
}

/** The cases `--cases` names, in their order. */
function chooseCases(list: string): BenchCase[] {
  const names = new Set(list.split(',').map((name) => name.trim().toLowerCase()))
  for (const name of names) if (!allCases.some((entry) => entry.id === name)) throw new Error(`Unknown case \`${name}\`: use ${allCases.map((entry) => entry.id).join(', ')}`)
  return allCases.filter((entry) => names.has(entry.id))
}

/** The run's settings, the compiled snapshot and the corpus. */
async function setUp(flags: Flags): Promise<Bench> {
  const started = new Date()
  const baseline = flags.baseline === undefined ? undefined : path.resolve(flags.baseline, 'bin', 'handout.js')
  if (baseline && !fs.existsSync(baseline)) throw new Error(`No \`${baseline}\`: --baseline takes a folder with bin/handout.js and lib/`)
  const settings = {
    articles: positive(flags.articles, flags.quick ? 20 : 200),
    runs: positive(flags.runs, flags.quick ? 3 : 5),
    batchRuns: positive(flags['batch-runs'], flags.quick ? 1 : 3),
    edits: positive(flags.edits, flags.quick ? 5 : 20),
    bookEdits: positive(flags['book-edits'], flags.quick ? 2 : 5)
  }
  log(`handout-press benchmark: ${settings.articles} articles, ${settings.runs} runs per sample command, ${settings.batchRuns} per batch command`)
  fs.mkdirSync(scratch, {recursive: true})
  const notes: string[] = []
  const bin = compileSnapshot(notes)
  const corpus = await writeCorpus({dir: path.join(scratch, 'corpus'), articles: settings.articles})
  log(`Corpus: ${corpus.files.length} articles, ${corpus.words} words, in ${rel(corpus.dir)}`)
  const chromium = process.env.HANDOUT_BROWSER || '/usr/bin/chromium'
  const isRoot = process.getuid?.() === 0
  return {started, ...settings, peers: !flags['no-peers'], install: !flags['no-install'], chromium, isRoot, bin, baseline, corpus, notes}
}

/** The report's head: how it was run, the machine, how to read the tables. */
function head(bench: Bench): string[] {
  const argv = process.argv.slice(2)
  return [
    `# Benchmark ${bench.started.toISOString().slice(0, 10)}`,
    '',
    `Run at ${bench.started.toISOString()} by \`npm run bench${argv.length ? ' -- ' + argv.join(' ') : ''}\`; ${bench.articles} generated articles (seed 6, ${bench.corpus.words} words), ${bench.runs} runs per sample command, ${bench.batchRuns} per batch command, interleaved.`,
    '',
    '## Machine',
    '',
    ...machine(bench.chromium, loadAtStart),
    '',
    '## How to read',
    '',
    "- Wall: process start to exit, as a user waits for it. Ratio: this row's median over the first row of its table.",
    `- Phases, in ms (medians, from \`--timings\`): startup = process start to \`main\` (Node + imports); launch = browser start, in parallel with parse; the rest are summed over sources and formats, which run concurrently (print includes waiting for a free page of the pool), so they can add up to more than the wall time.`,
    '- The floor (bench/floor.ts) launches the same Chromium with the same flags and prints our own print HTML, one page after another in one warm browser: no Markdown, metadata, cover or EPUB.',
    ''
  ]
}

/**
 * Issue 13's targets: every verdict line (`(target …: met)` / `not met`) of
 * the cases that ran, by case, with the load average at the end of the run.
 */
function targetsSection(cases: BenchCase[], results: CaseResult[]): string[] {
  const {lines, met, total} = collectTargets(cases.map((entry, i) => ({id: entry.id, lines: results[i]!.lines})))
  const skipped = allCases.filter((entry) => !cases.includes(entry)).map((entry) => entry.id)
  const load = os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(', ')
  return [
    '## Targets (issue 13)',
    '',
    ...lines,
    '',
    `${met} of ${total} targets met${skipped.length > 0 ? `; cases not run: ${skipped.join(', ')}` : ''}. Load average at the end of the run: ${load}.`,
    ''
  ]
}

/** Notes, then every command that failed. */
function notesSection(bench: Bench, results: CaseResult[]): string[] {
  const failures = results.flatMap((result) => result.failures)
  const section = bench.notes.length > 0 || failures.length > 0 ? ['## Notes', '', ...bench.notes.map((note) => `- ${note}`)] : []
  if (bench.notes.length > 0) section.push('')
  for (const entry of failures) section.push(`- ${entry.label} failed and is skipped: ${entry.failed}`)
  return section
}

/** The load average when the run began (the report's head is written at the end). */
const loadAtStart = os.loadavg()

async function main(): Promise<void> {
  const {values: flags} = parseArgs({options})
  if (flags.help) {
    process.stdout.write(usage())
    return
  }
  const cases = chooseCases(flags.cases)
  const bench = await setUp(flags)
  // Peers are in (a) and (b) only.
  const peers = cases.some((entry) => entry.id === 'a' || entry.id === 'b') ? findPeers(bench) : {}
  const results: CaseResult[] = []
  for (const entry of cases) {
    // A case that throws says so in its place; the other cases' sections are still written.
    try {
      results.push(await entry.run(bench, peers))
    } catch (error) {
      log(`(${entry.id}) failed: ${(error as Error).stack ?? error}`)
      results.push({lines: [`## (${entry.id})`, '', `(${entry.id}) failed: ${(error as Error).message}`, ''], failures: []})
    }
  }
  const report = [...head(bench), ...targetsSection(cases, results), ...results.flatMap((result) => result.lines), ...notesSection(bench, results)].join('\n') + '\n'
  const resultsDir = path.join(root, 'bench', 'results')
  fs.mkdirSync(resultsDir, {recursive: true})
  const partial = cases.length === allCases.length ? '' : `-${cases.map((entry) => entry.id).join('')}`
  const target = path.join(resultsDir, `${bench.started.toISOString().slice(0, 10)}${partial}.md`)
  fs.writeFileSync(target, report)
  process.stdout.write(report)
  log(`\nWritten to ${rel(target)} in ${secs(Date.now() - bench.started.getTime())}.`)
}

await main()
