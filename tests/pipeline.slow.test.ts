/**
 * Slow: the sample article through the whole pipeline with a real Chromium,
 * checked the way a reader's tools see it (poppler, pdf-lib, unzip,
 * epubcheck, Calibre).
 */
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import JSZip from 'jszip'
import {PDFDocument, PDFName} from 'pdf-lib'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {build} from '../scripts/index.js'
import {readOutlineTitles} from '../scripts/pdf/pdf-metadata.js'
import {browser, environment, epubcheck, pdfInfo, pdfText, repo, run, tempDir} from './support/tools.js'

const questions = [
  'What is Islamic State-Khorasan (IS-K)?',
  'Why has IS-K targeted Russia and Iran?',
  'How did IS-K emerge?',
  'What makes IS-K different from the Taliban?',
  'How has IS-K continued to operate despite heavy losses?',
  'What are the implications of IS-K’s resurgence?',
  'How can IS-K’s influence be countered?'
]
const title = 'Resurgence of Islamic State-Khorasan (IS-K)'
const sample = path.join(repo, 'content', 'is-k-resurgence.md')

let out: string
let pdf: string
let epub: string

beforeAll(async () => {
  out = tempDir()
  const report = await build({root: repo, inputs: [sample], outDir: out, browser}, {}, environment)
  expect(report.ok, report.sources.flatMap((source) => source.file.messages.map(String)).join('\n')).toBe(true)
  pdf = path.join(out, 'is-k-resurgence.pdf')
  epub = path.join(out, 'is-k-resurgence.epub')
})

afterAll(() => fs.rmSync(out, {recursive: true, force: true}))

describe('PDF handout of the sample', () => {
  it('prints title block, every question in order, and the closing paragraph', () => {
    const text = pdfText(pdf).replace(/\s+/g, ' ')
    expect(text).toContain('EXPLAINER')
    expect(text).toContain('5 April 2024')
    expect(text).toContain('SRIRAM’s')
    let position = text.indexOf(title.replace(/\s+/g, ' ').slice(0, 20))
    expect(position).toBeGreaterThanOrEqual(0)
    for (const question of questions) {
      const next = text.indexOf(question, position)
      expect(next, question).toBeGreaterThan(position)
      position = next
    }
    expect(text.indexOf('manifestations of extremism.')).toBeGreaterThan(position)
    // Straight quotes became curly; the body does not repeat the title block.
    expect(text).toContain('“Christian”')
    expect(text.split('5 April 2024').length).toBe(2)
  })

  it('fits two A4 pages with a running footer "Page N of M"', () => {
    const info = pdfInfo(pdf)
    expect(info.Pages).toBe('2')
    expect(info['Page size']).toMatch(/^594\.96 x 841\.92 pts \(A4\)/)
    const text = pdfText(pdf)
    expect(text).toContain('Page 1 of 2')
    expect(text).toContain('Page 2 of 2')
    // Running head only from page 2 on.
    const [first, second] = text.split('\f')
    expect(first).not.toContain('SRIRAM’s · Resurgence of IS-K')
    expect(second).toContain('SRIRAM’s · Resurgence of IS-K')
  })

  it('has the info dictionary, language and tags', async () => {
    const info = pdfInfo(pdf)
    expect(info.Title).toBe(title)
    expect(info.Author).toBe('SRIRAM’s')
    expect(info.Subject).toMatch(/^What IS-K is/)
    expect(info.Keywords).toContain('Afghanistan')
    expect(info.Creator).toMatch(/^handout-press \d+\.\d+\.\d+$/)
    expect(info.CreationDate).toBe('2024-04-05T00:00:00Z')
    expect(info.ModDate).toBe('2024-04-05T00:00:00Z')
    expect(info.Tagged).toBe('yes')
    const document = await PDFDocument.load(fs.readFileSync(pdf), {updateMetadata: false})
    expect(String(document.catalog.get(PDFName.of('Lang')))).toBe('(en)')
  })

  it('embeds every font', () => {
    const rows = run('pdffonts', [pdf]).trim().split('\n').slice(2)
    expect(rows.length).toBeGreaterThanOrEqual(2)
    for (const row of rows) expect(row.split(/\s+/).at(-5), row).toBe('yes')
    expect(rows.some((row) => row.includes('SourceSerif4'))).toBe(true)
  })

  it('has bookmarks: the title, then the questions under it', async () => {
    const document = await PDFDocument.load(fs.readFileSync(pdf), {updateMetadata: false})
    expect(readOutlineTitles(document)).toEqual([title, ...questions])
    const outline = JSON.parse(run('qpdf', ['--json', '--json-key=outlines', pdf])) as {outlines: Array<{title: string; kids: Array<{title: string}>}>}
    expect(outline.outlines.map((item) => item.title)).toEqual([title])
    expect(outline.outlines[0]!.kids.map((item) => item.title)).toEqual(questions)
  })
})

describe('EPUB of the sample', () => {
  it('has the expected entries, mimetype first and stored', async () => {
    const bytes = fs.readFileSync(epub)
    expect(bytes.subarray(30, 38).toString()).toBe('mimetype')
    expect(bytes.subarray(38, 58).toString()).toBe('application/epub+zip')
    const zip = await JSZip.loadAsync(bytes)
    const names = Object.keys(zip.files)
      .filter((name) => !name.endsWith('/'))
      .sort()
    expect(names).toEqual([
      'META-INF/container.xml',
      'OEBPS/article.xhtml',
      'OEBPS/content.opf',
      'OEBPS/cover.png',
      'OEBPS/cover.xhtml',
      'OEBPS/style.css',
      'OEBPS/toc.ncx',
      'OEBPS/toc.xhtml',
      'mimetype'
    ])
    const cover = await zip.file('OEBPS/cover.png')!.async('uint8array')
    expect(cover.byteLength).toBeGreaterThan(10_000)
    expect(Buffer.from(cover.subarray(1, 4)).toString()).toBe('PNG')
  })

  it('carries the metadata, pinned dates and a stable identifier', async () => {
    const zip = await JSZip.loadAsync(fs.readFileSync(epub))
    const opf = await zip.file('OEBPS/content.opf')!.async('string')
    expect(opf).toContain(`<dc:title id="title">${title}</dc:title>`)
    expect(opf).toContain('<dc:language>en</dc:language>')
    expect(opf).toContain('<dc:publisher>SRIRAM’s</dc:publisher>')
    expect(opf).toContain('<dc:date>2024-04-05</dc:date>')
    expect(opf).toContain('<meta property="dcterms:modified">2024-04-05T00:00:00Z</meta>')
    expect(opf).toContain('<dc:subject>Afghanistan</dc:subject>')
    expect(opf).toMatch(/<dc:identifier id="pub-id">urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}<\/dc:identifier>/)
    expect(opf).toContain('properties="cover-image"')
    expect(opf).toContain('schema:accessibilitySummary')
    for (const entry of Object.values(zip.files)) expect(entry.date.toISOString()).toBe('2024-04-05T00:00:00.000Z')
  })

  it('navigates by nav and NCX: the article, then its questions', async () => {
    const zip = await JSZip.loadAsync(fs.readFileSync(epub))
    const nav = await zip.file('OEBPS/toc.xhtml')!.async('string')
    const ncx = await zip.file('OEBPS/toc.ncx')!.async('string')
    for (const question of questions) {
      expect(nav).toContain(`>${question}</a>`)
      expect(ncx).toContain(`<text>${question}</text>`)
    }
    expect([...ncx.matchAll(/playOrder="(\d+)"/g)].map((match) => Number(match[1]))).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
  })

  it('passes epubcheck with no errors and no warnings', () => {
    const result = epubcheck(epub)
    expect(result, result.output).toMatchObject({fatals: 0, errors: 0, warnings: 0})
  })

  it('converts with Calibre, which reads title, creator, language and date', () => {
    const azw3 = path.join(out, 'sample.azw3')
    const converted = spawnSync('ebook-convert', [epub, azw3], {encoding: 'utf8'})
    expect(converted.status, converted.stderr).toBe(0)
    expect(fs.statSync(azw3).size).toBeGreaterThan(10_000)
    const meta = run('ebook-meta', [epub])
    expect(meta).toMatch(/Title\s+: Resurgence of Islamic State-Khorasan \(IS-K\)/)
    expect(meta).toMatch(/Author\(s\)\s+: SRIRAM’s/)
    expect(meta).toMatch(/Languages\s+: eng/)
    expect(meta).toMatch(/Published\s+: 2024-04-05/)
  })
})

describe('determinism', () => {
  it('gives the same PDF whatever the reused browser page rendered before', async () => {
    // Tables make Chromium name structure elements after DOM node numbers, which count on
    // from what the page rendered before: build an article with a table alone, then after
    // another article and the covers (no cover cache) in the same single page.
    const elNino = path.join(repo, 'content', 'el-nino-monsoon.md')
    const alone = tempDir()
    const after = tempDir()
    try {
      expect((await build({root: repo, inputs: [elNino], outDir: alone, browser, concurrency: 1}, {}, environment)).ok).toBe(true)
      const inputs = [path.join(repo, 'content', 'critical-minerals.md'), elNino]
      expect((await build({root: repo, inputs, outDir: after, browser, concurrency: 1, cacheDir: ''}, {}, environment)).ok).toBe(true)
      expect(fs.readFileSync(path.join(after, 'el-nino-monsoon.pdf')).equals(fs.readFileSync(path.join(alone, 'el-nino-monsoon.pdf')))).toBe(true)
    } finally {
      fs.rmSync(alone, {recursive: true, force: true})
      fs.rmSync(after, {recursive: true, force: true})
    }
  })

  it('gives byte-identical PDF and EPUB on a second build', async () => {
    const again = tempDir()
    try {
      // No cache: the second build parses and prints again.
      const report = await build({root: repo, inputs: [sample], outDir: again, browser, cache: false}, {}, environment)
      expect(report.ok).toBe(true)
      for (const name of ['is-k-resurgence.pdf', 'is-k-resurgence.epub']) {
        expect(fs.readFileSync(path.join(again, name)).equals(fs.readFileSync(path.join(out, name))), name).toBe(true)
      }
    } finally {
      fs.rmSync(again, {recursive: true, force: true})
    }
  })
})
