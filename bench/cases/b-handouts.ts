/**
 * (b) `--articles` separate handouts, PDF + EPUB each, in one process; beside
 * the floor printing the same pages in one warm browser, and the peers.
 */
import path from 'node:path'
import {log, rel, root, scratch} from '../support/bench.js'
import type {BenchCase} from '../support/case.js'
import {floor, floorPages, ours} from '../support/ours.js'
import {mdToPdf, pandocEpub} from '../support/peers.js'
import {header, lines, ratio, ratioToFloor, row} from '../support/table.js'
import {present, runCase} from '../support/tool.js'

export const caseB: BenchCase = {
  id: 'b',
  summary: '--articles separate handouts, PDF + EPUB each, one process; floor, md-to-pdf, pandoc',
  async run(bench, peers) {
    const {articles, bin, baseline, corpus} = bench
    log(`\n(b) ${articles} separate handouts`)
    const corpusArg = rel(corpus.dir)
    const html = await floorPages({root, inputs: [corpusArg], formats: ['pdf']}, path.join(scratch, 'html', 'corpus'))
    const b = {
      ours: ours(bench, `ours: bin, compiled (${articles} × PDF+EPUB)`, bin, [corpusArg]),
      baseline: baseline ? ours(bench, `baseline: bin, compiled (${articles} × PDF+EPUB)`, baseline, [corpusArg]) : undefined,
      floor: floor(bench, `floor: ${articles} pages in one warm browser`, html),
      mdToPdf: mdToPdf(bench, peers, `md-to-pdf (${articles} × PDF, ${Math.ceil(articles / 10)} processes of ≤ 10 files)`, corpus.files),
      pandoc: pandocEpub(peers, `pandoc (${articles} × EPUB 3, one process each)`, corpus.files)
    }
    await runCase('(b)', present(Object.values(b)), bench.batchRuns)
    const section = [
      `## (b) ${articles} separate handouts, PDF + EPUB each (bench/scratch/corpus)`,
      '',
      header,
      ...present(Object.values(b)).map((entry) => row(entry, b.ours)),
      '',
      ...lines([
        ratioToFloor(b.ours, b.floor, `Ours ${articles} × PDF+EPUB / floor printing the same ${articles} pages in one warm browser (print only)`, 1.3, true),
        ratio(b.ours, b.mdToPdf, `Ours ${articles} × PDF+EPUB / md-to-pdf ${articles} × PDF`),
        ratio(b.ours, b.pandoc, `Ours ${articles} × PDF+EPUB / pandoc ${articles} × EPUB`),
        ratio(b.ours, b.baseline, 'Ours / baseline')
      ]),
      ''
    ]
    return {lines: section, failures: present(Object.values(b)).filter((entry) => entry.failed)}
  }
}
