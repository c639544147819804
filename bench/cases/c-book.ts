/**
 * (c) The same articles as one compiled book (`build --publication`, via a
 * generated `handout.config.yaml`) at a quarter, half and the full count, to
 * show how the cost grows; beside the floor printing the full book's HTML
 * (the pipeline's final pass) once, with its stylesheet and cover.
 */
import fs from 'node:fs'
import path from 'node:path'
import {type Bench, log, node, outDir, scratch, templatesOf, writeProject} from '../support/bench.js'
import type {BenchCase} from '../support/case.js'
import {floor, floorPages} from '../support/ours.js'
import {run} from '../support/process.js'
import {mib} from '../support/stats.js'
import {header, lines, ratioToFloor, row} from '../support/table.js'
import {runCase, type Tool, tool, wall} from '../support/tool.js'

const bookConfig = (size: number) => [
  'publications:',
  '  - name: bench-book',
  `    title: Bench corpus, ${size} articles`,
  '    publisher: Bench Institute',
  '    sources: content/*.md',
  '    sort: name',
  '    outputs: [book]'
]

/**
 * The book of the first `size` articles: a project of its own; templates are the repository's
 * (a `--baseline` copy's own when it has them).
 */
function bookTool(bench: Bench, size: number, project: string, baseline?: string): Tool {
  writeProject(project, bench.corpus.files.slice(0, size), bookConfig(size))
  const templates = templatesOf(baseline)
  return tool(`${baseline ? 'baseline' : 'ours'}: book of ${size} articles (PDF+EPUB)`, (n) => {
    const dir = outDir(`${baseline ? 'baseline-' : ''}book-${size}`, n)
    const timings = path.join(dir, 'timings.json')
    // Every run cold: no cached covers, parses or outputs from the run before.
    fs.rmSync(path.join(project, '.cache'), {recursive: true, force: true})
    const args = [baseline ?? bench.bin, 'build', '--publication', 'bench-book', '--templates', templates, '--out', dir, '--timings', timings]
    return {command: node, args, cwd: project, timings}
  })
}

function report(bench: Bench, sizes: number[], books: Tool[], bookFloor: Tool | undefined, baseline: Tool | undefined): string[] {
  const {articles} = bench
  const full = books[books.length - 1]
  const peak = full && full.measures.length > 0 ? Math.max(...full.measures.map((m) => m.treeKb)) : undefined
  return [
    '## (c) The compiled book',
    '',
    ...(books.length > 0 ? [header, ...[...books, ...(baseline ? [baseline] : []), ...(bookFloor ? [bookFloor] : [])].map((entry) => row(entry, full)), ''] : []),
    ...(books.length > 1 && books.every((entry) => entry.measures.length > 0)
      ? [`- Time per article: ${books.map((entry, i) => `${sizes[i]} → ${Math.round(wall(entry) / sizes[i]!)} ms`).join(', ')} (flat means linear growth).`]
      : []),
    ...(bookFloor && full ? lines([ratioToFloor(full, bookFloor, `Ours ${articles}-article book, PDF+EPUB / floor printing its HTML once (print only)`, 1.2, true)]) : []),
    ...(bookFloor && baseline ? lines([ratioToFloor(baseline, bookFloor, `Baseline ${articles}-article book, PDF+EPUB / the same floor (print only)`, 1.2, true)]) : []),
    ...(peak !== undefined ? [`- Peak memory of the ${articles}-article book, highest of its runs: ${mib(peak)} (target < 1.5 GB = 1431 MiB: ${peak * 1024 < 1.5e9 ? 'met' : 'not met'})`] : []),
    '',
    `One process per book (\`build --publication\`), ${sizes.join(' / ')} articles: parse is summed over the articles (two at a time); print is summed over the runs of the body (12 articles each, printed side by side, so it includes waiting for a page of the pool), the folios and the front matter (cover, title, contents with the runs' page numbers); package is reading page numbers back, putting the runs, folios and front matter together, PDF metadata, the cover and the EPUB. The floor prints the whole book's HTML (front matter and body) once as one document, with the final pass's options, in a browser already started.`,
    ''
  ]
}

export const caseC: BenchCase = {
  id: 'c',
  summary: 'the articles as one book (build --publication) at 1/4, 1/2 and all of --articles; floor printing the book HTML once',
  async run(bench) {
    const {articles} = bench
    if (!/--publication/.test(run(node, [bench.bin, '--help']).out))
      return {lines: ['## (c) The compiled book', '', '(c) compiled book: not available yet (no `--publication` in the CLI).', ''], failures: []}
    log('\n(c) compiled book')
    const sizes = [...new Set([Math.max(1, Math.round(articles / 4)), Math.max(1, Math.round(articles / 2)), articles])]
    const books = sizes.map((size) => bookTool(bench, size, path.join(scratch, `book-${size}`)))
    // The floor: Chromium printing the full book's HTML once, in a warm browser.
    const html = await floorPages({root: path.join(scratch, `book-${articles}`), publication: 'bench-book', formats: ['pdf']}, path.join(scratch, 'html', `book-${articles}`))
    const bookFloor = floor(bench, `floor: the ${articles}-article book printed once in a warm browser`, html)
    // `--baseline`: its book of the full count, in the same interleaved runs.
    const baseline = bench.baseline ? bookTool(bench, articles, path.join(scratch, `baseline-book-${articles}`), bench.baseline) : undefined
    await runCase('(c)', [...books, ...(baseline ? [baseline] : []), bookFloor], bench.batchRuns)
    return {lines: report(bench, sizes, books, bookFloor, baseline), failures: books.filter((entry) => entry.failed)}
  }
}
