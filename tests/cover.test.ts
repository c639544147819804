/**
 * The generated cover: text set in the shipped fonts (line breaks by their
 * real widths, long titles shrunk then cut), drawn as outlines, rasterised to
 * a 1200 × 1800 PNG without a browser, the same bytes every time.
 */
import {pathToFileURL} from 'node:url'
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import ejs from 'ejs'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {draw, measure, setLines, wrap, type TextStyle} from '../scripts/cover/cover-text.js'
import {coversPerWorker} from '../scripts/cover/cover-worker.js'
import {coverSvg, renderCover} from '../scripts/cover/render-cover.js'
import {repo} from './support/tools.js'

const title: TextStyle = {family: 'Source Sans 3', weight: 700, size: 104, lineHeight: 1.06, letterSpacing: -0.01}
const template = ejs.compile(fs.readFileSync(path.join(repo, 'templates', 'cover.svg'), 'utf8'))
const sample = {lang: 'en', title: 'Resurgence of Islamic State-Khorasan (IS-K)', kicker: 'Explainer', publisher: 'SRIRAM’s', dateText: '5 April 2024'}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Uint8Array): {width: number; height: number} {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength)
  return {width: view.getUint32(16), height: view.getUint32(20)}
}

describe('cover text', () => {
  it("measures with the fonts' widths: wider text, wider bold, kerning applied", () => {
    const regular = {...title, weight: 400, letterSpacing: 0}
    expect(measure('Resurgence', title)).toBeGreaterThan(measure('Resurgenc', title))
    expect(measure('Resurgence', {...title, letterSpacing: 0})).toBeGreaterThan(measure('Resurgence', regular))
    // "AV" is kerned tighter than the sum of its letters.
    expect(measure('AV', regular)).toBeLessThan(measure('A', regular) + measure('V', regular))
  })

  it('breaks the sample title where a browser does, into lines no wider than the measure', () => {
    expect(wrap(sample.title, title, 980)).toEqual(['Resurgence of Islamic', 'State-Khorasan (IS-K)'])
  })

  it('never sets a line wider than the measure, whatever the words (property)', () => {
    const word = fc.stringMatching(/^[A-Za-zÀ-ÿ’(),.-]{1,40}$/)
    fc.assert(
      fc.property(fc.array(word, {minLength: 1, maxLength: 30}), fc.integer({min: 200, max: 1000}), (words, width) => {
        const lines = wrap(words.join(' '), title, width)
        expect(lines.join(' ').replace(/\s/g, '')).toBe(words.join('').replace(/\s/g, ''))
        for (const line of lines) expect(measure(line, title)).toBeLessThanOrEqual(width + 1e-6)
      }),
      {numRuns: 200}
    )
  })

  it('shrinks a long title to fit its lines, then cuts it with an ellipsis', () => {
    const long = 'A very long title that goes on and on about critical minerals, supply chains and geopolitics'
    const fitted = setLines(long, title, 980, 4)
    expect(fitted.lines.length).toBeLessThanOrEqual(4)
    expect(fitted.style.size).toBeLessThan(104)
    expect(fitted.style.size).toBeGreaterThanOrEqual(104 * 0.6)
    const cut = setLines(long.repeat(5), title, 980, 3)
    expect(cut.lines).toHaveLength(3)
    expect(cut.lines[2]).toMatch(/…$/)
    expect(cut.style.size).toBe(Math.round(104 * 0.6))
    for (const line of cut.lines) expect(measure(line, cut.style)).toBeLessThanOrEqual(980)
  })

  it('draws glyph outlines with finite coordinates, other scripts in their shipped faces, and system-font runs only for characters no shipped face has', () => {
    const latin = draw('Ελληνικά, Кириллица, Zoë — 1.5', title, 110, 330.36800000000005)
    expect(latin).toMatch(/^<path d="M[\d. MLQCZ-]+"\/>$/)
    expect(latin).not.toContain('NaN')
    // Chinese, Devanagari, Korean, emoji, Arabic and Hebrew as print sets them: outlines of the shipped Noto faces.
    for (const other of ['Title 中文', 'नमस्ते दुनिया', '한국어', '🎉', 'اللغة العربية', 'Title שלום']) {
      const drawn = draw(other, title, 0, 100, 'fill="#fff"')
      expect(drawn, other).toMatch(/^(<path d="M[\d. MLQCZ-]+" fill="#fff"\/>)+$/)
    }
    // Thai: no shipped face.
    const thai = draw('Title ไทย', title, 0, 100, 'fill="#fff"')
    expect(thai).toMatch(/<path d="[^"]+" fill="#fff"\/><text x="[\d.]+" y="100" font-size="104" font-weight="700" fill="#fff">ไทย<\/text>$/)
  })

  it('orders a line by the bidirectional algorithm: right-to-left words from the right, Latin and numbers whole within them', () => {
    // The glyphs of a line are drawn from left to right: the outline of a line starts with that of its leftmost word.
    const outline = (text: string, dir: 'ltr' | 'rtl') => /<path d="([^"]+)"/.exec(draw(text, {...title, dir}, 0, 100))![1]!
    // A right-to-left line: its first word (logically) is at the right, its last at the left.
    expect(outline('א בבבבבבבב', 'rtl').startsWith(outline('בבבבבבבב', 'rtl'))).toBe(true)
    expect(outline('ABC שלום', 'rtl').startsWith(outline('שלום', 'rtl'))).toBe(true)
    expect(outline('שלום ABC', 'rtl').startsWith(outline('ABC', 'rtl'))).toBe(true)
    // A date: the day at the right, the year at the left, each read left to right.
    expect(outline('5 באפריל 2024', 'rtl').startsWith(outline('2024', 'rtl'))).toBe(true)
    // The same Hebrew word in a left-to-right line keeps its place.
    expect(outline('ABC שלום', 'ltr').startsWith(outline('ABC', 'ltr'))).toBe(true)
    // Without a direction, the first letter's: a Hebrew line is right to left, an English one left to right.
    expect(outline('שלום ABC', undefined as unknown as 'rtl').startsWith(outline('ABC', 'rtl'))).toBe(true)
    expect(outline('ABC שלום', undefined as unknown as 'ltr').startsWith(outline('ABC', 'ltr'))).toBe(true)
    // Brackets in a right-to-left line are mirrored: "(word)" still shows "(" at the left.
    expect(outline('(שלום)', 'rtl').startsWith(outline('(', 'ltr'))).toBe(true)
    expect(outline('(שלום)', 'rtl').startsWith(outline(')', 'ltr'))).toBe(false)
  })
})

describe('cover image', () => {
  it('rasterises the filled template to a 1200 × 1800 PNG, the same bytes every time', async () => {
    const svg = coverSvg(template, sample)
    expect(svg).not.toContain('<text')
    const [first, second] = [await renderCover(svg), await renderCover(svg)]
    expect(Buffer.from(first.subarray(1, 4)).toString()).toBe('PNG')
    expect(pngSize(first)).toEqual({width: 1200, height: 1800})
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true)
  })

  it('escapes what the text gives the template: markup in a title is drawn, never parsed', () => {
    const svg = coverSvg(template, {...sample, title: '</svg><script>alert(1)</script> ไ & <b>'})
    expect(svg).not.toMatch(/<script|<b>|<\/svg><script/)
    expect(svg).toContain('<text')
    expect(svg).toContain('>ไ</text>')
  })

  it('sets its lines flush left, or flush right in a right-to-left language', () => {
    // The x coordinates of the title's outlines (the only text drawn in white without opacity).
    const xs = (svg: string) => [...svg.matchAll(/<path d="([^"]+)" fill="#fff"\/>/g)].flatMap(([, d]) => [...d!.matchAll(/[ML](-?[\d.]+) /g)].map((match) => Number(match[1])))
    const data = {lang: 'he', title: 'Title'}
    const [left, right] = [xs(coverSvg(template, data)), xs(coverSvg(template, {...data, dir: 'rtl'}))]
    expect(Math.min(...left)).toBeGreaterThanOrEqual(110)
    expect(Math.min(...left)).toBeLessThan(130)
    expect(Math.max(...right)).toBeLessThanOrEqual(1090)
    expect(Math.max(...right)).toBeGreaterThan(1070)
  })

  it('rejects SVG that does not parse (a broken template) with an error', async () => {
    await expect(renderCover('<svg xmlns="http://www.w3.org/2000/svg"><rect')).rejects.toThrow()
  })

  it('never keeps the process alive: one that only started the worker, or rendered a cover, exits', () => {
    const worker = pathToFileURL(path.join(import.meta.dirname, '..', 'scripts', 'cover', 'cover-worker.ts')).href
    for (const body of ['m.startCoverWorker()', 'm.renderInWorker(\'<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"/>\').then(() => m.startCoverWorker())']) {
      const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `import(${JSON.stringify(worker)}).then((m) => ${body})`], {encoding: 'utf8', timeout: 20_000})
      expect(run.error).toBeUndefined()
      expect([run.status, run.stderr]).toEqual([0, ''])
    }
  })

  it('renders many covers at once across replaced workers, each the same bytes as alone, a broken one failing alone', async () => {
    const svg = coverSvg(template, sample)
    const alone = await renderCover(svg)
    const broken = expect(renderCover('<svg xmlns="http://www.w3.org/2000/svg"><rect')).rejects.toThrow()
    const many = await Promise.all(Array.from({length: coversPerWorker * 2 + 3}, () => renderCover(svg)))
    await broken
    for (const png of many) expect(Buffer.from(png).equals(Buffer.from(alone))).toBe(true)
    expect(Buffer.from(await renderCover(svg)).equals(Buffer.from(alone))).toBe(true)
  })
})
