/**
 * Slow: a pooled page prints its first document by navigating to the site's
 * `/`, and a later one by writing the new HTML into the page it shows
 * (`printInPage` in print-pdf.ts), when every file the page was given is
 * served the same again. Written in place, an edited image shows (not the last
 * one's), the policy the navigation's answer set still holds, the writing is
 * held to the print's time limit, and the PDF is the same as in a fresh page,
 * whatever the page printed before (fonts included).
 */
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import type {Page} from 'puppeteer-core'
import {afterAll, afterEach, describe, expect, it, vi} from 'vitest'
import {type BrowserSession, launchBrowser} from '../scripts/pdf/browser.js'
import {printPdf, type PrintJob} from '../scripts/pdf/print-pdf.js'
import {greyPng} from './support/png.js'
import {browser, environment, repo, tempProject} from './support/tools.js'

const session = await launchBrowser({executablePath: browser, ...environment})
afterAll(() => session.close())
// The spies on the pool's pages, even after a failed case.
afterEach(() => vi.restoreAllMocks())

/** The pixel widths of the images a PDF draws. */
function imageWidths(pdf: Uint8Array): number[] {
  return [
    ...Buffer.from(pdf)
      .toString('latin1')
      .matchAll(/\/Subtype\s*\/Image[^>]*?\/Width\s+(\d+)/g)
  ]
    .map((match) => Number(match[1]))
    .sort((a, b) => a - b)
}

function job(body: string, assets: Record<string, Buffer> = {}, head = '<!DOCTYPE html><html lang="en"><head><title>T</title>'): PrintJob {
  const html = `${head}<link rel="stylesheet" href="print.css"></head><body>${body}</body></html>`
  return {html, styles: {'print.css': 'body { font: 12pt serif }'}, assets: new Map(Object.entries(assets).map(([href, data]) => [href, {href, data, mediaType: 'image/png', source: href}]))}
}

/** A PDF without its dates. */
function undated(pdf: Uint8Array): string {
  return Buffer.from(pdf)
    .toString('latin1')
    .replace(/\/(CreationDate|ModDate) \(D:[^)]*\)/g, '')
}

/**
 * Spies on `setContent` of both pages of the pool (held at once, so they are two):
 * `calls()` counts the documents written in place since (the pages here use no web
 * font, so none is written a second time for its fonts).
 */
async function spyOnPool(session: BrowserSession) {
  const hold = () =>
    session.withPage(
      () => undefined,
      async (page) => {
        await new Promise((resolve) => setTimeout(resolve, 300))
        return page
      }
    )
  const pages = await Promise.all([hold(), hold()])
  expect(new Set(pages).size).toBe(2)
  const spies = pages.map((page) => vi.spyOn(page as Page, 'setContent'))
  return {calls: () => spies.reduce((sum, spy) => sum + spy.mock.calls.length, 0)}
}

describe('documents written into a pooled page', () => {
  it('are written in place only when every file the page was given is served the same again', async () => {
    const written = await spyOnPool(session)
    const widths = async (body: string, assets: Record<string, Buffer>) => imageWidths((await printPdf(session, job(body, assets))).pdf)
    const pic = '<p>Text. <img src="pic.png" alt=""></p>'
    // The first: a navigation.
    expect(await widths(pic, {'pic.png': greyPng(2)})).toEqual([2])
    expect(written.calls()).toBe(0)
    // The same image again (other bytes objects, same bytes): in place.
    expect(await widths(`<h1>Another</h1>${pic}`, {'pic.png': greyPng(2)})).toEqual([2])
    expect(written.calls()).toBe(1)
    // The image edited under the same name: a navigation, and the edited image.
    expect(await widths(pic, {'pic.png': greyPng(3)})).toEqual([3])
    expect(written.calls()).toBe(1)
    // One more image beside the same one: in place.
    expect(await widths(`${pic}<p><img src="other.png" alt=""></p>`, {'pic.png': greyPng(3), 'other.png': greyPng(5)})).toEqual([3, 5])
    expect(written.calls()).toBe(2)
    // The page was given other.png, which this document's site does not serve: a navigation.
    expect(await widths(pic, {'pic.png': greyPng(3)})).toEqual([3])
    expect(written.calls()).toBe(2)
    // A refused image: this document navigates (it may), and the next one too.
    expect(await widths(`${pic}<p><img src="missing.png" alt=""></p>`, {'pic.png': greyPng(3)})).toEqual([3])
    expect(written.calls()).toBe(3)
    expect(await widths(pic, {'pic.png': greyPng(3)})).toEqual([3])
    expect(written.calls()).toBe(3)
    expect(await widths(pic, {'pic.png': greyPng(3)})).toEqual([3])
    expect(written.calls()).toBe(4)
  }, 60_000)

  it('go to the idle page whose document can take them in place: a book and an article taking turns each find their own', async () => {
    const written = await spyOnPool(session)
    // An article with its stylesheet alone, and a book's run with an image too: the run could
    // be written into the article's page, but it goes to its own, and the article finds its own.
    const a = (text: string) => job(`<p>${text}</p>`)
    const b = (text: string) => job(`<p>${text} <img src="b.png" alt=""></p>`, {'b.png': greyPng(3)})
    // Side by side: one page each, both navigated.
    await Promise.all([printPdf(session, a('First of a.')), printPdf(session, b('First of b.'))])
    const before = written.calls()
    for (const next of [a('Second of a.'), b('Second of b.'), a('Third of a.'), b('Third of b.')]) await printPdf(session, next)
    expect(written.calls() - before).toBe(4)
  }, 60_000)

  it('keep the policy of the navigation: an inline image is refused in place as in a fresh page', async () => {
    const inline = `data:image/png;base64,${greyPng(7).toString('base64')}`
    const body = `<p><img src="pic.png" alt=""><img src="${inline}" alt=""></p>`
    const fresh = await launchBrowser({executablePath: browser, ...environment})
    try {
      expect(imageWidths((await printPdf(fresh, job(body, {'pic.png': greyPng(2)}))).pdf)).toEqual([2])
    } finally {
      await fresh.close()
    }
    await printPdf(session, job('<p>Before.</p>'))
    const written = await spyOnPool(session)
    expect(imageWidths((await printPdf(session, job(body, {'pic.png': greyPng(2)}))).pdf)).toEqual([2])
    expect(written.calls()).toBe(1)
  }, 60_000)

  it('are written within the print time limit, and a page that overran it is replaced', async () => {
    await printPdf(session, job('<p>Before.</p>'))
    const written = await spyOnPool(session)
    // About 2 MB of HTML: its writing alone takes far longer than 5 ms (a navigation has the same limit).
    const long = job('<p>A paragraph of text that goes on, and on.</p>'.repeat(40_000))
    await expect(printPdf(session, {...long, timeout: 5})).rejects.toThrow(/Writing the page into the browser took more than 5 ms/)
    expect(written.calls()).toBe(1)
    // The page that overran was closed; the next print gets a working one.
    expect((await printPdf(session, job('<p>After.</p>'))).pdf.byteLength).toBeGreaterThan(0)
  }, 60_000)

  it('keep one time limit for the whole print, not one for each step', async () => {
    // Each step well within 5 s (writing a one-line page takes milliseconds, even on a loaded
    // machine), together over it: the layout step alone takes 5.2 s.
    const slowLayout = {...job('<p>Text.</p>'), timeout: 5000, beforePrint: () => new Promise<void>((resolve) => setTimeout(resolve, 5200))}
    await expect(printPdf(session, slowLayout)).rejects.toThrow('Printing the page took more than 5000 ms (--timeout)')
    expect((await printPdf(session, job('<p>After.</p>'))).pdf.byteLength).toBeGreaterThan(0)
  }, 60_000)

  it('print the same bytes as in a fresh page', async () => {
    const documents = [
      // No doctype: quirks mode, in which a table does not inherit the font size.
      job('<table><tr><td>Cell text in quirks mode</td></tr></table><p>After.</p>', {}, '<html><head><title>Q</title>'),
      job('<p>שלום עולם, a line from right to left.</p><table><tr><td>1</td><td>2</td></tr></table>', {}, '<!DOCTYPE html><html lang="he" dir="rtl"><head><title>R</title>'),
      job(`<h1>Heading</h1>${'<p>A paragraph of some length, to fill lines and pages. '.repeat(40)}</p><ol><li>One</li><li>Two</li></ol>`, {'pic.png': greyPng(4)})
    ]
    const alone: string[] = []
    for (const document of documents) {
      const fresh = await launchBrowser({executablePath: browser, ...environment})
      try {
        alone.push(undated((await printPdf(fresh, {...document, draft: true})).pdf))
      } finally {
        await fresh.close()
      }
    }
    await printPdf(session, job('<p>Before.</p>'))
    const written = await spyOnPool(session)
    for (const [index, document] of documents.entries()) expect(undated((await printPdf(session, {...document, draft: true})).pdf), `document ${index}`).toBe(alone[index])
    expect(written.calls()).toBe(documents.length)
  }, 120_000)

  it('print the same bytes whatever the page printed before, fonts and all: a README in Japanese alone and after one in Russian', () => {
    // Markdown we did not write: Biome's READMEs (a dev dependency). The Japanese one has a link
    // across a change of font (italic Latin, then CJK), which came out as one annotation or two
    // by whether the Russian one's fonts were loaded when it was first laid out. Through the
    // command line, as a user builds: there the first layout of a fresh page came before its fonts.
    const readme = (language: string) => fs.readFileSync(path.join(path.dirname(createRequire(import.meta.url).resolve('@biomejs/biome/package.json')), `README.${language}.md`), 'utf8')
    const alone = tempProject({'content/x.md': readme('ja')})
    const after = tempProject({'content/a.md': readme('ru'), 'content/x.md': readme('ja')})
    try {
      for (const root of [alone, after]) {
        const result = spawnSync(process.execPath, [path.join(repo, 'bin', 'handout.js'), 'build', '--no-cache', '--format', 'pdf', '--concurrency', '1', '-q'], {
          cwd: root,
          encoding: 'utf8',
          env: {...process.env, HANDOUT_BROWSER: browser, SOURCE_DATE_EPOCH: '1700000000'},
          timeout: 120_000
        })
        expect(result.status, result.stderr).toBe(0)
      }
      expect(fs.readFileSync(path.join(after, 'dist', 'x.pdf')).equals(fs.readFileSync(path.join(alone, 'dist', 'x.pdf')))).toBe(true)
    } finally {
      fs.rmSync(alone, {recursive: true, force: true})
      fs.rmSync(after, {recursive: true, force: true})
    }
  }, 300_000)
})
