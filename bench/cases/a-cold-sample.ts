/**
 * (a) The sample article, cold (no cached covers), PDF + EPUB, as a user runs
 * it: the compiled CLI, this tree's `bin`, `npm run build`; PDF only, EPUB
 * only, a rebuild with covers cached; the baseline; the floor and the peers.
 * Also the CommonMark spec (a long document) to EPUB against pandoc. Then
 * start-up alone (`--version`), with and without npm.
 */
import fs from 'node:fs'
import path from 'node:path'
import {type Bench, log, outDir, rel, root, sample, scratch} from '../support/bench.js'
import type {BenchCase} from '../support/case.js'
import {coverCache, floor, floorPages, ours} from '../support/ours.js'
import {mdToPdf, type Peers, pandocEpub, vivliostyle} from '../support/peers.js'
import {libIsFresh} from '../support/process.js'
import {secs} from '../support/stats.js'
import {header, lines, ratio, ratioToFloor, row} from '../support/table.js'
import {present, runCase, tool, type Tool, wall} from '../support/tool.js'

type SampleTools = Awaited<ReturnType<typeof sampleTools>>
type StartupTools = ReturnType<typeof startupTools>

/** The CommonMark spec (205 KB of Markdown) as a source inside the project: the bench's scratch folder. */
function specSource(): string {
  const file = path.join(scratch, 'spec', 'commonmark-spec.md')
  fs.mkdirSync(path.dirname(file), {recursive: true})
  fs.copyFileSync(path.join(root, 'node_modules', 'commonmark-spec', 'spec.txt'), file)
  return file
}

async function sampleTools(bench: Bench, peers: Peers) {
  const {bin, baseline} = bench
  const sampleArg = rel(sample)
  const spec = specSource()
  const freshLib = libIsFresh()
  const html = await floorPages({root, inputs: [sampleArg], formats: ['pdf']}, path.join(scratch, 'html', 'sample'))
  return {
    ours: ours(bench, 'ours: bin, compiled lib/ (PDF+EPUB)', bin, [sampleArg]),
    bin: ours(bench, `ours: bin in this tree, ${freshLib ? 'compiled lib/' : 'tsx (lib/ absent or stale)'} (PDF+EPUB)`, path.join(root, 'bin', 'handout.js'), [sampleArg]),
    npm: tool('ours: npm run build (PDF+EPUB)', (n) => {
      fs.rmSync(coverCache, {recursive: true, force: true})
      const dir = outDir('npm', n)
      return {command: 'npm', args: ['run', '--silent', 'build', '--', sampleArg, '--out', dir], env: {...process.env}}
    }),
    pdf: ours(bench, 'ours: bin, compiled, PDF only', bin, [sampleArg], ['--format', 'pdf']),
    epub: ours(bench, 'ours: bin, compiled, EPUB only', bin, [sampleArg], ['--format', 'epub']),
    rebuild: ours(bench, 'ours: rebuild, covers cached (PDF+EPUB)', bin, [sampleArg], [], true),
    rebuildEpub: ours(bench, 'ours: rebuild, covers cached, EPUB only', bin, [sampleArg], ['--format', 'epub'], true),
    baseline: baseline ? ours(bench, 'baseline: bin, compiled (PDF+EPUB)', baseline, [sampleArg]) : undefined,
    baselinePdf: baseline ? ours(bench, 'baseline: bin, compiled, PDF only', baseline, [sampleArg], ['--format', 'pdf']) : undefined,
    baselineEpub: baseline ? ours(bench, 'baseline: bin, compiled, EPUB only', baseline, [sampleArg], ['--format', 'epub']) : undefined,
    floor: floor(bench, 'floor: Chromium prints our HTML', html),
    mdToPdf: mdToPdf(bench, peers, 'md-to-pdf (PDF)', [sample]),
    vivliostyle: vivliostyle(bench, peers, 'Vivliostyle (PDF)', sample),
    pandoc: pandocEpub(peers, 'pandoc (EPUB 3)', [sample]),
    specEpub: ours(bench, 'ours: CommonMark spec, EPUB only', bin, [rel(spec)], ['--format', 'epub']),
    specPandoc: pandocEpub(peers, 'pandoc: CommonMark spec (EPUB 3)', [spec])
  }
}

/** npm's own start-up: the same do-nothing command (`--version`) with and without npm. */
function startupTools(bench: Bench) {
  const node = process.execPath
  const {bin, baseline} = bench
  return {
    npm: tool('npm run build -- --version', () => ({command: 'npm', args: ['run', '--silent', 'build', '--', '--version']})),
    direct: tool('node bin/handout.js --version', () => ({command: node, args: [path.join(root, 'bin', 'handout.js'), '--version']})),
    compiled: tool('node <compiled>/bin/handout.js --version', () => ({command: node, args: [bin, '--version']})),
    baseline: baseline ? tool('node <baseline>/bin/handout.js --version', () => ({command: node, args: [baseline, '--version']})) : undefined,
    node: tool('node -e 0', () => ({command: node, args: ['-e', '0']}))
  }
}

function sampleRatios(a: SampleTools): string[] {
  return lines([
    ratioToFloor(a.ours, a.floor, 'Ours PDF+EPUB / floor launch + print of the PDF', 1.1),
    ratioToFloor(a.pdf, a.floor, 'Ours PDF only / floor launch + print', 1.1),
    ratio(a.ours, a.floor, 'Ours PDF+EPUB / floor process (incl. its Node + tsx start-up)', 1.1),
    ratio(a.pdf, a.mdToPdf, 'Ours PDF only / md-to-pdf'),
    ratio(a.ours, a.mdToPdf, 'Ours PDF+EPUB / md-to-pdf PDF'),
    ratio(a.pdf, a.vivliostyle, 'Ours PDF only / Vivliostyle'),
    ratio(a.ours, a.vivliostyle, 'Ours PDF+EPUB / Vivliostyle PDF'),
    ratio(a.epub, a.pandoc, 'Ours EPUB only / pandoc EPUB', 3),
    ratio(a.rebuildEpub, a.pandoc, 'Ours EPUB only, covers cached / pandoc EPUB', 3),
    ratio(a.specEpub, a.specPandoc, 'Ours CommonMark spec to EPUB / pandoc', 1.5),
    ratio(a.rebuild, a.floor, 'Ours rebuild PDF+EPUB, covers cached / floor process'),
    ratio(a.bin, a.ours, 'bin in this tree / bin with compiled lib/ (start-up cost of running through tsx)'),
    ratio(a.ours, a.baseline, 'Ours / baseline, PDF+EPUB'),
    ratio(a.pdf, a.baselinePdf, 'Ours / baseline, PDF only'),
    ratio(a.epub, a.baselineEpub, 'Ours / baseline, EPUB only')
  ])
}

function report(a: SampleTools, startup: StartupTools): string[] {
  const npmOverhead = wall(startup.npm) - wall(startup.direct)
  return [
    '## (a) The sample article, cold (content/is-k-resurgence.md)',
    '',
    header,
    ...present(Object.values(a)).map((entry) => row(entry, a.ours)),
    '',
    ...sampleRatios(a),
    '',
    '### Start-up alone (`--version`)',
    '',
    header,
    ...present(Object.values(startup)).map((entry) => row(entry, startup.node)),
    '',
    `- npm's own start-up (\`npm run build -- --version\` minus \`node bin/handout.js --version\`): **${secs(npmOverhead)}**, on top of every \`npm run build\`.`,
    ''
  ]
}

export const caseA: BenchCase = {
  id: 'a',
  summary: 'the sample article, cold, PDF + EPUB (compiled CLI, bin, npm run build; PDF only, EPUB only, rebuild), floor, peers; start-up alone',
  async run(bench, peers) {
    log('\n(a) sample article, cold')
    const a = await sampleTools(bench, peers)
    await runCase('(a)', present(Object.values(a)), bench.runs)
    log('\n(a) npm start-up')
    const startup = startupTools(bench)
    await runCase('start-up', present(Object.values(startup)), bench.runs)
    const viv: Tool | undefined = a.vivliostyle
    if (viv && viv.measures.length > 0) bench.notes.push(`Vivliostyle is not run for (b): one process per article (≈${secs(wall(viv))} each) would take ${secs(wall(viv) * bench.articles)} per run.`)
    return {lines: report(a, startup), failures: present(Object.values(a)).filter((entry) => entry.failed)}
  }
}
