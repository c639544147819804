/**
 * Slow: the hyphen-run check reads a real print. It maps the PDF's soft hyphens
 * to the HTML's by count and order, so every soft hyphen of the HTML must be
 * marked exactly once in the PDF, also where Chromium prints something twice: a
 * table's head, repeated on every page the table spans.
 */
import fs from 'node:fs'
import path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {launchBrowser} from '../scripts/pdf/browser.js'
import {hyphenRuns} from '../scripts/pdf/hyphen-runs.js'
import {countSoftHyphens} from '../scripts/pdf/limit-hyphen-runs.js'
import {printPdf} from '../scripts/pdf/print-pdf.js'
import {printHtml} from '../scripts/pipeline/print-html.js'
import {browser, environment, pdfText, tempProject} from './support/tools.js'

const session = await launchBrowser({executablePath: browser, ...environment})
afterAll(() => session.close())

const words = 'Parliamentary committees considered extraordinary administrative responsibilities concerning international agricultural cooperation'
const row = (index: number) => `| ${index} | ${words.split(' ')[index % 9]} | ${words.split(' ')[(index + 3) % 9]} |`
const article = [
  '---',
  'title: A long table',
  'date: 2024-04-05',
  '---',
  '',
  `${words}. `.repeat(12),
  '',
  '| Number | Considered responsibilities | International cooperation |',
  '|---|---|---|',
  ...Array.from({length: 90}, (_, index) => row(index)),
  '',
  `${words}. `.repeat(12)
].join('\n')

describe('the hyphen-run check on a real print', () => {
  it('finds every soft hyphen of the HTML once in the PDF, with a table head repeated on each page', async () => {
    const root = tempProject({'content/table.md': article})
    try {
      const [page] = await printHtml({root})
      const {pdf} = await printPdf(session, {html: page!.html, styles: page!.styles, assets: new Map()})
      const file = path.join(root, 'table.pdf')
      fs.writeFileSync(file, pdf)
      // The table spans pages, and its head is printed on each.
      expect(
        pdfText(file)
          .replaceAll('\u00AD', '')
          .match(/Considered responsibilities/g)?.length ?? 0
      ).toBeGreaterThan(1)
      const html = countSoftHyphens(page!.html)
      expect(html).toBeGreaterThan(50)
      expect((await hyphenRuns(pdf, 2)).softHyphens).toBe(html)
    } finally {
      fs.rmSync(root, {recursive: true, force: true})
    }
  })
})
