/**
 * The bench's report (bench/support/table.ts, bench/cases/e-rebuild.ts): the
 * target lines and their verdicts, the Targets section that collects them,
 * and reading back which outputs the CLI reported `unchanged` (from the
 * CLI's own progress lines, so a change of their wording breaks this test
 * rather than silently the bench's check).
 */
import {VFile} from 'vfile'
import {describe, expect, it} from 'vitest'
import {reported} from '../bench/cases/e-rebuild.js'
import {collectTargets, timeTarget, verdict} from '../bench/support/table.js'
import {runCase, tool} from '../bench/support/tool.js'
import {bookLine, progressLine, type Reporter} from '../scripts/cli/report.js'

describe('target lines', () => {
  it('say met only when the time is within the target', () => {
    expect(timeTarget('(d i) Watch, the sample alone', 310, 250)).toBe('- (d i) Watch, the sample alone: **0.31 s** (target ≤ 0.25 s: not met)')
    expect(timeTarget('(d iii) Watch, the book', 1900, 2000)).toBe('- (d iii) Watch, the book: **1.90 s** (target ≤ 2 s: met)')
    expect(timeTarget('x', 250, 250)).toMatch(/: met\)$/)
  })

  it('are collected by case, with how many are met', () => {
    const sections = [
      {id: 'a', lines: ['| table | row |', '- Ours PDF+EPUB / floor (3.00 s / 2.00 s): **1.50×** (target ≤ 1.1×: not met)', '- Ours / md-to-pdf: **1.20×**']},
      {id: 'b', lines: ['- no target here']},
      {id: 'e', lines: ['- 98 outputs: 0 rewrites (target: none rewritten, all reported unchanged: met)']},
      {id: 'c', lines: ['- Peak memory of the 200-article book, highest of its runs: 900 MiB (target < 1.5 GB = 1431 MiB: met)']},
      {id: 'd', lines: [timeTarget('(d i) Watch, the sample alone', 200, 250), 'prose', timeTarget('(d iii) Watch, the book', 15_000, 2000)]}
    ]
    const {lines, met, total} = collectTargets(sections)
    expect(lines).toEqual([
      '- (a) Ours PDF+EPUB / floor (3.00 s / 2.00 s): **1.50×** (target ≤ 1.1×: not met)',
      '- (b) no target measured (see its section)',
      '- (e) 98 outputs: 0 rewrites (target: none rewritten, all reported unchanged: met)',
      '- (c) Peak memory of the 200-article book, highest of its runs: 900 MiB (target < 1.5 GB = 1431 MiB: met)',
      '- (d i) Watch, the sample alone: **0.20 s** (target ≤ 0.25 s: met)',
      '- (d iii) Watch, the book: **15.0 s** (target ≤ 2 s: not met)'
    ])
    expect({met, total}).toEqual({met: 3, total: 5})
    expect(verdict.test('- Ours / md-to-pdf: **1.20×**')).toBe(false)
  })
})

describe('outputs reported unchanged', () => {
  it('are read back from the CLI progress lines of a source and of a book', () => {
    const lines: string[] = []
    const reporter: Reporter = {write: (text) => lines.push(text), cwd: '/p'}
    const source = {
      file: new VFile({path: '/p/content/article-002.md'}),
      name: 'article-002',
      outputs: [
        {format: 'pdf' as const, path: '/p/out/article-002.pdf', bytes: 40_000, pages: 2, unchanged: true},
        {format: 'epub' as const, path: '/p/out/article-002.epub', bytes: 60_000}
      ],
      failed: false,
      partOf: [],
      ms: 3
    }
    const book = {
      name: 'bench-book',
      file: new VFile({path: '/p/handout.config.yaml'}),
      outputs: [
        {format: 'pdf' as const, path: '/p/out/bench-book.pdf', bytes: 900_000, pages: 40, unchanged: true},
        {format: 'epub' as const, path: '/p/out/bench-book.epub', bytes: 700_000, unchanged: true}
      ],
      failed: false,
      articles: 20,
      articleFiles: [],
      ms: 5
    }
    const log = progressLine(reporter, source, 2, 21) + bookLine(reporter, book) + 'Done in 2.37 s: 1 output written, 3 unchanged.\n'
    expect(Object.fromEntries(reported(log))).toEqual({
      'out/article-002.pdf': true,
      'out/article-002.epub': false,
      'out/bench-book.pdf': true,
      'out/bench-book.epub': true
    })
  })
})

describe('interleaved runs', () => {
  it('run the tools forwards, then backwards, so that none always runs first', async () => {
    const order: string[] = []
    const tools = ['A', 'B', 'C'].map((label) => tool(label, () => ({command: process.execPath, args: ['-e', '0'], after: () => order.push(label)})))
    await runCase('order', tools, 3)
    expect(order.join(' ')).toBe('A B C C B A A B C')
    expect(tools.map((entry) => entry.measures.length)).toEqual([3, 3, 3])
  })
})
