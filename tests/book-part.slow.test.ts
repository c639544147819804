/**
 * Slow: a book's part as it is kept (`cleanPart`, book-part.ts). Chromium
 * numbers structure elements after DOM node ids, which count on from one
 * document to the next in a page: the same run printed after another
 * document comes out with other element ids and object numbers. Cleaned, it
 * has the same bytes as printed first, so a book put together from parts
 * printed in any order, in a watch session or a build, is the same. (Its
 * soft hyphens' text: tests/hyphen-limit.test.ts.)
 */
import {afterAll, describe, expect, it} from 'vitest'
import {cleanPart} from '../scripts/pdf/book-part.js'
import {launchBrowser} from '../scripts/pdf/browser.js'
import {printPdf, type PrintJob} from '../scripts/pdf/print-pdf.js'
import {browser, environment} from './support/tools.js'

// One page, so that every print after the first follows another document in it.
const session = await launchBrowser({executablePath: browser, poolSize: 1, ...environment})
afterAll(() => session.close())

function job(body: string): PrintJob {
  const html = `<!DOCTYPE html><html lang="en"><head><title>Run</title><link rel="stylesheet" href="print.css"></head><body>${body}</body></html>`
  return {html, styles: {'print.css': 'body { font: 12pt serif; hyphens: auto }'}, assets: new Map()}
}

const run = job(
  '<h1 id="a1">An article</h1><p>Hydro\u00ADelectric power in the mon\u00ADsoon.</p>' +
    '<table><thead><tr><th>State</th><th>Rain</th></tr></thead><tbody><tr><td>Kerala</td><td>3,000 mm</td></tr><tr><td>Goa</td><td>2,900 mm</td></tr></tbody></table>' +
    '<h2 id="a1-q">A question</h2><p>An answer, <a href="#a1">with a link</a>.</p>'
)
const other = job(`<h1>Another document</h1>${'<p>A paragraph of its own. <em>Some emphasis</em>.</p>'.repeat(40)}`)

/** A PDF's bytes as text, without the dates Chromium stamps ("now", to the second). */
function undated(pdf: Uint8Array): string {
  return Buffer.from(pdf)
    .toString('latin1')
    .replace(/\/(CreationDate|ModDate) \(D:[^)]*\)/g, '')
}

describe('a cleaned book part', () => {
  it('has the same bytes whatever the page printed before, though the prints differ', async () => {
    const first = (await printPdf(session, run)).pdf
    await printPdf(session, other)
    const later = (await printPdf(session, run)).pdf
    // The premise: the raw prints differ (element ids and object numbers), not only in their dates.
    expect(undated(later)).not.toBe(undated(first))
    // A second apart at least: the cleaned parts do not keep the print's time either.
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const again = (await printPdf(session, run)).pdf
    const [a, b, c] = [await cleanPart(first), await cleanPart(later), await cleanPart(again)]
    expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true)
    expect(Buffer.from(c).equals(Buffer.from(a))).toBe(true)
  })
})
