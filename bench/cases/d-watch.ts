/**
 * (d) Edit-to-output in `handout watch`: append a sentence to a copy of the
 * sample and time until both its PDF and EPUB are replaced; then the same for
 * one article of the `--articles` book (its handout and the book's outputs).
 */
import fs from 'node:fs'
import path from 'node:path'
import {type Bench, log, node, rel, root, sample, scratch, writeProject} from '../support/bench.js'
import type {BenchCase} from '../support/case.js'
import {run} from '../support/process.js'
import {median, secs} from '../support/stats.js'
import {editToOutput} from '../support/watch.js'

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
  const times = await editToOutput({bin: bench.bin, cwd: root, args, source, outputs, count: bench.edits})
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

/** One article of the N-article book: its handout and the book's PDF and EPUB, nothing else. */
async function bookWatch(bench: Bench): Promise<{times: number[]; untouched: string}> {
  const {articles, corpus} = bench
  const project = path.join(scratch, `watch-book-${articles}`)
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
  const outputs = [`${name}.pdf`, `${name}.epub`, 'bench-book.pdf', 'bench-book.epub'].map((file) => path.join(bookOut, file))
  const others = () =>
    fs
      .readdirSync(bookOut)
      .filter((file) => !outputs.includes(path.join(bookOut, file)))
      .map((file) => fs.statSync(path.join(bookOut, file)).mtimeMs)
  let before: number[] = []
  const args = ['--templates', path.join(root, 'templates'), '--out', bookOut]
  const times = await editToOutput({bin: bench.bin, cwd: project, args, source: edited, outputs, count: bench.bookEdits, initialLimit: 900_000, onReady: () => (before = others())})
  const after = others()
  const changed = after.filter((mtime, index) => mtime !== before[index]).length
  return {times, untouched: `${after.length - changed} of the other ${after.length} outputs were left untouched by the ${bench.bookEdits} edits`}
}

const range = (times: number[]) => `median **${secs(median(times))}** (${secs(Math.min(...times))}–${secs(Math.max(...times))}) over ${times.length} edits`

/** The sample's paragraph and the book's; a part that fails says so, and the book is not tried. */
async function measureWatch(bench: Bench): Promise<string[]> {
  const failed = (error: unknown) => [`(d) watch mode failed: ${(error as Error).message}`, '']
  let single: Awaited<ReturnType<typeof sampleWatch>>
  try {
    single = await sampleWatch(bench)
  } catch (error) {
    return failed(error)
  }
  const sampleLines = [
    `Sample article in \`handout watch\`, append a sentence, wait until both the PDF and the EPUB are replaced: ${range(single.times)} (includes the watcher's debounce). Split of a rebuild (medians, from \`watch --timings\`; print and package of PDF and EPUB overlap, so they add up to more than the total): ${single.split}.`,
    ''
  ]
  try {
    const book = await bookWatch(bench)
    return [
      ...sampleLines,
      `${bench.articles}-article book in \`handout watch\` (config with one publication), append a sentence to one article, wait until that article's PDF and EPUB and the book's PDF and EPUB are replaced: ${range(book.times)}; ${book.untouched}.`,
      ''
    ]
  } catch (error) {
    return [...sampleLines, ...failed(error)]
  }
}

export const caseD: BenchCase = {
  id: 'd',
  summary: 'edit-to-output in handout watch: the sample (--edits), one article of the book (--book-edits)',
  async run(bench) {
    log('\n(d) watch mode')
    const title = ['## (d) Edit-to-output in watch mode', '']
    if (!/\bwatch\b/.test(run(node, [bench.bin, '--help']).out)) return {lines: [...title, '(d) watch mode: not available yet (no `watch` command).', ''], failures: []}
    return {lines: [...title, ...(await measureWatch(bench))], failures: []}
  }
}
