/**
 * Slow: an article in each script (`tests/fixtures/scripts/<case>/input.md`)
 * built with the machine's fonts hidden from Chromium, read back the way a
 * reader's tools see it: `pdffonts` (only shipped fonts, embedded and
 * subset), no missing-glyph box drawn, `pdftotext -bbox-layout` (justified
 * lines aligned, hyphens only at line ends, Korean broken only at spaces),
 * the PDF's direction, and epubcheck (no message). The `code`
 * case has a code block, inline code and `<kbd>`: set in the shipped
 * monospace, in print and EPUB, the same bytes when built again.
 */
import {execFile as execFileCallback} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import JSZip from 'jszip'
import {PDFDocument} from 'pdf-lib'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {build} from '../scripts/index.js'
import {hiddenFontsConfig} from './support/hidden-fonts.js'
import {pageContent} from './support/page-content.js'
import {browser, environment, repo, run, tempDir} from './support/tools.js'

const execFile = promisify(execFileCallback)
const fixtures = path.join(import.meta.dirname, 'fixtures', 'scripts')
const cases = fs
  .readdirSync(fixtures)
  .filter((name) => fs.existsSync(path.join(fixtures, name, 'input.md')))
  .sort()
const epubcheckBatch = fileURLToPath(new URL('./support/EpubCheckBatch.java', import.meta.url))

/** The family each case must print with (besides the Latin Source families). */
const scriptFont: Record<string, RegExp | undefined> = {
  arabic: /^NotoNaskhArabic/,
  chinese: /^NotoSansSC/,
  code: /^SourceCodePro/,
  emoji: /^NotoEmoji/,
  german: undefined,
  hebrew: /^NotoSansHebrew/,
  hindi: /^NotoSerifDevanagari/,
  korean: /^NotoSansKR/
}
const shipped = /^(SourceSerif4|SourceSans3|SourceCodePro|NotoSerifDevanagari|NotoSansDevanagari|NotoNaskhArabic|NotoSansHebrew|NotoSansSC|NotoSansKR|NotoEmoji)/
const rightToLeft = new Set(['arabic', 'hebrew'])
/**
 * How far the full lines' edges may differ, in points. Devanagari measures up to
 * 2.7 pt off at line ends although the page looks flush (poppler's word boxes of
 * reordered vowel signs, most likely: not investigated further).
 */
const tolerance: Record<string, number> = {hindi: 3}
/** Cases whose line bottoms are their words' common bottom (`commonBottom`), not the deepest. */
const mixedDescents = new Set(['korean'])

let work: string
let out: string
let savedFontconfig: string | undefined

beforeAll(async () => {
  work = tempDir()
  out = path.join(work, 'dist')
  // Puppeteer starts Chromium with this process's environment: only the stand-in font is visible.
  savedFontconfig = process.env.FONTCONFIG_FILE
  process.env.FONTCONFIG_FILE = hiddenFontsConfig(path.join(work, 'fontconfig'))
  const root = path.join(work, 'project')
  for (const name of cases) {
    fs.mkdirSync(path.join(root, 'content'), {recursive: true})
    fs.copyFileSync(path.join(fixtures, name, 'input.md'), path.join(root, 'content', `${name}.md`))
  }
  const report = await build({root, inputs: ['content'], outDir: out, browser, templates: path.join(repo, 'templates')}, {}, environment)
  expect(report.ok, report.sources.flatMap((source) => source.file.messages.map(String)).join('\n')).toBe(true)
  for (const source of report.sources) expect(source.file.messages.map(String), source.name).toEqual([])
}, 300_000)

afterAll(() => {
  if (savedFontconfig === undefined) delete process.env.FONTCONFIG_FILE
  else process.env.FONTCONFIG_FILE = savedFontconfig
  fs.rmSync(work, {recursive: true, force: true})
})

interface FontRow {
  name: string
  embedded: boolean
  subset: boolean
}

function pdfFonts(file: string): FontRow[] {
  return run('pdffonts', [file])
    .split('\n')
    .slice(2)
    .filter(Boolean)
    .map((line) => {
      const columns = line.trim().split(/\s+/)
      // name … emb sub uni object ID: the flags are the fifth to third columns from the end.
      return {name: columns[0]!.replace(/^[A-Z]{6}\+/, ''), embedded: columns.at(-5) === 'yes', subset: columns.at(-4) === 'yes'}
    })
}

interface Line {
  xMin: number
  xMax: number
  y: number
  /** Each word's bottom (its baseline plus its font's descent; the lowest is the line's, but see `commonBottom`). */
  bottoms: number[]
  words: string[]
}

/**
 * The visual lines of page 1: poppler's words grouped by baseline (its own
 * lines split Arabic at marks and joiners), each with its horizontal extent.
 */
function visualLines(file: string): Line[] {
  const xml = run('pdftotext', ['-bbox-layout', '-f', '1', '-l', '1', file, '-'])
  const words = [...xml.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)]
    // A word's vertical centre: Arabic marks and emoji move a word's top and bottom, not its middle much.
    .map((word) => ({xMin: Number(word[1]), xMax: Number(word[3]), y: (Number(word[2]) + Number(word[4])) / 2, yMax: Number(word[4]), text: decode(word[5]!)}))
    .sort((a, b) => a.y - b.y)
  const groups: Array<typeof words> = []
  for (const word of words) {
    const group = groups.at(-1)
    if (group && word.y - group[0]!.y < 8) group.push(word)
    else groups.push([word])
  }
  // A line's height is the mean of its words' centres (Devanagari vowel signs make some words taller).
  const lines = groups.map((group) => ({
    xMin: Math.min(...group.map((word) => word.xMin)),
    xMax: Math.max(...group.map((word) => word.xMax)),
    y: group.reduce((sum, word) => sum + word.y, 0) / group.length,
    bottoms: group.map((word) => word.yMax),
    // Left to right (grouped by height, not by place in the line).
    words: [...group].sort((a, b) => a.xMin - b.xMin).map((word) => word.text)
  }))
  return lines
}

/**
 * The bottom most of a line's words share (the lowest of those that tie), for a script whose
 * lines mix fonts of other descents on one baseline: a word's bottom is its baseline plus its
 * font's descent, and a Korean line sets Latin digits and punctuation (Source Serif's descent)
 * among Hangul (Noto Sans KR's). (Arabic words' bottoms vary with their marks: the deepest counts.)
 */
function commonBottom(bottoms: number[]): number {
  const counts = new Map<number, number>()
  for (const bottom of bottoms) counts.set(bottom, (counts.get(bottom) ?? 0) + 1)
  const most = Math.max(...counts.values())
  return Math.max(...[...counts].filter(([, count]) => count === most).map(([bottom]) => bottom))
}

const decode = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')

/**
 * The first body paragraph of at least three lines: the first run of three or
 * more lines at one even line spacing (a paragraph's own leading; headings,
 * the masthead and paragraph gaps break a run).
 */
function justifiedParagraph(file: string): Line[] {
  const lines = visualLines(file)
  let run: Line[] = []
  for (const line of lines) {
    const previous = run.at(-1)
    const gap = previous ? line.y - previous.y : 0
    const leading = run.length >= 2 ? run[1]!.y - run[0]!.y : gap
    if (previous && gap > 10 && gap < 25 && Math.abs(gap - leading) < 3) run.push(line)
    else if (firstParagraph(run)) return firstParagraph(run)!
    // A run broken by a change of pitch (a heading's gap, then the paragraph's leading) starts again at the
    // line before, so a paragraph keeps its first line.
    else run = previous && gap > 10 && gap < 25 ? [previous, line] : [line]
  }
  if (firstParagraph(run)) return firstParagraph(run)!
  throw new Error(`No paragraph of three lines or more on page 1 of ${file}`)
}

/** The lines of `run` up to its first short one (a paragraph's last line), if that makes three or more. */
function firstParagraph(run: Line[]): Line[] | undefined {
  const start = Math.min(...run.map((line) => line.xMin))
  const end = Math.max(...run.map((line) => line.xMax))
  const last = run.findIndex((line) => line.xMin > start + 5 || line.xMax < end - 5)
  const lines = last === -1 ? run : run.slice(0, last + 1)
  return lines.length >= 3 ? lines : undefined
}

/** Spread (max − min) of the line edges of a paragraph but its last line, in points. */
function alignment(lines: Line[]): {start: number; end: number; lines: number} {
  const full = lines.slice(0, -1)
  const spread = (values: number[]) => Math.max(...values) - Math.min(...values)
  return {start: spread(full.map((line) => line.xMin)), end: spread(full.map((line) => line.xMax)), lines: lines.length}
}

describe.each(cases)('%s, printed with the system fonts hidden', (name) => {
  const pdf = () => path.join(out, `${name}.pdf`)

  // A face declared for a character its file lacks draws the missing-glyph box (glyph 0): Noto Sans
  // SC's subsets declare Hangul they do not draw, and Korean came out in boxes while SC kept them.
  it('draws no missing-glyph box', async () => {
    const document = await PDFDocument.load(fs.readFileSync(pdf()))
    const glyphs: string[] = []
    for (let index = 0; index < document.getPageCount(); index++) {
      // Chromium shows text as two-byte glyph ids in hex strings (`<0085> Tj`).
      for (const match of pageContent(document, index).matchAll(/<([0-9A-Fa-f]+)>\s*Tj/g)) glyphs.push(...(match[1]!.match(/.{4}/g) ?? []))
    }
    expect(glyphs.length).toBeGreaterThan(0)
    expect(glyphs.filter((glyph) => glyph === '0000')).toEqual([])
  })

  it('embeds only shipped fonts, subset, including its script’s', () => {
    const fonts = pdfFonts(pdf())
    expect(fonts.length).toBeGreaterThan(0)
    for (const font of fonts) {
      expect(font.name, font.name).toMatch(shipped)
      expect(font.embedded && font.subset, font.name).toBe(true)
    }
    const expected = scriptFont[name]
    if (expected) expect(fonts.some((font) => expected.test(font.name))).toBe(true)
  })

  it('justifies its paragraph: full lines share both edges (within 1 pt; Devanagari 3 pt)', () => {
    const lines = justifiedParagraph(pdf())
    const measured = alignment(lines)
    console.log(`${name}: ${measured.lines} lines; spread of full lines' starts ${measured.start.toFixed(2)} pt, ends ${measured.end.toFixed(2)} pt`)
    expect(measured.start).toBeLessThanOrEqual(tolerance[name] ?? 1)
    expect(measured.end).toBeLessThanOrEqual(tolerance[name] ?? 1)
    // The last line is not stretched: it ends short of the others (at the start side's opposite).
    const last = lines.at(-1)!
    const full = lines.slice(0, -1)
    if (rightToLeft.has(name)) expect(last.xMin).toBeGreaterThan(Math.min(...full.map((line) => line.xMin)) + 5)
    else expect(last.xMax).toBeLessThan(Math.max(...full.map((line) => line.xMax)) - 5)
  })

  // The Hindi fixture has an all-Devanagari **bold** and *italic* word: lines with them came out 2.25 pt
  // taller (17.25 pt against 15.0/15.75) until the script faces took the Source faces' vertical metrics.
  it.skipIf(name === 'emoji')('keeps an even line pitch through bold and italic words (within 1 pt)', () => {
    // Word bottoms are the baseline plus the font's descent (poppler uses the font's, not the glyph's):
    // even across lines set in the same fonts. Emoji lines mix in a font of another descent.
    const bottoms = justifiedParagraph(pdf()).map((line) => (mixedDescents.has(name) ? commonBottom(line.bottoms) : Math.max(...line.bottoms)))
    const pitches = bottoms.slice(1).map((bottom, index) => bottom - bottoms[index]!)
    console.log(`${name}: line pitch ${pitches.map((pitch) => pitch.toFixed(2)).join(', ')} pt`)
    expect(Math.max(...pitches) - Math.min(...pitches)).toBeLessThanOrEqual(1)
  })

  // Chromium breaks Korean between any two syllables unless told `word-break: keep-all` (print.css).
  if (name === 'korean')
    it('breaks Korean lines only at the spaces between words', () => {
      const source = fs.readFileSync(path.join(fixtures, name, 'input.md'), 'utf8').replace(/\*/g, '')
      const lines = justifiedParagraph(pdf())
      expect(lines.length).toBeGreaterThan(2)
      for (const [index, line] of lines.slice(0, -1).entries()) {
        const pair = `${line.words.at(-1)} ${lines[index + 1]!.words[0]}`
        expect(source, pair).toContain(pair)
      }
    })

  it('shows hyphens only at line ends, never on more than two lines in a row', () => {
    const text = run('pdftotext', ['-layout', pdf(), '-'])
    // No visible hyphen inside a line (none of these sources has one), and no soft hyphen
    // left in the text (`soft-hyphen-text.ts` takes Chromium's out).
    for (const line of text.split('\n')) expect(line.trimEnd().slice(0, -1), line).not.toMatch(/\p{L}[-\u2010](?=\p{L}|\s)/u)
    expect(text).not.toContain('\u00AD')
    let run_ = 0
    let most = 0
    for (const line of text.split('\n')) {
      run_ = /\p{L}[-\u2010]$/u.test(line.trimEnd()) ? run_ + 1 : 0
      most = Math.max(most, run_)
    }
    // Chromium has no `hyphenate-limit-lines`: the print is read back and fixed (limit-hyphen-runs.ts).
    console.log(`${name}: at most ${most} hyphenated line ends in a row`)
    expect(most, 'hyphenated lines in a row').toBeLessThanOrEqual(2)
  })

  it('sets the direction of the EPUB and its fonts', async () => {
    const zip = await JSZip.loadAsync(fs.readFileSync(path.join(out, `${name}.epub`)))
    const opf = await zip.file('OEBPS/content.opf')!.async('string')
    const chapter = await zip.file('OEBPS/article.xhtml')!.async('string')
    if (rightToLeft.has(name)) {
      expect(opf).toContain('page-progression-direction="rtl"')
      expect(chapter).toMatch(/<html[^>]* dir="rtl"/)
    } else {
      expect(opf).not.toContain('page-progression-direction')
      expect(chapter).toMatch(/<html[^>]* dir="ltr"/)
    }
    const fonts = Object.keys(zip.files).filter((entry) => entry.startsWith('OEBPS/fonts/') && !entry.endsWith('/'))
    if (name === 'german') expect(fonts).toEqual([])
    // Code alone: the monospace's subsets its code uses (Latin, Cyrillic and Greek in the fixture), nothing else.
    else if (name === 'code') expect(fonts.map((font) => path.basename(font)).sort()).toEqual(['latin', 'cyrillic', 'greek'].map((subset) => `source-code-pro-${subset}-400-normal.woff2`).sort())
    else expect(fonts.length).toBeGreaterThan(0)
    for (const font of fonts) expect(opf).toContain(`href="${font.slice('OEBPS/'.length)}" media-type="font/woff2"`)
  })
})

describe('code, printed with the system fonts hidden', () => {
  it('is set in the shipped monospace: regular, bold keywords, italic comments', () => {
    const names = pdfFonts(path.join(out, 'code.pdf')).map((font) => font.name)
    console.log(`code: ${names.join(', ')}`)
    for (const style of ['Regular', 'Bold', 'Italic'])
      expect(
        names.some((name) => new RegExp(`^SourceCodePro\\w*-${style}$`).test(name)),
        style
      ).toBe(true)
  })

  it('prints and packages the same bytes when built again', async () => {
    const root = path.join(work, 'again')
    fs.mkdirSync(path.join(root, 'content'), {recursive: true})
    fs.copyFileSync(path.join(fixtures, 'code', 'input.md'), path.join(root, 'content', 'code.md'))
    const again = path.join(work, 'dist-again')
    const report = await build({root, inputs: ['content'], outDir: again, browser, templates: path.join(repo, 'templates')}, {}, environment)
    expect(report.ok).toBe(true)
    for (const file of ['code.pdf', 'code.epub']) expect(fs.readFileSync(path.join(again, file)).equals(fs.readFileSync(path.join(out, file))), file).toBe(true)
  }, 120_000)
})

it('every EPUB passes epubcheck with no message', async () => {
  const epubs = cases.map((name) => path.join(out, `${name}.epub`))
  const {stdout} = await execFile('java', ['-XX:TieredStopAtLevel=1', '-cp', '/usr/share/java/epubcheck.jar', epubcheckBatch, ...epubs], {maxBuffer: 64 * 1024 * 1024}).catch(
    (error: {stdout?: string; message: string}) => ({stdout: error.stdout ?? error.message})
  )
  for (const epub of epubs) {
    const begin = stdout.indexOf(`EPUBCHECK-BEGIN ${epub}\n`)
    const end = stdout.indexOf(`EPUBCHECK-RESULT`, begin)
    const output = stdout.slice(begin, end)
    console.log(`${path.basename(epub)}: ${/Messages: .*/.exec(output)?.[0] ?? 'no result'}`)
    expect(output, path.basename(epub)).toMatch(/Messages: 0 fatals \/ 0 errors \/ 0 warnings/)
  }
}, 300_000)

it("a book of every script: no page shows glyphs of the next page's first line in its bottom margin", async () => {
  // Chromium paints a line on the page before too when its glyph boxes reach above its page (a
  // tight title line in Chinese or Devanagari, an emoji): the tops of those glyphs showed there.
  const root = path.join(work, 'book')
  fs.mkdirSync(path.join(root, 'content'), {recursive: true})
  for (const name of cases) fs.copyFileSync(path.join(fixtures, name, 'input.md'), path.join(root, 'content', `${name}.md`))
  fs.writeFileSync(path.join(root, 'handout.config.yaml'), 'publications:\n  - name: scripts\n    title: Every script\n    sources: content/*.md\n    sort: name\n    outputs: [book]\n')
  const report = await build({root, outDir: path.join(work, 'dist-book'), formats: ['pdf'], browser, templates: path.join(repo, 'templates')}, {}, environment)
  expect(report.ok).toBe(true)
  const xml = run('pdftotext', ['-bbox', path.join(work, 'dist-book', 'scripts.pdf'), '-'])
  const pages = xml.split('<page ').slice(1)
  expect(pages.length).toBeGreaterThanOrEqual(cases.length + 3)
  const stray: string[] = []
  let checked = 0
  for (const [index, page] of pages.entries()) {
    const words = [...page.matchAll(/<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((word) => ({
      yMin: Number(word[1]),
      yMax: Number(word[2]),
      text: word[3]!
    }))
    // A body page's footer ("Page N of M") is its lowest line; nothing else may reach down into it.
    const footer = Math.max(...words.map((word) => word.yMin))
    if (!words.some((word) => word.text === 'Page' && Math.abs(word.yMin - footer) <= 1)) continue
    checked++
    for (const word of words) if (Math.abs(word.yMin - footer) > 1 && word.yMax > footer) stray.push(`page ${index + 1}: ${word.text}`)
  }
  // Every page of the body (after cover, title page and contents) has its footer.
  expect(checked).toBe(pages.length - 3)
  expect(stray).toEqual([])
}, 300_000)
