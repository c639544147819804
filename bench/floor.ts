/**
 * The Chromium floor: the least any Chromium-based tool can spend printing our
 * HTML. Launches the same Chromium with the same flags as `scripts/pdf/browser.ts`,
 * serves the same page, stylesheet and fonts from memory, and prints each page
 * with the same `page.pdf` options, one after another in one page of one warm
 * browser: the first by navigation, each later one written into that page (as
 * our pool does). No Markdown, no templates, no metadata, no EPUB.
 *
 *   node --import tsx bench/floor.ts --css templates/print.css [--asset NAME=FILE …] --out DIR --json FILE a.html b.html …
 *
 * `--asset` serves one more file the pages load (the book's `book.css`, its cover).
 *
 * Prints nothing; writes `{launchMs, printMs, documents, bytes}` to `--json`.
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import {parseArgs} from 'node:util'
import puppeteer from 'puppeteer-core'
import {chromiumArgs, origin} from '../scripts/pdf/browser.js'
import {fontResource} from '../scripts/pdf/print-pdf.js'

/** What one floor run measured. */
export interface FloorResult {
  /** `puppeteer.launch` until the first page is ready (interception on, JavaScript off). */
  launchMs: number
  /** Printing every document, one after another. */
  printMs: number
  documents: number
  bytes: number
}

const {values, positionals} = parseArgs({
  allowPositionals: true,
  options: {
    css: {type: 'string'},
    out: {type: 'string'},
    json: {type: 'string'},
    browser: {type: 'string', default: '/usr/bin/chromium'},
    asset: {type: 'string', multiple: true, default: []}
  }
})
if (!values.css || !values.out || !values.json || positionals.length === 0) {
  throw new Error('Usage: floor.ts --css print.css --out DIR --json FILE page.html …')
}

const css = await fs.readFile(values.css, 'utf8')
const types: Record<string, string> = {css: 'text/css; charset=utf-8', png: 'image/png', jpg: 'image/jpeg'}
const assets = new Map<string, {body: Uint8Array; contentType: string}>()
for (const spec of values.asset ?? []) {
  const [name, file] = spec.split('=') as [string, string]
  assets.set(name, {body: await fs.readFile(file), contentType: types[path.extname(name).slice(1)] ?? 'application/octet-stream'})
}
let html = ''

const launchStarted = performance.now()
const browser = await puppeteer.launch({
  executablePath: values.browser,
  headless: true,
  // Root cannot use the sandbox; the same rule as our CLI.
  args: process.getuid?.() === 0 ? [...chromiumArgs, '--no-sandbox'] : [...chromiumArgs]
})
const page = await browser.newPage()
await page.setJavaScriptEnabled(false)
await page.setRequestInterception(true)
page.on('request', (request) => {
  const url = new URL(request.url())
  const name = url.pathname.slice(1)
  const resource =
    url.origin !== origin
      ? undefined
      : url.pathname === '/'
        ? {body: html, contentType: 'text/html; charset=utf-8'}
        : name === 'print.css'
          ? {body: css, contentType: 'text/css; charset=utf-8'}
          : (assets.get(name) ?? fontResource(name))
  if (!resource) void request.abort('blockedbyclient').catch(() => {})
  else void request.respond({status: 200, contentType: resource.contentType, body: typeof resource.body === 'string' ? resource.body : Buffer.from(resource.body)}).catch(() => {})
})
const launchMs = performance.now() - launchStarted

await fs.mkdir(values.out, {recursive: true})
let bytes = 0
const printStarted = performance.now()
let printMs = 0
try {
  for (const [index, file] of positionals.entries()) {
    html = await fs.readFile(file, 'utf8')
    // The first page by navigation, the next ones written into it: the cheapest way
    // Chromium has to show one document after another (our pool does the same).
    if (index === 0) await page.goto(origin + '/', {waitUntil: 'load', timeout: 0})
    else await page.setContent(html, {waitUntil: 'load', timeout: 0})
    const pdf = await page.pdf({preferCSSPageSize: true, printBackground: true, displayHeaderFooter: false, outline: true, tagged: true, waitForFonts: true, timeout: 0})
    await fs.writeFile(path.join(values.out, path.basename(file).replace(/\.html$/, '.pdf')), pdf)
    bytes += pdf.byteLength
  }
  printMs = performance.now() - printStarted
} finally {
  await browser.close()
}
const result: FloorResult = {launchMs, printMs, documents: positionals.length, bytes}
await fs.writeFile(values.json, JSON.stringify(result) + '\n')
