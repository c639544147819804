/**
 * Slow: the EPUB page-list of a handout built with its PDF (real Chromium).
 * "Page N" of the EPUB must be where the words at the top of the PDF's page N
 * are: the marker stands right before the block those words are in.
 */
import fs from 'node:fs'
import path from 'node:path'
import JSZip from 'jszip'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {build} from '../scripts/index.js'
import {browser, environment, epubcheck, run, tempProject} from './support/tools.js'

/** Paragraph `n` of section `s`: tokens no other place has, so each page's first one names where the page begins. */
const paragraph = (s: number, n: number) => Array.from({length: 40 + ((s * 7 + n * 13) % 50)}, (_, word) => `s${s}p${n}w${word + 1}`).join(' ')

const source = [
  '---',
  'title: Page list',
  'date: 2024-04-12',
  'lang: en',
  '---',
  '',
  ...Array.from({length: 6}, (_, s) => [`## Section${s + 1}`, '', ...Array.from({length: 6}, (_, n) => [paragraph(s + 1, n + 1), ''])]).flat(2)
].join('\n')

const token = /s\d+p\d+w\d+|Section\d+/

let project: string
let pages: string[]
let chapter: string
let toc: string
let opf: string

beforeAll(async () => {
  project = tempProject({'content/pages.md': source})
  const report = await build({root: project, outDir: 'dist', browser}, {}, environment)
  expect(report.ok, report.sources.flatMap((item) => item.file.messages.map(String)).join('\n')).toBe(true)
  const pdf = path.join(project, 'dist', 'pages.pdf')
  const count = Number(/Pages:\s+(\d+)/.exec(run('pdfinfo', [pdf]))![1])
  pages = Array.from({length: count}, (_, index) => run('pdftotext', ['-f', String(index + 1), '-l', String(index + 1), pdf, '-']))
  const zip = await JSZip.loadAsync(fs.readFileSync(path.join(project, 'dist', 'pages.epub')))
  chapter = await zip.file('OEBPS/article.xhtml')!.async('string')
  toc = await zip.file('OEBPS/toc.xhtml')!.async('string')
  opf = await zip.file('OEBPS/content.opf')!.async('string')
})

afterAll(() => fs.rmSync(project, {recursive: true, force: true}))

/** The block right after the marker of `page` in the chapter, as text. */
function blockAfterMarker(page: number): string {
  const marker = new RegExp(`<span epub:type="pagebreak" role="doc-pagebreak" id="page-${page}" aria-label="${page}"/>`)
  const at = chapter.search(marker)
  expect(at, `marker of page ${page}`).toBeGreaterThan(-1)
  // Markers of later pages may stand in between only if those pages begin in the same block.
  const after = chapter.slice(at).replace(/^(<span epub:type="pagebreak"[^>]*\/>\s*)+/, '')
  const block = /^<(p|h2)[^>]*>([\s\S]*?)<\/\1>/.exec(after)
  expect(block, `a paragraph or heading after the marker of page ${page}`).not.toBeNull()
  return block![2]!.replace(/<[^>]+>/g, '')
}

describe('EPUB page-list of a handout', () => {
  it('has a page-list nav with one entry per PDF page, each to its pagebreak marker', () => {
    expect(pages.length).toBeGreaterThanOrEqual(4)
    const nav = /<nav epub:type="page-list"[^>]*>([\s\S]*?)<\/nav>/.exec(toc)
    expect(nav).not.toBeNull()
    const entries = [...nav![1]!.matchAll(/<a href="article\.xhtml#(page-\d+)">(\d+)<\/a>/g)].map((match) => [match[1], match[2]])
    expect(entries).toEqual(pages.map((_, index) => [`page-${index + 1}`, String(index + 1)]))
    // Where the page numbers come from (Ace's epub-pagesource), and the features it gives.
    expect(opf).toContain('<dc:source id="page-source">pages.pdf</dc:source>')
    expect(opf).toContain('<meta refines="#page-source" property="source-of">pagination</meta>')
    expect(opf).toContain('<meta property="schema:accessibilityFeature">pageNavigation</meta>')
  })

  it('puts each page’s marker before the block holding the first words of that PDF page', () => {
    let midBlock = 0
    for (let page = 2; page <= pages.length; page++) {
      const first = token.exec(pages[page - 1]!)![0]
      const block = blockAfterMarker(page)
      expect(block.split(/\s+/), `page ${page} begins with ${first}`).toContain(first)
      if (!block.startsWith(first)) midBlock++
    }
    // The case the end probes are for: a page that begins inside a paragraph.
    expect(midBlock).toBeGreaterThan(0)
    // Page 1 is the top of the chapter's body.
    expect(blockAfterMarker(1)).toMatch(/^Section1$/)
  })

  it('passes epubcheck with no errors or warnings', () => {
    const result = epubcheck(path.join(project, 'dist', 'pages.epub'))
    expect(result, result.output).toMatchObject({fatals: 0, errors: 0, warnings: 0})
  })

  it('has no page-list when the EPUB is built alone (there is no print to follow)', async () => {
    const report = await build({root: project, outDir: 'epub-only', browser, formats: ['epub']}, {}, environment)
    expect(report.ok).toBe(true)
    const zip = await JSZip.loadAsync(fs.readFileSync(path.join(project, 'epub-only', 'pages.epub')))
    expect(await zip.file('OEBPS/toc.xhtml')!.async('string')).not.toContain('page-list')
    expect(await zip.file('OEBPS/article.xhtml')!.async('string')).not.toContain('pagebreak')
  })
})
