/**
 * (e) `build` (not watch) again after editing 1 of the `--articles` articles
 * of a book project (every article's handout and the book), with the build
 * cache warm, against issue 13's target: at most 1.5× the time of that one
 * article's handout alone plus the book alone (each built without the cache,
 * as the tool builds them). Checks that the other articles' outputs were
 * neither rewritten (same mtime) nor reported other than `unchanged`; and
 * times a `build` in which nothing changed.
 */
import fs from 'node:fs'
import path from 'node:path'
import {type Bench, log, node, outDir, root, scratch, writeProject} from '../support/bench.js'
import type {BenchCase} from '../support/case.js'
import {measure} from '../support/measure.js'
import {run} from '../support/process.js'
import {secs} from '../support/stats.js'
import {header, row} from '../support/table.js'
import {runCase, type Tool, tool, wall} from '../support/tool.js'

/** Issue 13: the edited build over (the article's handout + the book). */
const target = 1.5

const bookConfig = (articles: number, outputs: string) => [
  'publications:',
  '  - name: bench-book',
  `    title: Bench corpus, ${articles} articles`,
  '    publisher: Bench Institute',
  '    sources: content/*.md',
  '    sort: name',
  `    outputs: [${outputs}]`
]

/** `out/x.pdf (2 pages, 80 KB, unchanged)` in the CLI's log → each output path (relative to the project) and whether it was reported unchanged. */
export function reported(stderr: string): Map<string, boolean> {
  const found = new Map<string, boolean>()
  for (const match of stderr.matchAll(/(\S+\.(?:pdf|epub)) \(([^)]*)\)/g)) found.set(match[1]!, /(?:^|, )unchanged$/.test(match[2]!))
  return found
}

/** mtimes of `files`. */
const mtimes = (files: string[]) => files.map((file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0))

/** What the runs of one command found out about the outputs that should not have changed. */
interface Check {
  runs: number
  /** Outputs rewritten (mtime changed), summed over the runs. */
  rewritten: number
  /** Outputs not reported `unchanged` (or not reported at all), summed over the runs. */
  notReported: number
  /** Outputs written, from the log, per run. */
  written: number[]
  checked: number
}

const newCheck = (checked: number): Check => ({runs: 0, rewritten: 0, notReported: 0, written: [], checked})

/** After a run: the `files` (absolute) and their mtimes before it. */
function check(result: Check, project: string, files: string[], before: number[], stderr: string): void {
  const after = mtimes(files)
  const log = reported(stderr)
  result.runs++
  result.rewritten += after.filter((mtime, i) => mtime !== before[i]).length
  result.notReported += files.filter((file) => log.get(path.relative(project, file)) !== true).length
  result.written.push([...log.values()].filter((unchanged) => !unchanged).length)
}

export const caseE: BenchCase = {
  id: 'e',
  summary: 'build again after editing 1 of --articles articles of a book project, cache warm, against the article alone + the book alone; a build with nothing changed',
  async run(bench) {
    const {articles, bin, corpus} = bench
    const title = [`## (e) Rebuild after editing 1 of ${articles} articles (\`build\`, build cache warm)`, '']
    if (!/--no-cache/.test(run(node, [bin, '--help']).out)) return {lines: [...title, '(e) rebuild: not available yet (no build cache in the CLI).', ''], failures: []}
    log(`\n(e) rebuild after editing 1 of ${articles} articles`)
    const templates = ['--templates', path.join(root, 'templates')]
    // The project built again and again: every article's handout and the book.
    const project = path.join(scratch, `rebuild-${articles}`)
    writeProject(project, corpus.files, bookConfig(articles, 'handouts, book'))
    // The reference: the same articles, a config that makes the book only.
    const reference = path.join(scratch, `rebuild-ref-${articles}`)
    writeProject(reference, corpus.files, bookConfig(articles, 'book'))
    const name = path.basename(corpus.files[0]!, '.md')
    const edited = path.join(project, 'content', `${name}.md`)
    const out = path.join(project, 'out')
    const others = corpus.files.slice(1).flatMap((file) => ['pdf', 'epub'].map((ext) => path.join(out, `${path.basename(file, '.md')}.${ext}`)))
    const everything = [...others, ...['pdf', 'epub'].flatMap((ext) => [path.join(out, `${name}.${ext}`), path.join(out, `bench-book.${ext}`)])]

    // The first build fills the cache (timed once, for scale).
    log('  (e) first build, cache empty')
    const buildArgs = (timings: string) => [bin, 'build', ...templates, '--out', out, '--timings', timings]
    const first = tool(`ours: first build, cache empty (${articles} handouts + book)`, () => ({command: node, args: []}))
    const firstRun = await measure(node, buildArgs(path.join(project, 'timings-first.json')), {cwd: project})
    if (firstRun.code !== 0) {
      first.failed = `exit ${firstRun.code}: ${firstRun.stderr.trim().split('\n').slice(-2).join(' / ').slice(0, 300)}`
      return {lines: [...title, `(e) the first build failed: ${first.failed}`, ''], failures: [first]}
    }
    first.measures.push(firstRun)
    first.timings.push(JSON.parse(fs.readFileSync(path.join(project, 'timings-first.json'), 'utf8')))

    const editCheck = newCheck(others.length)
    const noneCheck = newCheck(everything.length)
    const edit = tool(`ours: build after editing 1 of ${articles} (cache warm)`, (n) => {
      fs.appendFileSync(edited, `\nEdit number ${n + 1} for the benchmark.\n`)
      const before = mtimes(others)
      const timings = path.join(project, 'timings-edit.json')
      return {command: node, args: buildArgs(timings), cwd: project, timings, after: (result) => check(editCheck, project, others, before, result.stderr)}
    })
    const none = tool('ours: build with nothing changed (cache warm)', () => {
      const before = mtimes(everything)
      const timings = path.join(project, 'timings-none.json')
      return {command: node, args: buildArgs(timings), cwd: project, timings, after: (result) => check(noneCheck, project, everything, before, result.stderr)}
    })
    const handout = tool(`reference: ${name}.md's handout alone (--no-cache)`, (n) => {
      const dir = outDir('e-handout', n)
      const timings = path.join(dir, 'timings.json')
      return {command: node, args: [bin, 'build', `content/${name}.md`, ...templates, '--out', dir, '--timings', timings, '--no-cache'], cwd: reference, timings}
    })
    const book = tool(`reference: the ${articles}-article book alone (--no-cache)`, (n) => {
      const dir = outDir('e-book', n)
      const timings = path.join(dir, 'timings.json')
      return {command: node, args: [bin, 'build', '--publication', 'bench-book', ...templates, '--out', dir, '--timings', timings, '--no-cache'], cwd: reference, timings}
    })
    const tools = [edit, none, handout, book]
    await runCase('(e)', tools, bench.batchRuns)
    return {lines: [...title, ...report(bench, first, tools, editCheck, noneCheck)], failures: tools.filter((entry) => entry.failed)}
  }
}

function report(bench: Bench, first: Tool, [edit, none, handout, book]: Tool[], editCheck: Check, noneCheck: Check): string[] {
  const {articles} = bench
  const ok = (entry: Tool) => !entry.failed && entry.measures.length > 0
  const lines = [header, ...[first, edit!, none!, handout!, book!].map((entry) => row(entry, first)), '']
  if (ok(edit!) && ok(handout!) && ok(book!)) {
    const reference = wall(handout!) + wall(book!)
    const value = wall(edit!) / reference
    lines.push(
      `- Build after editing 1 of ${articles} articles, cache warm / (that article's handout alone + the book alone, both \`--no-cache\`) (${secs(wall(edit!))} / (${secs(wall(handout!))} + ${secs(wall(book!))})): **${value.toFixed(2)}×** (target ≤ ${target}×: ${value <= target ? 'met' : 'not met'})`
    )
  }
  if (editCheck.runs > 0) {
    const good = editCheck.rewritten === 0 && editCheck.notReported === 0
    lines.push(
      `- The other ${articles - 1} articles' ${editCheck.checked} outputs, over ${editCheck.runs} edited build${editCheck.runs === 1 ? '' : 's'}: ${editCheck.rewritten} rewrites (mtime changed), ${editCheck.notReported} not reported \`unchanged\`; outputs written per build: ${[...new Set(editCheck.written)].join(', ')} (target: none rewritten, all reported unchanged: ${good ? 'met' : 'not met'})`
    )
  }
  if (ok(none!) && noneCheck.runs > 0)
    lines.push(
      `- Build with nothing changed: **${secs(wall(none!))}** median; all ${noneCheck.checked} outputs (handouts and book), over ${noneCheck.runs} build${noneCheck.runs === 1 ? '' : 's'}: ${noneCheck.rewritten} rewrites, ${noneCheck.notReported} not reported \`unchanged\`, outputs written per build: ${[...new Set(noneCheck.written)].join(', ')}.`
    )
  lines.push(
    '',
    `The project (\`bench/scratch/rebuild-${articles}\`) builds every article's handout (PDF + EPUB) and the book (PDF + EPUB); the first build fills its build cache, then each "edited" run appends a sentence to \`${path.basename(bench.corpus.files[0]!)}\` (the first article of the book) and runs \`build\` again. The references run in a second project whose config makes the book only, with \`--no-cache\`, into fresh folders: the edited article's handout (\`build content/<it>.md\`), and the book (\`build --publication bench-book\`: it parses every article, as the tool does for a book). Ratio column: over the first build.`,
    ''
  )
  return lines
}
