/**
 * Print one page of HTML to PDF in a pooled page, serving the page, its
 * stylesheet, fonts and images from memory.
 */
import fs from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import type {Asset} from '../model/types.js'
import {origin, type BrowserSession, type Resource, type Site} from './browser.js'

/** What to print. */
export interface PrintJob {
  /** The full HTML of the page. */
  html: string
  /** Stylesheets the page links, by path (`print.css`). */
  styles: Record<string, string>
  /** Images the page uses, by `href`. */
  assets: Map<string, Asset>
  /** Time limit in ms (default: the session's). */
  timeout?: number
  /** Close the page afterwards, freeing its renderer (large documents). */
  discardPage?: boolean
}

/** A printed PDF and what the page tried to load that it was not given. */
export interface PrintResult {
  pdf: Uint8Array
  /** URLs the page asked for that were refused. */
  blocked: string[]
}

/** Print `job` to PDF with the browser's own outline (bookmarks) and tags. */
export async function printPdf(session: BrowserSession, job: PrintJob): Promise<PrintResult> {
  return session.withPage(siteFor(job), async (page, blocked) => {
    await page.goto(origin + '/', {waitUntil: 'load', timeout: job.timeout})
    const pdf = await page.pdf({
      // The template's `@page` rule sets size and margins.
      preferCSSPageSize: true,
      printBackground: true,
      displayHeaderFooter: false,
      outline: true,
      tagged: true,
      waitForFonts: true,
      timeout: job.timeout
    })
    return {pdf, blocked: [...blocked]}
  }, {discard: job.discardPage ?? false})
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
    return fontResource(name)
  }
}

const require = createRequire(import.meta.url)
// Font packages the templates may use, and the files inside them they may load.
const fontPackages = new Set(['source-serif-4', 'source-sans-3'])
const fontCache = new Map<string, Resource | undefined>()

/** `fonts/<package>/<file>` from an installed @fontsource package, or `undefined`. */
export function fontResource(name: string): Resource | undefined {
  if (fontCache.has(name)) return fontCache.get(name)
  const match = /^fonts\/([a-z0-9-]+)\/((?:files\/)?[a-z0-9-]+\.(css|woff2|woff))$/.exec(name)
  let resource: Resource | undefined
  if (match && fontPackages.has(match[1]!)) {
    const dir = path.dirname(require.resolve(`@fontsource/${match[1]}/package.json`))
    const file = path.join(dir, match[2]!)
    if (fs.existsSync(file)) {
      resource = {
        body: fs.readFileSync(file),
        contentType: match[3] === 'css' ? 'text/css; charset=utf-8' : `font/${match[3]}`
      }
    }
  }
  fontCache.set(name, resource)
  return resource
}
