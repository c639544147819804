/**
 * (d) Edit-to-output in `handout watch`, against issue 13's targets:
 * (i) a copy of the sample alone: append a sentence, time until both its PDF
 * and EPUB are replaced; (ii) the sample in a copy of the repository's own
 * project, where it belongs to a 3-article book: until its own PDF and EPUB
 * are replaced (a handout never waits for a book), and apart until the book's;
 * (iii) one article of the `--articles` book: its handout and the book's PDF
 * and EPUB.
 */
import fs from 'node:fs'
import path from 'node:path'
import {type Bench, inTurn, log, node, rel, root, sample, scratch, templatesOf, writeProject} from '../support/bench.js'
import type {BenchCase} from '../support/case.js'
import {run} from '../support/process.js'
import {median, secs} from '../support/stats.js'
import {timeTarget} from '../support/table.js'
import {type EditSpec, editTimes, editToOutput, startWatch, type WatchSession} from '../support/watch.js'

/** Targets of issue 13, in ms (medians of the edits). */
const sampleTarget = 250
const bookTarget = 2000

/** The sample article alone: edit times, and the split of a rebuild from `watch --timings`. */
async function sampleWatch(bench: Bench): Promise<{times: number[]; split: string}> {
  const dir = path.join(scratch, 'watch')
  fs.rmSync(dir, {recursive: true, force: true})
  fs.mkdirSync(path.join(dir, 'content'), {recursive: true})
  const source = path.join(dir, 'content', 'is-k-resurgence.md')
  fs.copyFileSync(sample, source)
  const outDir = path.join(dir, 'out')
  const outputs = ['pdf', 'epub'].map((ext) => path.join(outDir, `is-k-resurgence.${ext}`))
  const timingsFile = path.join(dir, 'timings.jsonl')
  const args = [rel(source), '--out', outDir, '--timings', timingsFile]
  const times = await editToOutput({bin: bench.bin, cwd: root, args, source, outputs, count: bench.edits, initialLimit: 900_000})
  // One line per rebuild; the first is the initial build.
  const rebuilds = fs
    .readFileSync(timingsFile, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => JSON.parse(line) as Record<string, number>)
  const split = ['parse', 'render', 'print', 'package', 'write', 'total'].map((phase) => `${phase} ${Math.round(median(rebuilds.map((line) => line[phase] ?? 0)))} ms`).join(', ')
  return {times, split}
}

/**
 * The sample inside a copy of the repository's own project (its `content/` and
 * `handout.config.yaml`), where it belongs to a book: edit it, time until its
 * own PDF and EPUB are replaced, and until the book's are.
 */
async function projectWatch(bench: Bench): Promise<{times: number[]; book: number[]; name: string; articles: number}> {
  const project = path.join(scratch, 'watch-project')
  fs.rmSync(project, {recursive: true, force: true})
  fs.cpSync(path.join(root, 'content'), path.join(project, 'content'), {recursive: true})
  const config = fs.readFileSync(path.join(root, 'handout.config.yaml'), 'utf8')
  fs.writeFileSync(path.join(project, 'handout.config.yaml'), config)
  // The first publication's name names its book's files.
  const name = /^\s*-\s*name:\s*(\S+)/m.exec(config)?.[1]
  if (!name) throw new Error('no publication in handout.config.yaml')
  const articles = fs.readdirSync(path.join(project, 'content')).filter((file) => file.endsWith('.md')).length
  const source = path.join(project, 'content', 'is-k-resurgence.md')
  const outDir = path.join(project, 'out')
  const own = ['pdf', 'epub'].map((ext) => path.join(outDir, `is-k-resurgence.${ext}`))
  const book = ['pdf', 'epub'].map((ext) => path.join(outDir, `${name}.${ext}`))
  const args = ['--templates', path.join(root, 'templates'), '--out', outDir]
  const times = await editTimes({bin: bench.bin, cwd: project, args, source, outputs: own, later: book, count: bench.edits, initialLimit: 900_000})
  return {times: times.times, book: times.later, name, articles}
}

/** One article of the N-article book in `project`, watched by ours or by `baseline`: what to edit and wait for, and the other outputs' times. */
function bookProject(bench: Bench, project: string, baseline?: string): {spec: EditSpec; others: () => number[]} {
  const {articles, corpus} = bench
  writeProject(project, corpus.files, [
    'publications:',
    '  - name: bench-book',
    `    title: Bench corpus, ${articles} articles`,
    '    publisher: Bench Institute',
    '    sources: content/*.md',
    '    sort: name'
  ])
  const edited = path.join(project, 'content', path.basename(corpus.files[0]!))
  const name = path.basename(edited, '.md')
  const bookOut = path.join(project, 'out')
  const own = [`${name}.pdf`, `${name}.epub`].map((file) => path.join(bookOut, file))
  const book = ['bench-book.pdf', 'bench-book.epub'].map((file) => path.join(bookOut, file))
  const outputs = [...own, ...book]
  const others = () =>
    fs
      .readdirSync(bookOut)
      .filter((file) => !outputs.includes(path.join(bookOut, file)))
      .map((file) => fs.statSync(path.join(bookOut, file)).mtimeMs)
  const args = ['--templates', templatesOf(baseline), '--out', bookOut]
  return {spec: {bin: baseline ?? bench.bin, cwd: project, args, source: edited, outputs: own, later: book, count: bench.bookEdits, initialLimit: 900_000}, others}
}

/**
 * One article of the N-article book: its handout and the book's PDF and EPUB,
 * nothing else. With `--baseline`, the baseline watches a copy of the project
 * at the same time and the edits alternate (ours first, then the baseline
 * first: ABBA), so that both see the same moments of a shared machine.
 */
async function bookWatch(bench: Bench): Promise<{handout: number[]; all: number[]; untouched: string; baseline?: number[]}> {
  const ours = bookProject(bench, path.join(scratch, `watch-book-${bench.articles}`))
  const base = bench.baseline ? bookProject(bench, path.join(scratch, `baseline-watch-book-${bench.articles}`), bench.baseline) : undefined
  let before: number[] = []
  const session = await startWatch({...ours.spec, onReady: () => (before = ours.others())})
  let baseSession: WatchSession | undefined
  try {
    baseSession = base ? await startWatch(base.spec) : undefined
    for (let n = 0; n < bench.bookEdits; n++) {
      for (const each of inTurn(baseSession ? [session, baseSession] : [session], n)) await each.edit(n)
    }
  } finally {
    await Promise.all([session.stop(), baseSession?.stop()])
  }
  const after = ours.others()
  const changed = after.filter((mtime, index) => mtime !== before[index]).length
  // Until all four are replaced: the later of the handout's and the book's times of each edit.
  const untilAll = (times: {times: number[]; later: number[]}) => times.times.map((ms, i) => Math.max(ms, times.later[i]!))
  return {
    handout: session.times,
    all: untilAll(session),
    untouched: `${after.length - changed} of the other ${after.length} outputs were left untouched by the ${bench.bookEdits} edits`,
    ...(baseSession ? {baseline: untilAll(baseSession)} : {})
  }
}

const range = (times: number[]) => `median **${secs(median(times))}** (${secs(Math.min(...times))}–${secs(Math.max(...times))}) over ${times.length} edits`
const failed = (part: string, error: unknown) => [`(d ${part}) failed: ${(error as Error).message}`, '']

/** Each part in turn; a part that fails says so and the others still run. */
async function measureWatch(bench: Bench): Promise<string[]> {
  const section: string[] = []
  try {
    const single = await sampleWatch(bench)
    section.push(
      `(i) Sample article alone in \`handout watch\`, append a sentence, wait until both the PDF and the EPUB are replaced: ${range(single.times)} (includes the watcher's debounce). Split of a rebuild (medians, from \`watch --timings\`; print and package of PDF and EPUB overlap, so they add up to more than the total): ${single.split}.`,
      '',
      timeTarget('(d i) Watch, the sample alone: edit → its PDF and EPUB replaced, median', median(single.times), sampleTarget),
      ''
    )
  } catch (error) {
    section.push(...failed('i', error))
  }
  try {
    log('  (d ii) the sample in a copy of the repository project')
    const inBook = await projectWatch(bench)
    section.push(
      `(ii) The sample in a copy of the repository's own project (\`content/\`, ${inBook.articles} articles, and \`handout.config.yaml\`: it belongs to the book \`${inBook.name}\`), \`handout watch\` with no paths, append a sentence to \`is-k-resurgence.md\`: until its own PDF and EPUB are replaced ${range(inBook.times)}; until the book's PDF and EPUB are replaced ${range(inBook.book)} (each edit waits for the book before the next).`,
      '',
      timeTarget('(d ii) Watch, the sample in its 3-article book project: edit → its own PDF and EPUB replaced, median', median(inBook.times), sampleTarget),
      ''
    )
  } catch (error) {
    section.push(...failed('ii', error))
  }
  try {
    log(`  (d iii) one article of the ${bench.articles}-article book`)
    const book = await bookWatch(bench)
    section.push(
      `(iii) ${bench.articles}-article book in \`handout watch\` (config with one publication), append a sentence to one article, wait until that article's PDF and EPUB and the book's PDF and EPUB are replaced: ${range(book.all)} (its own PDF and EPUB alone: ${range(book.handout)}); ${book.untouched}.`,
      '',
      timeTarget(`(d iii) Watch, one article of the ${bench.articles}-article book: edit → its handout and the book's PDF and EPUB replaced, median`, median(book.all), bookTarget),
      ''
    )
    if (book.baseline) {
      // Paired by edit: ours and the baseline's n-th edits came one after the other.
      const differences = book.all.map((ms, i) => ms - book.baseline![i]!)
      const faster = differences.filter((ms) => ms < 0).length
      section.push(
        `Baseline (\`--baseline\`), watching a copy of the same project at the same time, the edits alternating: ${range(book.baseline)}. Ours minus the baseline, edit by edit: median **${secs(median(differences))}**; ours faster in ${faster} of ${differences.length}.`,
        ''
      )
    }
  } catch (error) {
    section.push(...failed('iii', error))
  }
  return section
}

export const caseD: BenchCase = {
  id: 'd',
  summary: 'edit-to-output in handout watch: the sample alone and in its book project (--edits), one article of the book (--book-edits)',
  async run(bench) {
    log('\n(d) watch mode')
    const title = ['## (d) Edit-to-output in watch mode', '']
    if (!/\bwatch\b/.test(run(node, [bench.bin, '--help']).out)) return {lines: [...title, '(d) watch mode: not available yet (no `watch` command).', ''], failures: []}
    return {lines: [...title, ...(await measureWatch(bench))], failures: []}
  }
}
