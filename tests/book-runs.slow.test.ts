/**
 * Slow: a book long enough to be printed in several runs of its body
 * (`articlesPerRun` articles each), put together with its folios and front
 * matter (`print-book.ts`). Checked by reading the PDF: contents links and
 * page labels, "Page N of M" on every body page, a link from the first run
 * into the last, bookmarks; then edits: an edit that keeps the page count
 * prints one run again (and nothing else), one that adds pages prints its run,
 * the folios and the front; and every result is byte-identical to a build
 * from scratch (`--no-cache`) of the same sources.
 */
import {execFileSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {PDFArray, PDFDict, PDFDocument, PDFName, type PDFPage} from 'pdf-lib'
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'
import {build, type BuildReport} from '../scripts/index.js'
import {articlesPerRun} from '../scripts/pdf/print-book.js'
import {readOutlineTitles} from '../scripts/pdf/pdf-metadata.js'
import {browser, environment, pdfInfo, pdfText, repo, tempProject} from './support/tools.js'

const articles = articlesPerRun + 2
const front = 3
const words = 'river monsoon harvest ledger quarry lantern meadow harbour granite orchard compass beacon'.split(' ')

/** Article `n` (1-based): a title, two questions, enough text for a page or two; the second links into the last article. */
function article(n: number, extra = 0): string {
  const paragraph = (seed: number) => Array.from({length: 90}, (_, index) => words[(index * 7 + seed * 3 + n) % words.length]).join(' ') + '.'
  // And a link to a heading the last article lacks (a warning): it goes to that article's start.
  const last = `article-${String(articles).padStart(2, '0')}.md`
  const link = n === 2 ? `\n\nSee [the last article's second part](${last}#second-part) and [its third](${last}#third-part).` : ''
  return [
    `---\ntitle: Article ${n}\ndate: 2024-01-${String(((n - 1) % 28) + 1).padStart(2, '0')}\n---`,
    `## First part\n\n${paragraph(1)}${link}`,
    `## Second part\n\n${paragraph(2)}`,
    ...Array.from({length: extra}, (_, index) => paragraph(index + 3))
  ].join('\n\n')
}

const config = `publications:\n  - name: long\n    title: A Long Book\n    publisher: Runs Press\n    sources: content/*.md\n    sort: name\n    outputs: [book]\n`
let project: string
let scratch: string
let report: BuildReport
let pdf: string

function files(): Record<string, string> {
  const all: Record<string, string> = {'handout.config.yaml': config}
  for (let n = 1; n <= articles; n++) all[`content/article-${String(n).padStart(2, '0')}.md`] = article(n)
  return all
}

const prints = () => new Set(fs.readdirSync(path.join(project, '.cache', 'handout', 'build', 'prints')))
const buildBook = (root: string, cache = true) => build({root, browser, formats: ['pdf'], cache}, {}, environment)

/** The contents page's links and the page labels, read by pdf.js in a process of its own. */
function pdfLinks(file: string): {labels: string[]; links: Array<{printed: string; page: number; label: string; text: string}>} {
  return JSON.parse(execFileSync(process.execPath, [path.join(repo, 'tests', 'support', 'pdf-contents-links.mjs'), file], {encoding: 'utf8', timeout: 120_000}))
}

/** The same sources built from scratch in a project of their own: what the cached build must equal. */
async function fromScratch(): Promise<Buffer> {
  fs.rmSync(scratch, {recursive: true, force: true})
  fs.cpSync(path.join(project, 'content'), path.join(scratch, 'content'), {recursive: true})
  fs.cpSync(path.join(project, 'handout.config.yaml'), path.join(scratch, 'handout.config.yaml'))
  const built = await buildBook(scratch, false)
  expect(built.ok).toBe(true)
  return fs.readFileSync(path.join(scratch, 'dist', 'long.pdf'))
}

beforeAll(async () => {
  project = tempProject(files())
  scratch = `${project}-scratch`
  report = await buildBook(project)
  pdf = path.join(project, 'dist', 'long.pdf')
})

afterAll(() => {
  fs.rmSync(project, {recursive: true, force: true})
  fs.rmSync(scratch, {recursive: true, force: true})
})

describe('a book printed in runs', () => {
  it('links every contents entry to the page where its article starts, labelled with the number printed', () => {
    expect(report.ok).toBe(true)
    const {labels, links} = pdfLinks(pdf)
    expect(links).toHaveLength(articles)
    const starts = report.publications[0]!.articlePages!
    expect(links.map((link) => link.page)).toEqual(starts.map((folio) => front + folio))
    links.forEach((link, index) => {
      expect(link.label).toBe(link.printed)
      expect(link.text).toContain(`Article ${index + 1} `)
    })
    expect(labels.slice(0, front + 1)).toEqual(['i', 'ii', 'iii', '1'])
    expect(pdfInfo(pdf).Tagged).toBe('yes')
  })

  it('prints "Page N of M" on every body page, N its label and M the body pages, and no footer in the front matter', () => {
    const pages = pdfText(pdf).split('\f').slice(0, -1)
    const body = pages.length - front
    for (const [index, text] of pages.slice(front).entries()) expect(text, `body page ${index + 1}`).toMatch(new RegExp(`Runs Press\\s+Page ${index + 1} of ${body}\\s*$`))
    for (const text of pages.slice(0, front)) expect(text).not.toMatch(/Page \d+ of/)
  })

  it('follows a link from the first run to a heading in the last, and keeps every bookmark', async () => {
    const document = await PDFDocument.load(fs.readFileSync(pdf), {updateMetadata: false})
    const pageOf = new Map(document.getPages().map((page, index) => [page.ref.toString(), index + 1]))
    const dests = document.catalog.lookup(PDFName.of('Dests'), PDFDict)
    const target = dests.lookup(PDFName.of(`a${articles}-second-part`), PDFArray)
    const landing = pageOf.get(target.get(0).toString())!
    const starts = report.publications[0]!.articlePages!.map((folio) => front + folio)
    expect(landing).toBeGreaterThanOrEqual(starts.at(-1)!)
    const linksOf = (page: PDFPage) =>
      (page.node.Annots()?.asArray() ?? []).flatMap((ref) => {
        const dest = document.context.lookup(ref, PDFDict).get(PDFName.of('Dest'))
        return dest instanceof PDFName ? [dest.decodeText()] : []
      })
    const linked = document.getPages().flatMap(linksOf)
    expect(linked).toContain(`a${articles}-second-part`)
    // Every link lands somewhere; article 2's to a missing heading, on the last article's start.
    for (const name of linked) expect(dests.has(PDFName.of(name)), name).toBe(true)
    expect(linksOf(document.getPage(starts[1]! - 1))).toEqual([`a${articles}-second-part`, `a${articles}`])
    // Book, Contents, then each article with its two questions.
    expect(readOutlineTitles(document)).toEqual(['A Long Book', 'Contents', ...Array.from({length: articles}, (_, index) => [`Article ${index + 1}`, 'First part', 'Second part']).flat()])
  })

  it('prints one run again after an edit that keeps the page count, and gives the bytes of a build from scratch', async () => {
    const before = prints()
    const file = path.join(project, 'content', 'article-13.md')
    // The same letters in another order: the same lines, the same pages.
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('## Second part', '## Part second'))
    // Every PDF parsed in the rebuild, by its bytes.
    const load = vi.spyOn(PDFDocument, 'load')
    let again: BuildReport
    let parsed: unknown[]
    try {
      again = await buildBook(project)
    } finally {
      parsed = load.mock.calls.map(([input]) => input)
      load.mockRestore()
    }
    expect(again.ok).toBe(true)
    expect(again.publications[0]!.articlePages).toEqual(report.publications[0]!.articlePages)
    const added = [...prints()].filter((name) => !before.has(name))
    expect(added).toHaveLength(1)
    // Each run (as kept in the cache) is parsed once at most: reading its pages and assembling the book share a parse.
    const runs = [...prints()].map((name) => fs.readFileSync(path.join(project, '.cache', 'handout', 'build', 'prints', name)))
    const parses = runs.map((run) => parsed.filter((input) => input instanceof Uint8Array && Buffer.compare(Buffer.from(input), run) === 0).length)
    expect(Math.max(...parses)).toBe(1)
    expect(fs.readFileSync(pdf).equals(await fromScratch())).toBe(true)
  })

  // Known gap: the front matter printed again here can differ in bytes from the one a build from
  // scratch prints (the contents' dotted leaders are drawn in other chunks: Chromium's state depends on
  // what the session printed before), though not in text or look; so this edit is compared page by page.
  it('prints the run, the folios and the front again after an edit that adds pages, and gives the pages of a build from scratch', async () => {
    const before = prints()
    fs.writeFileSync(path.join(project, 'content', 'article-03.md'), article(3, 12))
    const again = await buildBook(project)
    expect(again.ok).toBe(true)
    const [was, now] = [report.publications[0]!.articlePages!, again.publications[0]!.articlePages!]
    expect(now.slice(0, 3)).toEqual(was.slice(0, 3))
    expect(now[3]).toBeGreaterThan(was[3]!)
    expect([...prints()].filter((name) => !before.has(name))).toHaveLength(3)
    const {links} = pdfLinks(pdf)
    expect(links.map((link) => link.page)).toEqual(now.map((folio) => front + folio))
    const scratchPdf = path.join(scratch, 'long.pdf')
    fs.writeFileSync(scratchPdf, await fromScratch())
    expect(pdfText(pdf).split('\f')).toEqual(pdfText(scratchPdf).split('\f'))
    expect(pdfLinks(pdf)).toEqual(pdfLinks(scratchPdf))
  })
})

describe('a German book', () => {
  it('shows hyphens only at line ends, never on more than two lines in a row (each run keeps to the limit)', async () => {
    const german = fs.readFileSync(path.join(import.meta.dirname, 'fixtures', 'scripts', 'german', 'input.md'), 'utf8')
    const root = tempProject({
      'handout.config.yaml': 'publications:\n  - name: de\n    title: Energie\n    lang: de\n    sources: content/*.md\n    sort: name\n    outputs: [book]\n',
      ...Object.fromEntries(Array.from({length: 3}, (_, index) => [`content/teil-${index + 1}.md`, german.replace('## Was ist', `## Teil ${index + 1}: Was ist`)]))
    })
    try {
      const built = await buildBook(root)
      expect(built.ok).toBe(true)
      const text = pdfText(path.join(root, 'dist', 'de.pdf'))
      expect(text).not.toContain('\u00AD')
      let row = 0
      let most = 0
      let hyphenated = 0
      for (const line of text.split('\n')) {
        const hyphen = /\p{L}[-\u2010]$/u.test(line.trimEnd())
        if (hyphen) hyphenated++
        row = hyphen ? row + 1 : 0
        most = Math.max(most, row)
      }
      // The text is hyphenated (its compounds break), but never three lines in a row.
      expect(hyphenated).toBeGreaterThan(3)
      expect(most, 'hyphenated lines in a row').toBeLessThanOrEqual(2)
    } finally {
      fs.rmSync(root, {recursive: true, force: true})
    }
  })
})
