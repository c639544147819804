/**
 * Slow: the sample worksheet (`content/worksheets/physics-worksheet.md`), which
 * uses every kind of rich content, through both outputs: built with no
 * message, its PDF read back as text and fonts (KaTeX's embedded), its EPUB
 * by its entries, epubcheck and Ace.
 */
import fs from 'node:fs'
import path from 'node:path'
import JSZip from 'jszip'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {build, type BuildReport} from '../scripts/index.js'
import {hyphenRuns} from '../scripts/pdf/hyphen-runs.js'
import {ace} from './support/ace.js'
import {browser, environment, epubcheck, pdfText, repo, run, tempProject} from './support/tools.js'

const sample = (name: string) => fs.readFileSync(path.join(repo, 'content', name))
let project: string
let report: BuildReport
let pages: string[]
let chapter: string
let opf: string

beforeAll(async () => {
  project = tempProject({
    'content/worksheets/physics-worksheet.md': sample('worksheets/physics-worksheet.md'),
    'content/worksheets/references.bib': sample('worksheets/references.bib'),
    'content/images/monsoon-rainfall.png': sample('images/monsoon-rainfall.png')
  })
  report = await build({root: project, browser}, {}, environment)
  pages = pdfText(path.join(project, 'dist', 'physics-worksheet.pdf')).split('\f')
  const zip = await JSZip.loadAsync(fs.readFileSync(path.join(project, 'dist', 'physics-worksheet.epub')))
  chapter = await zip.file('OEBPS/article.xhtml')!.async('string')
  opf = await zip.file('OEBPS/content.opf')!.async('string')
}, 180_000)
afterAll(() => fs.rmSync(project, {recursive: true, force: true}))

describe('rich content worksheet', () => {
  it('builds with no message', () => {
    const source = report.sources.find((item) => item.name === 'physics-worksheet')!
    expect(source.failed).toBe(false)
    expect(source.file.messages.map(String)).toEqual([])
  })

  it('prints typeset math in embedded KaTeX fonts, never its TeX', () => {
    const fonts = run('pdffonts', [path.join(project, 'dist', 'physics-worksheet.pdf')])
    const katex = fonts.split('\n').filter((line) => /KaTeX_/.test(line))
    expect(katex.length).toBeGreaterThan(0)
    // Columns: name type encoding emb sub uni; every KaTeX font embedded.
    for (const line of katex) expect(line).toMatch(/\byes\s+yes\s+yes\b/)
    const text = pages.join('\n')
    expect(text).not.toMatch(/\\frac|\\int|\$E|mc\^2/)
  })

  it('prints callouts, numbered captions, references, citations and contents in words', () => {
    const text = pages.join('\n').replace(/\s+/g, ' ')
    for (const word of ['NOTE', 'TIP', 'IMPORTANT', 'WARNING', 'CAUTION', 'WORKED EXAMPLE', 'CONTENTS']) expect(text).toContain(word)
    expect(text).toContain('Figure 1: Monsoon rainfall by month')
    expect(text).toContain('Table 1: SI units used in this worksheet')
    expect(text).toMatch(/Figure 1 shows the rainfall; Table 1 lists the units \(Feynman et al\., 1963, p\. 12\)/)
    expect(text).toContain('References')
    expect(text).toContain('The Feynman Lectures on Physics')
    // `<details>` printed open; sub/superscript as text, not tildes.
    expect(text).toContain('The ball has 9 J of kinetic energy.')
    expect(text).not.toMatch(/H~2~O|x\^2\^/)
  })

  it('breaks the page where the author wrote \\newpage', () => {
    const before = pages.findIndex((page) => page.includes('SI units used in this worksheet'))
    // The last mention: the first is in the contents.
    const after = pages.findLastIndex((page) => page.includes('Computing it'))
    expect(after).toBe(before + 1)
    // Its first line after the running head is the heading.
    const lines = pages[after]!.split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
    expect(lines[1]).toBe('Computing it')
  })

  it('highlights code with wrapped lines numbered once', () => {
    const text = pages.join('\n')
    expect(text).toMatch(/1 def kinetic_energy\(mass: float, speed: float\) -> float:/)
    expect(text).toMatch(/5 print\(kinetic_energy\(2, 3\)\)/)
  })

  it('gives the EPUB MathML with the TeX as alttext, in a manifest item marked mathml', () => {
    expect(chapter).toContain('<math xmlns="http://www.w3.org/1998/Math/MathML" alttext="E = mc^2" dir="ltr">')
    expect(chapter).toContain('<annotation encoding="application/x-tex">a\\,b</annotation>')
    expect(chapter).not.toContain('katex-html')
    expect(chapter).not.toContain('page-break')
    expect(opf).toMatch(/href="article\.xhtml" media-type="application\/xhtml\+xml" properties="mathml"/)
    // (The page-list's probe id may follow the role.)
    expect(chapter).toMatch(/<aside class="callout callout-note" role="note"(?: id="[\w-]+")?>\s*<p class="callout-title">Note<\/p>/)
    expect(chapter).toContain('<span class="pl-k">def</span>')
  })

  it('passes epubcheck', () => {
    const result = epubcheck(path.join(project, 'dist', 'physics-worksheet.epub'))
    expect(result, result.output).toMatchObject({fatals: 0, errors: 0, warnings: 0})
  }, 120_000)

  it('passes Ace', async () => {
    expect(await ace(path.join(project, 'dist', 'physics-worksheet.epub'))).toEqual([])
  }, 400_000)
})

describe('rich content on a right-to-left page', () => {
  const hebrew = [
    '---',
    'title: מחזור המים',
    'lang: he',
    'date: 2024-04-05',
    '---',
    '',
    'האנרגיה היא $E = mc^2$ בקירוב.',
    '',
    'Table: ממוצע משקעים {#tbl:rain}',
    '',
    '| חודש | משקעים |',
    '| --- | ---: |',
    '| דצמבר | 120 |',
    '',
    '::: note',
    'נתוני המשקעים משוערים.',
    ':::',
    ''
  ].join('\n')

  it('reads formulas left to right, and sets the table caption at the right, where the line starts', async () => {
    const root = tempProject({'content/hebrew.md': hebrew})
    try {
      const built = await build({root, browser, formats: ['pdf']}, {}, environment)
      expect(built.ok).toBe(true)
      const words = [...run('pdftotext', ['-bbox', path.join(root, 'dist', 'hebrew.pdf'), '-']).matchAll(/<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g)].map(
        (word) => ({xMin: Number(word[1]), xMax: Number(word[2]), text: word[3]!})
      )
      // pdftotext gives right-to-left words in visual order, reversed.
      const at = (text: string) => words.find((word) => word.text === text || word.text === [...text].reverse().join(''))
      // E, then =, then mc: left to right, although the paragraph around them runs right to left.
      expect(at('E')!.xMin).toBeLessThan(at('=')!.xMin)
      expect(at('=')!.xMin).toBeLessThan(at('mc')!.xMin)
      // The caption starts at the table's right edge, where its first column "חודש" does, not at the left.
      expect(Math.abs(at('טבלה')!.xMax - at('חודש')!.xMax)).toBeLessThan(2)
    } finally {
      fs.rmSync(root, {recursive: true, force: true})
    }
  }, 120_000)
})

describe('notes', () => {
  it('keeps two-digit note numbers inside the text block', async () => {
    const body = Array.from({length: 12}, (_, index) => `Sentence ${index + 1}.[^${index + 1}]`).join(' ')
    const notes = Array.from({length: 12}, (_, index) => `[^${index + 1}]: Note number ${index + 1}.`).join('\n')
    const root = tempProject({'content/notes.md': `---\ntitle: Notes\ndate: 2024-04-05\n---\n\n${body}\n\n${notes}\n`})
    try {
      const built = await build({root, browser, formats: ['pdf']}, {}, environment)
      expect(built.ok).toBe(true)
      const words = [...run('pdftotext', ['-bbox', path.join(root, 'dist', 'notes.pdf'), '-']).matchAll(/<word xMin="([\d.]+)" yMin="[\d.]+" xMax="[\d.]+" yMax="[\d.]+">([^<]*)<\/word>/g)].map(
        (word) => ({
          xMin: Number(word[1]),
          text: word[2]!
        })
      )
      // The text block starts where the first paragraph does; the notes' "10." to "12." start inside it.
      const left = words.find((word) => word.text === 'Sentence')!.xMin
      const markers = words.filter((word) => /^1[0-2]\.$/.test(word.text) && word.xMin < left + 20)
      expect(markers).toHaveLength(3)
      for (const marker of markers) expect(marker.xMin, marker.text).toBeGreaterThanOrEqual(left)
    } finally {
      fs.rmSync(root, {recursive: true, force: true})
    }
  }, 120_000)
})

describe('numbered lists', () => {
  it('keep two- and three-digit numbers inside the text block', async () => {
    const list = (count: number, word: string) => Array.from({length: count}, (_, index) => `${index + 1}. ${word} ${index + 1}.`).join('\n')
    const root = tempProject({'content/lists.md': `---\ntitle: Lists\ndate: 2024-04-05\n---\n\nSentence of body text.\n\n${list(12, 'Item')}\n\nSentence between.\n\n${list(102, 'Entry')}\n`})
    try {
      const built = await build({root, browser, formats: ['pdf']}, {}, environment)
      expect(built.ok).toBe(true)
      const words = [...run('pdftotext', ['-bbox', path.join(root, 'dist', 'lists.pdf'), '-']).matchAll(/<word xMin="([\d.]+)" yMin="[\d.]+" xMax="[\d.]+" yMax="[\d.]+">([^<]*)<\/word>/g)].map(
        (word) => ({xMin: Number(word[1]), text: word[2]!})
      )
      // The text block starts where a paragraph does; the markers are the numbers at the start of a line.
      const left = words.find((word) => word.text === 'Sentence')!.xMin
      const markers = words.filter((word) => /^\d{2,3}\.$/.test(word.text) && word.xMin < left + 20)
      // "10." to "12." of the first list, "10." to "102." of the second (the words "Item 10." are further in).
      expect(markers.length).toBe(3 + 93)
      for (const marker of markers) expect(marker.xMin, marker.text).toBeGreaterThanOrEqual(left)
    } finally {
      fs.rmSync(root, {recursive: true, force: true})
    }
  }, 120_000)
})

describe('numbered code', () => {
  it('prints three-digit line numbers on their line, in a gutter wide enough', async () => {
    const lines = Array.from({length: 141}, (_, index) => `x_${index + 1} = compute(value_${index + 1}, factor=${index + 1})  # step ${index + 1}`).join('\n')
    const root = tempProject({'content/code.md': `---\ntitle: Code\ndate: 2024-04-05\n---\n\n\`\`\`python numbers\n${lines}\n\`\`\`\n`})
    try {
      const built = await build({root, browser, formats: ['pdf']}, {}, environment)
      expect(built.ok).toBe(true)
      const text = pdfText(path.join(root, 'dist', 'code.pdf'))
      // Each number is followed by its own line's code (a wrapped number printed "11" above "6").
      for (const number of [9, 99, 100, 116, 141]) expect(text, String(number)).toMatch(new RegExp(`^\\s*${number} x_${number} = compute`, 'm'))
    } finally {
      fs.rmSync(root, {recursive: true, force: true})
    }
  }, 120_000)
})

describe('code at the foot of a page', () => {
  // Sections that each start a page: ever more lines of text, then one source line that wraps to two
  // rows, then two short source lines. One of them meets the foot of the page.
  const sections = Array.from({length: 24}, (_, index) => {
    const filler = Array.from({length: 24 + index}, (_, line) => `Line ${line + 1} of section ${index + 1}.`).join('\n\n')
    const code = `var head${index} = require('buffer/').Buffer // a note long enough that this source line wraps onto a second row: tail${index}`
    return `${filler}\n\n\`\`\`js\n${code}\nfirst${index}()\nlast${index}()\n\`\`\`\n\nAfter ${index + 1}.\n`
  })
  let codePages: string[]

  beforeAll(async () => {
    const root = tempProject({'content/code.md': `---\ntitle: Code at the foot\n---\n\n${sections.join('\n\\newpage\n\n')}`})
    const built = await build({root, browser, formats: ['pdf']}, {}, environment)
    expect(built.ok).toBe(true)
    codePages = pdfText(path.join(root, 'dist', 'code.pdf')).split('\f')
    fs.rmSync(root, {recursive: true, force: true})
  }, 180_000)

  it("keeps a wrapped source line whole, and a block's first and last two lines together", () => {
    const pageOf = (text: string) => codePages.findIndex((page) => page.includes(text))
    for (let index = 0; index < sections.length; index++) {
      expect(pageOf(`tail${index}`), `section ${index + 1}`).toBe(pageOf(`head${index}`))
      expect(pageOf(`first${index}`), `section ${index + 1}`).toBe(pageOf(`head${index}`))
      expect(pageOf(`last${index}`), `section ${index + 1}`).toBe(pageOf(`first${index}`))
    }
    // Some block did meet the foot of a page: it went to the next one.
    expect(sections.some((_, index) => pageOf(`head${index}`) !== pageOf(`Line 1 of section ${index + 1}.`))).toBe(true)
  })
})

describe('a long URL in justified text', () => {
  it('breaks where the URL goes on, so the line before it is not stretched', async () => {
    const link = 'https://example.org/a/very/long/path/that/keeps/going/and/going/without/any/break/at/all/index.html?query=string&another=value'
    const root = tempProject({'content/url.md': `---\ntitle: A URL\n---\n\nTravelling waves move. A very long URL: <${link}>\n`})
    const built = await build({root, browser, formats: ['pdf']}, {}, environment)
    expect(built.ok).toBe(true)
    const file = path.join(root, 'dist', 'url.pdf')
    const [pdf, text] = [new Uint8Array(fs.readFileSync(file)), pdfText(file)]
    fs.rmSync(root, {recursive: true, force: true})
    // The widest space of any line less its natural width, in ems: over 0.5 em is a loose line.
    expect((await hyphenRuns(pdf, 2)).looseness).toBeLessThan(0.3)
    // The URL is all there, on two lines.
    expect(text.replace(/\s+/g, '')).toContain(link)
  }, 120_000)
})
