/**
 * Slow: a publication of the sample articles built into per-article handouts
 * and a compiled book, checked by reading the outputs: the contents' page
 * numbers against the pages where pdftotext finds each title, the bookmark
 * tree, running heads, cross-references, the EPUB's chapters and epubcheck.
 * The book's front matter (cover, title page, contents: pages i–iii) is
 * printed apart and put before the body, whose folios count from 1.
 */
import {execFileSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import JSZip from 'jszip'
import {PDFArray, PDFDict, PDFDocument, PDFName, PDFRef, PDFStream} from 'pdf-lib'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {build, type BuildReport} from '../scripts/index.js'
import {ace} from './support/ace.js'
import {pageContent} from './support/page-content.js'
import {browser, environment, epubcheck, pdfInfo, pdfText, repo, run, tempDir} from './support/tools.js'

/** Pages before the body: cover, title page, contents. */
const front = 3
const titles = ['Resurgence of Islamic State-Khorasan (IS-K)', 'El Niño and the Indian Monsoon', 'Why Critical Minerals Matter']
let project: string
let report: BuildReport
let pdf: string
let epub: string

beforeAll(async () => {
  project = tempDir()
  for (const name of ['content', 'templates', 'handout.config.yaml']) fs.cpSync(path.join(repo, name), path.join(project, name), {recursive: true})
  report = await build({root: project, browser}, {}, environment)
  pdf = path.join(project, 'dist', 'explainers-2024-04.pdf')
  epub = path.join(project, 'dist', 'explainers-2024-04.epub')
})

afterAll(() => fs.rmSync(project, {recursive: true, force: true}))

/**
 * The contents page's links, read by pdf.js (another reader than the build's
 * pdf-lib): the number each entry prints, the page its link lands on
 * (1-based), that page's label, and that page's text.
 */
/** The contents page's links and the PDF's page labels, read by pdf.js in a process of its own (see the script). */
function contentsLinks(file: string): Array<{printed: string; page: number; label: string; text: string}> {
  return pdfLinks(file).links
}

function pdfLinks(file: string): {labels: string[]; links: Array<{printed: string; page: number; label: string; text: string}>} {
  return JSON.parse(execFileSync(process.execPath, [path.join(repo, 'tests', 'support', 'pdf-contents-links.mjs'), file], {encoding: 'utf8', timeout: 120_000}))
}

describe('publication build', () => {
  it('builds every handout and the book, with no warnings on the sample', () => {
    const messages = [...report.sources, ...report.publications].flatMap((item) => item.file.messages.map(String))
    expect(messages).toEqual([])
    expect(report.ok).toBe(true)
    // The rich content worksheet (content/worksheets/) is a handout of its own, in no book.
    expect(report.sources.map((source) => source.name).sort()).toEqual(['critical-minerals', 'el-nino-monsoon', 'is-k-resurgence', 'physics-worksheet'])
    expect(report.publications.map((book) => [book.name, book.articles, book.outputs.map((output) => output.format)])).toEqual([['explainers-2024-04', 3, ['pdf', 'epub']]])
  })
})

describe('book PDF', () => {
  it('lists the articles in date order with the folios of the pages where pdftotext finds them', () => {
    const pages = pdfText(pdf).split('\f')
    const contents = pages.findIndex((page) => /^\s*Contents\s*$/m.test(page))
    expect(contents).toBe(front - 1)
    const bodyPages = Number(pdfInfo(pdf).Pages) - front
    const entries = titles.map((title) => {
      const match = new RegExp(`${title.replace(/[()]/g, '\\$&')}\\s+(\\d+)\\s*$`, 'm').exec(pages[contents]!)
      expect(match, title).not.toBeNull()
      return Number(match![1])
    })
    expect(entries).toEqual([...entries].sort((a, b) => a - b))
    titles.forEach((title, index) => {
      const page = pages[front + entries[index]! - 1]!.replace(/\s+/g, ' ')
      expect(page, `page ${entries[index]} starts ${title}`).toContain(title)
      expect(page).toContain(`Page ${entries[index]} of ${bodyPages}`)
      // No article starts earlier than the contents say.
      expect(
        pages
          .slice(0, front + entries[index]! - 1)
          .join(' ')
          .replace(/\s+/g, ' ')
      ).not.toMatch(new RegExp(`EXPLAINER ${title.slice(0, 12).replace(/[()]/g, '\\$&')}`))
    })
    expect(report.publications[0]!.articlePages).toEqual(entries)
  })

  it('has a cover and title page without page furniture, and per-article running heads', () => {
    const pages = pdfText(pdf).split('\f')
    expect(pages[0]).not.toMatch(/Page \d+ of/)
    expect(pages[1]).toContain('Explainers')
    expect(pages[1]).toContain('April 2024')
    expect(pages[1]).not.toMatch(/Page \d+ of/)
    const start = report.publications[0]!.articlePages!
    // An article's running head is on its pages after the first: the first has its masthead, with the title.
    expect(pages[front + start[1]! - 1]).not.toContain('SRIRAM’s · El Niño and the Monsoon')
    expect(pages[front + start[1]!]).toContain('SRIRAM’s · El Niño and the Monsoon')
    expect(pages[front + start[2]! - 1]).not.toContain('SRIRAM’s · Critical Minerals')
  })

  it("paints the contents' dotted leaders on the contents page only, not also (clipped, unseen) into the cover's content", async () => {
    // A transformed leader was painted into every earlier page of the print too,
    // or not, from print to print: the book's bytes changed between two builds.
    const document = await PDFDocument.load(fs.readFileSync(pdf))
    const content = (index: number) => pageContent(document, index)
    const dots = (text: string) => text.match(/ 1 1 re\nf\n/g)?.length ?? 0
    expect(dots(content(2))).toBeGreaterThan(100)
    expect(dots(content(0))).toBe(0)
    expect(dots(content(1))).toBe(0)
  })

  it('nests bookmarks book → article → question', () => {
    const outline = JSON.parse(run('qpdf', ['--json', '--json-key=outlines', pdf])) as {outlines: Array<{title: string; kids: Array<{title: string; kids: Array<{title: string}>}>}>}
    expect(outline.outlines.map((item) => item.title)).toEqual(['Explainers'])
    const book = outline.outlines[0]!
    expect(book.kids.map((item) => item.title)).toEqual(['Contents', ...titles])
    expect(book.kids[1]!.kids.map((item) => item.title)).toContain('How can IS-K’s influence be countered?')
    expect(book.kids[2]!.kids.map((item) => item.title)).toEqual(['What is El Niño?', 'How does it affect the monsoon?', 'What does the 2024 outlook say?', 'Why does it matter?', 'Notes'])
  })

  it('makes contents entries and cross-references clickable links inside the PDF', async () => {
    const document = await PDFDocument.load(fs.readFileSync(pdf), {updateMetadata: false})
    const pageOf = new Map(document.getPages().map((page, index) => [page.ref.toString(), index + 1]))
    const dests = document.catalog.lookup(PDFName.of('Dests'), PDFDict)
    const linkTargets = (pageNumber: number) =>
      (
        document
          .getPage(pageNumber - 1)
          .node.Annots()
          ?.asArray() ?? []
      ).flatMap((ref) => {
        const annotation = document.context.lookup(ref, PDFDict)
        const dest = annotation.get(PDFName.of('Dest'))
        if (!(dest instanceof PDFName)) return []
        const target = dests.lookup(dest, PDFArray)
        return [{name: dest.decodeText(), page: pageOf.get(target.get(0).toString())}]
      })
    const start = report.publications[0]!.articlePages!.map((folio) => front + folio)
    expect(linkTargets(front).map((link) => link.page)).toEqual(start)
    // El Niño links to a question of the IS-K article, on one of that article's pages.
    const crossReference = [start[1]!, start[1]! + 1].flatMap(linkTargets).find((link) => link.name === 'a1-how-has-is-k-continued-to-operate-despite-heavy-losses')
    expect(crossReference?.page).toBeGreaterThanOrEqual(start[0]!)
    expect(crossReference?.page).toBeLessThan(start[1]!)
  })

  it('links every contents entry to the page where its article starts, the page labelled with the number printed', async () => {
    const links = contentsLinks(pdf)
    expect(links.map((link) => link.page)).toEqual(report.publications[0]!.articlePages!.map((folio) => front + folio))
    for (const [index, link] of links.entries()) {
      // pdf.js splits the letter-spaced kicker into letters: compare without spaces.
      expect(link.text.replace(/\s/g, ''), `page ${link.page}`).toContain(`EXPLAINER${titles[index]}`.replace(/\s/g, ''))
      expect(link.label).toBe(link.printed)
    }
    // The front matter is numbered in roman numerals, the body from 1.
    expect(pdfLinks(pdf).labels.slice(0, front + 2)).toEqual(['i', 'ii', 'iii', '1', '2'])
  })

  it('carries the publication metadata and embeds every font', () => {
    const info = pdfInfo(pdf)
    expect(info.Title).toBe('Explainers')
    expect(info.Author).toBe('SRIRAM’s')
    expect(info.Tagged).toBe('yes')
    expect(info.CreationDate).toBe('2024-04-19T00:00:00Z')
    for (const row of run('pdffonts', [pdf]).trim().split('\n').slice(2)) expect(row.split(/\s+/).at(-5), row).toBe('yes')
  })
})

describe('book PDF with rectoStart', () => {
  it('starts every article on a right-hand page, the front matter padded with a blank page without page furniture', async () => {
    const config = fs.readFileSync(path.join(project, 'handout.config.yaml'), 'utf8').replace('outputs: [handouts, book]', 'outputs: [book]\n    rectoStart: true')
    fs.writeFileSync(path.join(project, 'handout.config.yaml'), config)
    const recto = await build({root: project, browser, outDir: 'recto', formats: ['pdf']}, {}, environment)
    const book = recto.publications[0]!
    expect(book.failed).toBe(false)
    expect(
      book.articlePages!.every((page) => page % 2 === 1),
      String(book.articlePages)
    ).toBe(true)
    const file = path.join(project, 'recto', 'explainers-2024-04.pdf')
    const pages = pdfText(file).split('\f')
    // The front matter takes an even number of pages (a blank one after the contents), so
    // that the body's page 1 is a right-hand page.
    expect(pages[front]!.trim()).toBe('')
    for (const [index, title] of titles.entries()) expect(pages[front + 1 + book.articlePages![index]! - 1]!.replace(/\s+/g, ' ')).toContain(title)
    const links = contentsLinks(file)
    expect(links.map((link) => link.page)).toEqual(book.articlePages!.map((folio) => front + 1 + folio))
  })
})

describe('book PDF built again', () => {
  it('writes no object that nothing refers to (replaced tree nodes kept the order Chromium numbered its elements in)', async () => {
    const document = await PDFDocument.load(fs.readFileSync(pdf), {updateMetadata: false})
    const reached = new Set<unknown>()
    const pending: unknown[] = [document.context.trailerInfo.Root, document.context.trailerInfo.Info]
    while (pending.length > 0) {
      const value = pending.pop()
      if (value instanceof PDFRef) {
        if (!reached.has(value)) pending.push(document.context.lookup(value))
        reached.add(value)
      } else if (value instanceof PDFDict) pending.push(...value.entries().map(([, entry]) => entry))
      else if (value instanceof PDFArray) pending.push(...value.asArray())
      else if (value instanceof PDFStream) pending.push(value.dict)
    }
    const unreached = document.context.enumerateIndirectObjects().filter(([ref]) => !reached.has(ref))
    expect(unreached.map(([ref]) => ref.toString())).toEqual([])
  })

  it('is byte-identical, front matter and all', async () => {
    // After the rectoStart test: the config builds the book only.
    const again = await build({root: project, browser, outDir: 'recto-again', formats: ['pdf']}, {}, environment)
    expect(again.ok).toBe(true)
    expect(fs.readFileSync(path.join(project, 'recto-again', 'explainers-2024-04.pdf')).equals(fs.readFileSync(path.join(project, 'recto', 'explainers-2024-04.pdf')))).toBe(true)
  })
})

describe('book EPUB', () => {
  it('has one chapter per article in order, nested navigation and the NCX', async () => {
    const zip = await JSZip.loadAsync(fs.readFileSync(epub))
    const opf = await zip.file('OEBPS/content.opf')!.async('string')
    const spine = [...opf.matchAll(/<itemref idref="(chapter-\d+)"/g)].map((match) => match[1])
    expect(spine).toEqual(['chapter-0', 'chapter-1', 'chapter-2'])
    expect(opf).toContain('<dc:title id="title">Explainers</dc:title>')
    expect(opf).toContain('<dc:date>2024-04-19</dc:date>')
    const nav = await zip.file('OEBPS/toc.xhtml')!.async('string')
    expect(nav).toMatch(/<li><a href="002-el-nino-monsoon\.xhtml">El Niño and the Indian Monsoon<\/a>\s*<ol>\s*<li><a href="002-el-nino-monsoon\.xhtml#what-is-el-niño">What is El Niño\?<\/a><\/li>/)
    const ncx = await zip.file('OEBPS/toc.ncx')!.async('string')
    expect(ncx).toContain('<meta name="dtb:depth" content="2"/>')
    for (const title of titles) expect(ncx).toContain(`<text>${title}</text>`)
  })

  it('resolves cross-references to chapters, keeps notes in their chapter, and carries images with alt text', async () => {
    const zip = await JSZip.loadAsync(fs.readFileSync(epub))
    const elNino = await zip.file('OEBPS/002-el-nino-monsoon.xhtml')!.async('string')
    expect(elNino).toContain('href="001-is-k-resurgence.xhtml#how-has-is-k-continued-to-operate-despite-heavy-losses"')
    expect(elNino).toMatch(/<a href="#user-content-fn-noaa"[^>]*epub:type="noteref"[^>]*role="doc-noteref"/)
    expect(elNino).toMatch(/<aside id="user-content-fn-noaa" epub:type="footnote" role="doc-footnote"/)
    expect(elNino).toMatch(/<img src="assets\/[0-9a-f]{16}\.png" alt="Bar chart of June&#x2013;September rainfall/)
    // Captioned figures are numbered per article (issue 14), in the article's language.
    expect(elNino).toContain('<figcaption><span class="caption-label">Figure&#xA0;1</span>: June&#x2013;September rainfall')
    const minerals = await zip.file('OEBPS/003-critical-minerals.xhtml')!.async('string')
    expect(minerals).toContain('href="002-el-nino-monsoon.xhtml"')
  })

  it('passes epubcheck with no errors and no warnings', () => {
    const result = epubcheck(epub)
    expect(result, result.output).toMatchObject({fatals: 0, errors: 0, warnings: 0})
  })
})

describe('accessibility (Ace by DAISY)', () => {
  it('reports no violations on the book and on every handout EPUB', async () => {
    const epubs = [epub, ...report.sources.map((source) => path.join(project, 'dist', `${source.name}.epub`))]
    expect(epubs).toHaveLength(5)
    // Five Ace runs at once: each is mostly its own Node and Chromium starting up.
    const findings = await Promise.all(epubs.map((file) => ace(file)))
    for (const [index, file] of epubs.entries()) expect(findings[index], path.basename(file)).toEqual([])
  }, 300_000)

  it('declares accessibility metadata and alt text for images', async () => {
    const opf = await (await JSZip.loadAsync(fs.readFileSync(epub))).file('OEBPS/content.opf')!.async('string')
    for (const property of [
      'accessMode">textual',
      'accessMode">visual',
      'accessModeSufficient">textual',
      'accessibilityFeature">alternativeText',
      'accessibilityHazard">none',
      'accessibilitySummary">'
    ]) {
      expect(opf).toContain(`<meta property="schema:${property}`)
    }
  })
})

describe('handouts of a publication', () => {
  it('tag figures with their alt text, tables with header cells, and headings, in the PDF structure tree', () => {
    const flat = path.join(project, 'flat.pdf')
    run('qpdf', ['--qdf', '--object-streams=disable', path.join(project, 'dist', 'el-nino-monsoon.pdf'), flat])
    const text = fs.readFileSync(flat, 'latin1')
    const types = new Set([...text.matchAll(/\/S \/([A-Za-z]+)/g)].map((match) => match[1]))
    for (const type of ['Document', 'H', 'P', 'L', 'LI', 'Table', 'TH', 'TD', 'Figure', 'Caption', 'Link']) expect(types, type).toContain(type)
    const alt = /\/Alt <feff([0-9a-f]+)>/.exec(text)
    expect(alt).not.toBeNull()
    expect(Buffer.from(alt![1]!, 'hex').swap16().toString('utf16le')).toMatch(/^Bar chart of June–September rainfall/)
  })

  it('print cross-references as text in a standalone handout', async () => {
    const text = pdfText(path.join(project, 'dist', 'el-nino-monsoon.pdf')).replace(/\s+/g, ' ')
    expect(text).toContain('the explainer on IS-K')
    const zip = await JSZip.loadAsync(fs.readFileSync(path.join(project, 'dist', 'el-nino-monsoon.epub')))
    const chapter = await zip.file('OEBPS/article.xhtml')!.async('string')
    expect(chapter).toMatch(/<span class="cross-reference">the explainer on IS-K<\/span>/)
    expect(chapter).not.toContain('is-k-resurgence.md')
    expect(chapter).not.toContain(project)
  })
})

describe('config problems', () => {
  it('names the file, line and column of an invalid config, and builds nothing', async () => {
    const broken = tempDir()
    try {
      fs.cpSync(path.join(repo, 'templates'), path.join(broken, 'templates'), {recursive: true})
      fs.mkdirSync(path.join(broken, 'content'))
      fs.writeFileSync(path.join(broken, 'content', 'a.md'), '---\ntitle: A\n---\nText.\n')
      fs.writeFileSync(path.join(broken, 'handout.config.yaml'), 'publications:\n  - name: book\n    title: Book\n    sources: content/*.md\n    outputs: [book, poster]\n')
      const error = await build({root: broken, browser}, {}, environment).then(
        () => undefined,
        (caught: unknown) => caught as {file?: {messages: unknown[]}}
      )
      expect(error?.file?.messages.map(String)).toEqual([
        expect.stringMatching(/handout\.config\.yaml:5:21: Invalid config `publications\.0\.outputs\.1`: Invalid option: expected one of "handouts"\|"book"/)
      ])
      expect(fs.existsSync(path.join(broken, 'dist'))).toBe(false)
    } finally {
      fs.rmSync(broken, {recursive: true, force: true})
    }
  })
})
