/**
 * Print one page of HTML to PDF in a pooled page, serving the page, its
 * stylesheet, fonts and images from memory.
 */
import fs from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import {shippedFontPackages, templateFontSheets} from '../content/shipped-fonts.js'
import {sniffImage} from '../content/sniff-image.js'
import type {Asset} from '../core/types.js'
import type {Page} from 'puppeteer-core'
import {origin, type BrowserSession, type PageHistory, type Resource, type Site} from './browser.js'

/** What to print. */
export interface PrintJob {
  /** The full HTML of the page. */
  html: string
  /** Stylesheets the page links, by path (`print.css`). */
  styles: Record<string, string>
  /** Images the page uses, by `href`. */
  assets: Map<string, Asset>
  /**
   * The project's template folder: other files the templates reference (a
   * logo, a stylesheet, fonts) are served from it, by real path inside it and
   * checked by content (see `templateFile`).
   */
  templateFiles?: string
  /** Time limit in ms (default: the session's). */
  timeout?: number
  /**
   * A draft, printed only to see where things land: no tags, no outline
   * (cheaper; the layout is the same).
   */
  draft?: boolean
  /** Called with the loaded page before it is printed; it may change the document (see `layout-hyphen-runs.ts`). */
  beforePrint?: (page: Page) => Promise<void>
}

/** A printed PDF and what the page tried to load that it was not given. */
export interface PrintResult {
  pdf: Uint8Array
  /** URLs the page asked for that were refused. */
  blocked: string[]
}

/** Print `job` to PDF with the browser's own outline (bookmarks) and tags. */
export async function printPdf(session: BrowserSession, job: PrintJob): Promise<PrintResult> {
  return session.withPage(siteFor(job), (page, blocked, history) => printInPage(page, blocked, history, job))
}

/**
 * Print several versions of one document in one page, one after another
 * (`next` gets the previous result, `undefined` the first time, and returns the
 * next job or `undefined` to stop). One page keeps one renderer and its font
 * caches: a fresh renderer per version could place a long book's text a
 * fraction of a pixel differently from run to run, and prints a 600-page book
 * about twice as slowly as a warm one. The previous version's document is
 * collected before the next is printed, and the last one before the page goes
 * back to the pool, so the pool does not hold a whole book's layout.
 */
export async function printVersions(session: BrowserSession, next: (previous: PrintResult | undefined) => Promise<PrintJob | undefined>): Promise<void> {
  let job = await next(undefined)
  if (!job) return
  let current: PrintJob | undefined = job
  const site: Site = (pathname) => (current ? siteFor(current)(pathname) : pathname === '/' ? {body: '<!DOCTYPE html><title>-</title>', contentType: 'text/html; charset=utf-8'} : undefined)
  await session.withPage(site, async (page, blocked, history) => {
    let again = false
    while (job) {
      blocked.length = 0
      current = job
      const result = await printInPage(page, blocked, history, job, again)
      again = true
      job = await next(result)
    }
    // Leave an empty document behind, the book collected (same origin: same renderer).
    current = undefined
    await page.goto(origin + '/', {waitUntil: 'load'})
    await collectGarbage(page)
  })
}

async function collectGarbage(page: Page): Promise<void> {
  const client = await page.createCDPSession()
  try {
    await client.send('HeapProfiler.collectGarbage')
  } finally {
    await client.detach()
  }
}

async function printInPage(page: Page, blocked: string[], history: PageHistory, job: PrintJob, collect = false): Promise<PrintResult> {
  // A page that shows one of ours takes the next document in place (see `reusable`
  // in browser.ts): a navigation costs about as much as laying out a handout, and
  // the fonts decoded for the last document are there still. The policy the
  // navigation's answer set holds for both.
  // One limit for the whole print (writing, laying out, printing), not one for each step.
  const timeout = job.timeout ?? page.getDefaultTimeout()
  const deadline = performance.now() + timeout
  const left = () => {
    const remaining = Math.floor(deadline - performance.now())
    if (remaining <= 0) throw new Error(`Printing the page took more than ${timeout} ms (--timeout)`)
    return remaining
  }
  const fonts = history.fontsGiven()
  if (await history.reusable()) await writeInPlace(page, job.html, left(), timeout)
  else await page.goto(origin + '/', {waitUntil: 'load', timeout: left()})
  // Laid out first with some of its fonts still loading, a document can print other
  // bytes than laid out with all of them at hand (a link across a change of font came
  // out as one annotation or two, by what the page showed before). So a document that
  // needed a font it was not given before is written again, now with all of them:
  // the bytes then do not depend on what was printed before (tests/print-in-place.slow.test.ts).
  await page.evaluate(settleFonts)
  if (history.fontsGiven() !== fonts) await writeInPlace(page, job.html, left(), timeout)
  // The previous version's document is garbage now: collect it before this one is
  // laid out for print, rather than hold both (a 600-page book: several hundred MiB).
  if (collect) await collectGarbage(page)
  await job.beforePrint?.(page)
  const pdf = await page
    .pdf({
      // The template's `@page` rule sets size and margins.
      preferCSSPageSize: true,
      printBackground: true,
      displayHeaderFooter: false,
      outline: !job.draft,
      tagged: !job.draft,
      waitForFonts: true,
      timeout: left()
    })
    .catch((error: unknown) => {
      // Puppeteer's "Timed out after waiting N ms" names what was left of the limit, not the limit.
      if (error instanceof Error && error.name === 'TimeoutError') throw new Error(`Printing the page took more than ${timeout} ms (--timeout)`, {cause: error})
      throw error
    })
  return {pdf, blocked: [...blocked]}
}

/** Lay the document out (its fonts are asked for then) and wait until they are loaded. */
const settleFonts = `document.documentElement.getBoundingClientRect(); document.fonts.ready.then(() => null)`

/**
 * `setContent`, within `timeout` (what is left of the print's `limit`) as a navigation is: Puppeteer's own limit
 * starts once the HTML is written, so the writing (the parse) is raced here. On
 * time out the print fails and the page, unhealthy, is closed with its renderer.
 */
async function writeInPlace(page: Page, html: string, timeout: number, limit = timeout): Promise<void> {
  const writing = page.setContent(html, {waitUntil: 'load', timeout})
  writing.catch(() => {})
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Writing the page into the browser took more than ${limit} ms`)), timeout)
  })
  try {
    await Promise.race([writing, late])
  } finally {
    clearTimeout(timer)
  }
}

/** Serve a print job: the page, its styles, its images, and the shipped fonts. */
function siteFor(job: PrintJob): Site {
  return (pathname) => {
    if (pathname === '/') return {body: job.html, contentType: 'text/html; charset=utf-8'}
    const name = pathname.slice(1)
    const style = job.styles[name]
    if (style !== undefined) return {body: style, contentType: 'text/css; charset=utf-8'}
    const asset = job.assets.get(name)
    if (asset) return {body: asset.data, contentType: asset.mediaType}
    return fontResource(name) ?? (job.templateFiles === undefined ? undefined : templateFile(job.templateFiles, name))
  }
}

/** Largest file served from a template folder (a font family or a big logo fits). */
const maxTemplateFileBytes = 20 * 1024 * 1024

/**
 * A file of the project's template folder, or `undefined`: only inside the
 * folder by real path (symlinks followed), only images, fonts (WOFF2, WOFF,
 * TrueType, OpenType) and CSS, each told by its bytes, not its name.
 */
export function templateFile(dir: string, name: string): Resource | undefined {
  try {
    const realDir = fs.realpathSync(dir)
    const real = fs.realpathSync(path.resolve(realDir, decodeURIComponent(name)))
    if (path.relative(realDir, real).startsWith('..') || path.isAbsolute(path.relative(realDir, real))) return undefined
    const stat = fs.statSync(real)
    if (!stat.isFile() || stat.size > maxTemplateFileBytes) return undefined
    const body = fs.readFileSync(real)
    const contentType = sniffImage(body) ?? sniffFont(body) ?? (real.endsWith('.css') && !body.includes(0) ? 'text/css; charset=utf-8' : undefined)
    return contentType === undefined ? undefined : {body, contentType}
  } catch {
    // Missing, unreadable, or a malformed escape: refused like any unknown URL.
    return undefined
  }
}

/** The media type of a font file from its first four bytes. */
function sniffFont(data: Uint8Array): string | undefined {
  const tag = String.fromCharCode(...data.subarray(0, 4))
  if (tag === 'wOF2') return 'font/woff2'
  if (tag === 'wOFF') return 'font/woff'
  if (tag === 'OTTO') return 'font/otf'
  if (tag === '\x00\x01\x00\x00' || tag === 'true') return 'font/ttf'
  return undefined
}

const require = createRequire(import.meta.url)
// Font packages the templates may use (the shipped fonts of every script), and the files
// inside them they may load.
const fontPackages = shippedFontPackages
const fontCache = new Map<string, Resource | undefined>()

/**
 * `fonts/<package>/<file>` from an installed @fontsource package, `fonts/source.css` (see
 * `templateFontSheets`), or `undefined`. Each is read once, the same for the whole process: `immutable`.
 */
export function fontResource(name: string): Resource | undefined {
  if (fontCache.has(name)) return fontCache.get(name)
  if (name === 'fonts/source.css') {
    const resource = {body: templateFontsCss(), contentType: 'text/css; charset=utf-8', immutable: true}
    fontCache.set(name, resource)
    return resource
  }
  // KaTeX's stylesheet and the fonts it names (`fonts/KaTeX_*.woff2`, relative to it),
  // for pages with typeset math (issue 14). Only these two shapes of name are served.
  const katex = /^fonts\/katex\/(katex\.min\.css|fonts\/KaTeX_[A-Za-z0-9_-]+\.(woff2|woff))$/.exec(name)
  if (katex) {
    const file = path.join(path.dirname(require.resolve('katex/package.json')), 'dist', katex[1]!)
    const resource = fs.existsSync(file) ? {body: fs.readFileSync(file), contentType: katex[2] ? `font/${katex[2]}` : 'text/css; charset=utf-8', immutable: true} : undefined
    fontCache.set(name, resource)
    return resource
  }
  const match = /^fonts\/([a-z0-9-]+)\/((?:files\/)?[a-z0-9-]+\.(css|woff2|woff))$/.exec(name)
  let resource: Resource | undefined
  if (match && fontPackages.has(match[1]!)) {
    const dir = path.dirname(require.resolve(`@fontsource/${match[1]}/package.json`))
    const file = path.join(dir, match[2]!)
    if (fs.existsSync(file)) {
      resource = {
        body: fs.readFileSync(file),
        contentType: match[3] === 'css' ? 'text/css; charset=utf-8' : `font/${match[3]}`,
        immutable: true
      }
    }
  }
  fontCache.set(name, resource)
  return resource
}

/**
 * `templateFontSheets` as one stylesheet, served as `fonts/source.css`: each
 * sheet's `url()`s, relative to the sheet, made absolute paths of this site.
 */
function templateFontsCss(): string {
  return templateFontSheets
    .map((sheet) => {
      const css = fontResource(`fonts/${sheet}`)
      if (!css) throw new Error(`The font stylesheet \`${sheet}\` is missing from its @fontsource package: run \`npm install\``)
      const base = new URL(`fonts/${sheet}`, origin + '/')
      return (
        `/* ${sheet} */\n` +
        Buffer.from(css.body)
          .toString('utf8')
          .replace(/url\((['"]?)([^'")]+)\1\)/g, (_, quote: string, ref: string) => `url(${quote}${new URL(ref, base).pathname}${quote})`)
      )
    })
    .join('\n')
}
