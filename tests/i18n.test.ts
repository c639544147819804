/**
 * Languages and scripts without a browser: labels by language, direction,
 * hyphenation of the print tree only where it belongs, the script fonts a
 * page declares, quotes in titles, and the fonts an EPUB embeds.
 */
import path from 'node:path'
import type {Root} from 'hast'
import {toHtml} from 'hast-util-to-html'
import {describe, expect, it} from 'vitest'
import {scriptFontsCss} from '../scripts/content/shipped-fonts.js'
import {scriptFontsFor} from '../scripts/render/render-print.js'
import {codeTextOf, epubFonts} from '../scripts/epub/epub-fonts.js'
import {createProcessor} from '../scripts/markdown/processor.js'
import {parseDocument} from '../scripts/parse/parse-document.js'
import {hyphenateTree} from '../scripts/render/hyphenate-print.js'
import {labelsFor, parseLabelTable, richLabelsFor} from '../scripts/render/labels.js'
import {renderPrint} from '../scripts/render/render-print.js'
import {loadTemplates} from '../scripts/render/templates.js'
import {repo} from './support/tools.js'

const SHY = '\u00AD'
const templates = await loadTemplates(path.join(repo, 'templates'))
const processor = createProcessor({root: repo})

describe('labels', () => {
  it('come from templates/labels.yaml, by primary language, English for the rest', () => {
    expect(labelsFor('hi').pageOf).toBe('पृष्ठ {page} / {pages}')
    expect(labelsFor('fr-CA').contents).toBe('Sommaire')
    expect(labelsFor('ar').numbers).toBe('arabic-indic')
    expect(labelsFor('zh').kicker).toBe('解读')
    expect(labelsFor('ko-KR').contents).toBe('목차')
    expect(labelsFor('hi').numbers).toBe('decimal')
    expect(labelsFor('xx').kicker).toBe('Explainer')
    for (const lang of ['en', 'hi', 'fr', 'de', 'es', 'ru', 'uk', 'ar', 'he', 'zh', 'ko']) {
      const labels = labelsFor(lang)
      expect(Object.keys(templates.labels[lang] ?? {}), lang).toEqual(expect.arrayContaining(['kicker', 'pageOf', 'contents', 'notes', 'figure', 'table']))
      expect(labels.pageOf, lang).toMatch(/\{page\}.*\{pages\}/)
    }
  })

  it("have callout titles in every language of the package's labels.yaml", () => {
    const english = richLabelsFor('en')
    for (const lang of Object.keys(templates.labels).filter((lang) => lang !== 'en')) {
      const rich = richLabelsFor(lang)
      expect(rich.note, lang).not.toBe(english.note)
      expect(rich.warning, lang).not.toBe(english.warning)
    }
    expect(richLabelsFor('ru-RU').note).toBe('Примечание')
  })

  it('make ar, he, fa, ur right-to-left, listed or not', () => {
    for (const lang of ['ar', 'he-IL', 'fa', 'ur']) expect(labelsFor(lang).dir, lang).toBe('rtl')
    for (const lang of ['en', 'hi', 'zh']) expect(labelsFor(lang).dir, lang).toBe('ltr')
  })

  it('name the language and key of a wrong entry', () => {
    expect(() => parseLabelTable('fr:\n  numbers: "x; y"\n')).toThrow(/`fr\.numbers`/)
  })
})

describe('hyphenation for print', () => {
  const tree = (): Root => ({
    type: 'root',
    children: [
      {type: 'element', tagName: 'h2', properties: {}, children: [{type: 'text', value: 'Bundesverfassungsgericht'}]},
      {
        type: 'element',
        tagName: 'p',
        properties: {},
        children: [
          {type: 'text', value: 'Das Bundesverfassungsgericht prüft '},
          {type: 'element', tagName: 'code', properties: {}, children: [{type: 'text', value: 'Verfassungsbeschwerde'}]},
          {type: 'text', value: ' unter https://www.bundesverfassungsgericht.de '},
          {type: 'element', tagName: 'a', properties: {href: 'https://example.org'}, children: [{type: 'text', value: 'Verfassungsbeschwerde'}]}
        ]
      }
    ]
  })

  it('puts soft hyphens in running text only: not headings, code, links or URLs', () => {
    const german = tree()
    hyphenateTree(german, 'de')
    const html = toHtml(german)
    expect(html).toContain(`Bun${SHY}des${SHY}ver${SHY}fas${SHY}sungs${SHY}ge${SHY}richt prüft`)
    expect(html).toContain('<h2>Bundesverfassungsgericht</h2>')
    expect(html).toContain('<code>Verfassungsbeschwerde</code>')
    expect(html).toContain('https://www.bundesverfassungsgericht.de')
    expect(html).toContain('>Verfassungsbeschwerde</a>')
  })

  it('remembers words and texts per language: the same text in British, then American English, breaks each its own way', () => {
    const paragraph = (): Root => ({type: 'root', children: [{type: 'element', tagName: 'p', properties: {}, children: [{type: 'text', value: 'A presentation on knowledge and philosophy.'}]}]})
    const british = `A present${SHY}a${SHY}tion on know${SHY}ledge and philo${SHY}sophy.`
    const american = `A pre${SHY}sen${SHY}ta${SHY}tion on knowl${SHY}edge and phi${SHY}los${SHY}o${SHY}phy.`
    for (const [lang, expected] of [
      ['en-GB', british],
      ['en-US', american],
      ['en-GB', british],
      ['en-US', american]
    ] as const) {
      const tree = paragraph()
      hyphenateTree(tree, lang)
      expect(toHtml(tree)).toBe(`<p>${expected}</p>`)
    }
  })

  it('leaves languages without patterns alone', () => {
    const hindi = tree()
    hyphenateTree(hindi, 'hi')
    expect(toHtml(hindi)).not.toContain(SHY)
  })
})

describe('print page', () => {
  const document = async (name: string) => {
    const folder = path.join(repo, 'tests', 'fixtures', 'scripts', name)
    const {document} = await parseDocument(processor, {path: path.join(folder, 'input.md'), name}, {cwd: folder})
    return document!
  }

  it('is right-to-left for Hebrew, with the running head and footer sides swapped', async () => {
    const {html} = renderPrint(templates, await document('hebrew'))
    expect(html).toContain('<html lang="he" dir="rtl">')
    expect(html).toContain('@top-right { content:')
    expect(html).toMatch(/@bottom-left \{ content: "\\5e2 [^;]*counter\(page, decimal\)/)
    expect(html).toContain("font-family: 'Source Serif 4'")
    expect(html).toContain('noto-sans-hebrew-hebrew-400-normal.woff2')
    expect(html).not.toContain('noto-sans-sc')
  })

  it('is justified and hyphenated in German, ragged and unhyphenated with `justify: false`', async () => {
    const german = await document('german')
    const justified = renderPrint(templates, german).html
    expect(justified).toContain('class="body justified"')
    expect(justified).toContain(SHY)
    // The title has German quotes.
    expect(german.meta.title).toBe('Die ‚Energiewende‘ und ihre Grenzen')
    const ragged = renderPrint(templates, {...german, meta: {...german.meta, justify: false}}).html
    expect(ragged).toContain('class="body"')
    expect(ragged).not.toContain(SHY)
    // Latin text declares no other script's font.
    expect(ragged).not.toContain('@font-face')
  })
})

describe('fonts by script', () => {
  it('declares only the subsets the text uses, under the template families', () => {
    const css = scriptFontsCss([...'中文 and हिन्दी'].map((char) => char.codePointAt(0)!))
    expect(css).toContain('noto-serif-devanagari-devanagari-400-normal.woff2')
    expect(css).toContain('noto-sans-devanagari-devanagari-700-normal.woff2')
    // Every script face places an inline box as the Source face it extends does (an even line pitch).
    for (const rule of css.split('\n')) {
      if (rule.includes("'Source Serif 4'")) expect(rule).toContain('ascent-override: 103.6%; descent-override: 33.5%; line-gap-override: 0%;')
      else expect(rule).toContain('ascent-override: 102.4%; descent-override: 40%; line-gap-override: 0%;')
    }
    expect(css).not.toContain('noto-naskh-arabic')
    expect(css.match(/noto-sans-sc-\d+-400/g)?.length).toBeGreaterThan(0)
    expect(scriptFontsCss([...'plain English, “quoted” – 5 €'].map((char) => char.codePointAt(0)!))).toBe('')
  })

  it("finds a page's scripts in any string of its template data, astral code points whole", () => {
    const codePoints = (text: string) => [...text].map((char) => char.codePointAt(0)!)
    expect(scriptFontsFor({title: 'Plain', nested: [{body: 'then हिन्दी', n: 3}]})).toBe(scriptFontsCss(codePoints('हिन्दी')))
    // U+1F600 is one code point in two code units: the emoji font's range holds it, not its halves.
    const emoji = scriptFontsFor({body: 'x \u{1F600} y'})
    expect(emoji).not.toBe('')
    expect(emoji).toBe(scriptFontsCss([0x1f600]))
    expect(scriptFontsFor({body: 'x 中 y'}, 'and ש')).toBe(scriptFontsCss(codePoints('中ש')))
    expect(scriptFontsFor({body: 'ASCII only'})).toBe('')
  })

  it('embeds in an EPUB only what its text needs', () => {
    expect(epubFonts(['Plain English, “quoted”.'])).toBeUndefined()
    const hebrew = epubFonts(['שלום עולם'])!
    expect(hebrew.files.map((file) => file.href)).toEqual(['fonts/noto-sans-hebrew-hebrew-400-normal.woff2'])
    expect(hebrew.css).toContain('unicode-range:')
  })

  it("leaves the characters of the reader's Latin fonts out of every embedded face: an emoji font sets no digits", () => {
    const covers = (range: string, codePoint: number) =>
      range.split(',').some((part) => {
        const [start = '', end = start] = part.trim().replace(/^U\+/i, '').split('-')
        return codePoint >= Number.parseInt(start, 16) && codePoint <= Number.parseInt(end, 16)
      })
    const fonts = epubFonts(['Emoji 🙂 on 29 November 2026, #1 * 2 ©; हिन्दी १२; 中文 2026; שלום 12'])!
    const ranges = [...fonts.css.matchAll(/font-family: "([^"]+)";[^}]*unicode-range: ([^;]+);/g)].map((match) => [match[1]!, match[2]!] as const)
    expect(ranges.map(([family]) => family)).toEqual(expect.arrayContaining(['Noto Emoji', 'Noto Serif Devanagari', 'Noto Sans SC', 'Noto Sans Hebrew']))
    for (const [family, range] of ranges) for (const char of '0123456789#*©Aa ,.') expect(covers(range, char.codePointAt(0)!), `${family} covers ${char}`).toBe(false)
    expect(ranges.some(([family, range]) => family === 'Noto Emoji' && covers(range, 0x1f642))).toBe(true)
  })

  it('embeds the monospace only for code, and only the subsets the code uses', () => {
    expect(epubFonts(['Plain English'], [''])).toBeUndefined()
    const latin = epubFonts(['Plain English'], ['print(x)'])!
    expect(latin.files.map((file) => file.href)).toEqual(['fonts/source-code-pro-latin-400-normal.woff2'])
    expect(latin.css).toContain('code, pre, kbd, samp { font-family: "Source Code Pro", monospace; }')
    // Hebrew prose and Greek code: the script face for the prose, the Greek (not Latin) monospace for the code,
    // and code falls back to the script family for letters the monospace lacks.
    const mixed = epubFonts(['שלום'], ['κόσμε'])!
    expect(mixed.files.map((file) => file.href)).toEqual(['fonts/noto-sans-hebrew-hebrew-400-normal.woff2', 'fonts/source-code-pro-greek-400-normal.woff2'])
    expect(mixed.css).toContain('code, pre, kbd, samp { font-family: "Source Code Pro", "Noto Sans Hebrew", monospace; }')
  })

  it('reads the code of a document: blocks, inline code and keys, each once', async () => {
    const folder = path.join(repo, 'tests', 'fixtures', 'scripts', 'code')
    const {document} = await parseDocument(processor, {path: path.join(folder, 'input.md'), name: 'code'}, {cwd: folder})
    const code = codeTextOf(document!.tree)
    expect(code).toContain('open(path, encoding="utf8")')
    expect(code).toContain('greeting = "Привет, κόσμε"')
    expect(code).toContain('Ctrl')
    expect(code).not.toContain('Every service')
    expect(code.split('def errors_per_day').length).toBe(2)
  })
})
