/**
 * Slow: runs of hyphenated lines are found in the page's own layout before it
 * is printed (`layout-hyphen-runs.ts`), so a page with runs is printed once, not
 * again for every word kept whole. That holds only if the layout is the print's:
 * the same width of the page area, the same line ends.
 */
import zlib from 'node:zlib'
import {afterAll, describe, expect, it} from 'vitest'
import {launchBrowser} from '../scripts/pdf/browser.js'
import {hyphenRuns} from '../scripts/pdf/hyphen-runs.js'
import {openPrintLayout} from '../scripts/pdf/layout-hyphen-runs.js'
import {printLimitingHyphenRuns} from '../scripts/pdf/limit-hyphen-runs.js'
import {printPdf} from '../scripts/pdf/print-pdf.js'
import {printHtml} from '../scripts/pipeline/print-html.js'
import {browser, environment, tempProject} from './support/tools.js'

const session = await launchBrowser({executablePath: browser, ...environment})
afterAll(() => session.close())

/** The width of the first filled rectangle of height 20 the PDF draws (in CSS px: Chromium draws in them). */
function ruleWidth(pdf: Uint8Array): number | undefined {
  const raw = Buffer.from(pdf)
  for (const match of raw.toString('latin1').matchAll(/stream\r?\n/g)) {
    try {
      const content = zlib.inflateSync(raw.subarray(match.index + match[0].length)).toString('latin1')
      const rule = /0 0 ([\d.]+) 20 re/.exec(content)
      if (rule) return Number(rule[1])
    } catch {
      // Not a deflated stream.
    }
  }
  return undefined
}

/** The layout's width of the page area of `css`'s pages, and the width of a full-width rule in the print. */
async function widths(css: string, body = '<div style="height: 20px; background: #000"></div>'): Promise<{layout: number | undefined; printed: number | undefined}> {
  let layout: number | undefined
  const html = `<!DOCTYPE html><html><head><style>body { margin: 0 } ${css}</style></head><body>${body}</body></html>`
  const {pdf} = await printPdf(session, {
    html,
    styles: {},
    assets: new Map(),
    beforePrint: async (page) => {
      const opened = await openPrintLayout(page)
      layout = opened?.width
      await opened?.close()
    }
  })
  return {layout, printed: ruleWidth(pdf)}
}

describe('the page laid out as it prints', () => {
  it.each([
    ['A4', '17mm 35mm 19mm'],
    ['A5', '14mm 17mm 16mm'],
    ['Letter', '0.7in 1.5in 0.75in'],
    ['B5', '15mm 20mm'],
    ['A4', '10mm 33.3mm'],
    ['176mm 250mm', '12mm 19.3mm 12mm 21mm'],
    ['A3 landscape', '15mm 27mm'],
    // Every absolute unit: the margins are computed from their values, as the layout keeps them.
    ['A4', '54pt 5.3pc 1cm 2.21cm'],
    ['Letter', '1in 77Q 1in 101px']
  ])('has the page area of %s with margins %s that Chromium prints, to the pixel', async (size, margin) => {
    const {layout, printed} = await widths(`@page { size: ${size}; margin: ${margin} }`)
    expect(printed).toBeGreaterThan(200)
    expect(layout).toBe(printed)
  })

  it('lays out with print media where a style depends on it', async () => {
    const {layout, printed} = await widths('@page { size: A4; margin: 20mm } @media print { @page { margin: 10mm 30mm } } @media screen { html { width: 300px } }')
    expect(printed).toBeGreaterThan(500)
    expect(layout).toBe(printed)
  })

  it('gives up where pages of the document differ in width, and not for kinds it does not use', async () => {
    // The first page is narrower: no one width.
    expect((await widths('@page { size: A4; margin: 20mm } @page :first { margin-left: 50mm }')).layout).toBeUndefined()
    // No margins: Chromium's own, which the page does not tell.
    expect((await widths('@page { size: A4 }')).layout).toBeUndefined()
    // A named page of another width that some element uses, and one that none uses.
    const named = '@page { size: A4; margin: 20mm } @page wide { margin: 10mm }'
    expect((await widths(named, '<div style="page: wide; height: 20px; background: #000"></div>')).layout).toBeUndefined()
    const {layout, printed} = await widths(named)
    expect(layout).toBe(printed)
  })
})

/** A raw print's bytes without its dates (the time it was printed), as text to compare. */
function undated(pdf: Uint8Array): string {
  return Buffer.from(pdf)
    .toString('latin1')
    .replace(/\/(CreationDate|ModDate) \(D:[^)]*\)/g, '/$1 ()')
}

/** An article of `paragraphs` paragraphs of the same words in another order each (`step` apart). */
function article(paragraphs: number, step: number): string {
  const words = 'The committee considered the regional agricultural report and its international cooperation on the monsoon forecast for every district'.split(' ')
  const sentence = (index: number) =>
    Array.from({length: 14}, (_, at) => words[(index * 7 + at * step) % words.length])
      .join(' ')
      .replace(/^./, (first) => first.toUpperCase())
  return ['---', 'title: Hyphens in a row', 'date: 2024-04-05', '---', '', ...Array.from({length: paragraphs}, (_, index) => `${sentence(index)}. ${sentence(index + 1)}.\n`)].join('\n')
}

describe('a page whose lines end hyphenated three or more in a row', () => {
  it.each([
    ['once', 3],
    // Keeping the third line's word whole leaves a line looser than half an em: the layout tries the second
    // line's word, as printing again for every round does.
    ["once where the third line's word kept whole leaves its paragraph too loose", 7]
  ])('is printed %s, with the words kept whole that printing again for every round keeps', async (_, step) => {
    const root = tempProject({'content/runs.md': article(30, step)})
    const [page] = await printHtml({root})
    const job = {html: page!.html, styles: page!.styles, assets: new Map()}
    // Printed as it is, the page has runs of three hyphenated lines or more.
    const plain = await hyphenRuns((await printPdf(session, job)).pdf, 2)
    expect(plain.runs.length).toBeGreaterThan(1)

    const [byLayout, byPrints] = [await printLimitingHyphenRuns(session, job), await printLimitingHyphenRuns(session, job, {layout: false})]
    expect(byLayout.runsLeft).toBe(0)
    expect((await hyphenRuns(byLayout.pdf, 2)).runs).toEqual([])
    expect(undated(byLayout.pdf)).toBe(undated(byPrints.pdf))
    expect(byPrints.reprints).toBeGreaterThan(0)
    expect(byLayout.reprints).toBe(0)
  })
})

describe('a run in a paragraph looser than half an em before any word is kept whole', () => {
  // From the bench's generated corpus (article 7): a line of it is stretched 0.56 em; nothing else on its page is that loose.
  const paragraph =
    'Harvest *federal* coastal labour senate by census union observers dialogue school solar coal council. National reform river governor export **delta port** the economists. Surplus coastal debate that central parliament summit however market river challenges delays verdict alliance. Survey forest court residents urban strengthens tariff sharp alliance labour *migration* public. Officials trade census improves verdict challenges federal harvest export harvest port reform strengthens northern dialogue security strengthens. On election gradual pension mayor committee election island therefore drought summit on.'

  it('is printed once: a fix may leave the paragraph as loose as it was', async () => {
    const root = tempProject({'content/loose.md': ['---', 'title: A loose paragraph', 'date: 2024-04-05', '---', '', paragraph, ''].join('\n')})
    const [page] = await printHtml({root})
    const job = {html: page!.html, styles: page!.styles, assets: new Map()}
    const plain = await hyphenRuns((await printPdf(session, job)).pdf, 2)
    expect(plain.runs.length).toBe(1)
    expect(plain.looseness).toBeGreaterThan(0.5)

    const [byLayout, byPrints] = [await printLimitingHyphenRuns(session, job), await printLimitingHyphenRuns(session, job, {layout: false})]
    expect(byLayout.runsLeft).toBe(0)
    expect(byLayout.reprints).toBe(0)
    expect(undated(byLayout.pdf)).toBe(undated(byPrints.pdf))
    // No looser than it was.
    expect((await hyphenRuns(byLayout.pdf, 2)).looseness).toBeLessThanOrEqual(plain.looseness + 0.01)
  })
})

/** One justified paragraph, narrow, of words with a soft hyphen between every two syllables. */
function justified(style: string): string {
  const words = [
    'in\u00ADter\u00ADna\u00ADtion\u00ADal',
    'co\u00ADop\u00ADer\u00ADa\u00ADtion',
    'a',
    'the',
    'ag\u00ADri\u00ADcul\u00ADtur\u00ADal',
    'of',
    'com\u00ADmit\u00ADtee',
    'on',
    'fore\u00ADcast\u00ADing'
  ]
  const text = Array.from({length: 160}, (_, at) => words[(at * 5) % words.length]).join(' ')
  return `<!DOCTYPE html><html lang="en"><head><style>@page { size: A5; margin: 15mm 40mm } body { margin: 0 } p { text-align: justify; ${style} }</style></head><body><p>${text}</p></body></html>`
}

describe('how loose a line the layout finds', () => {
  it.each([
    ['a serif at 12pt', 'font: 12pt serif'],
    ['an italic sans at 14px', 'font: italic 14px sans-serif'],
    ['a bold serif at 9pt with letter spacing', 'font: bold 9pt serif; letter-spacing: 0.04em'],
    ['a monospace at 10pt', 'font: 10pt monospace']
  ])('is what the print shows, in %s', async (_, style) => {
    let layout: number[] | undefined
    const {pdf} = await printPdf(session, {
      html: justified(style),
      styles: {},
      assets: new Map(),
      beforePrint: async (page) => {
        const opened = await openPrintLayout(page)
        // Every hyphenated line a run of its own: each reports its paragraph's loosest line.
        layout = (await opened?.runs(0, 10_000))?.looseness
        await opened?.close()
      }
    })
    const printed = await hyphenRuns(pdf, 2)
    // One paragraph: the print's loosest line is its loosest.
    expect(layout?.length).toBeGreaterThan(0)
    expect(printed.looseness).toBeGreaterThan(0.05)
    for (const looseness of layout!) expect(looseness).toBeCloseTo(printed.looseness, 2)
  })
})
