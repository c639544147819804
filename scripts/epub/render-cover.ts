/**
 * Generate a cover image (title, date, publisher) with the print browser, so
 * every book shows a real cover in library views.
 */
import {origin, type BrowserSession} from '../pdf/browser.js'
import {fontResource} from '../pdf/print-pdf.js'

/** Cover size in CSS pixels (1:1.5, what Kindle and Apple Books display well). */
export const coverSize = {width: 1200, height: 1800}

/** Screenshot `html` (the filled `cover.html` template) as PNG bytes. */
export async function renderCover(session: BrowserSession, html: string): Promise<Uint8Array> {
  const site = (pathname: string) => (pathname === '/' ? {body: html, contentType: 'text/html; charset=utf-8'} : fontResource(pathname.slice(1)))
  return session.withPage(site, async (page) => {
    await page.setViewport({...coverSize, deviceScaleFactor: 1})
    await page.goto(origin + '/', {waitUntil: 'load'})
    const png = await page.screenshot({type: 'png', clip: {x: 0, y: 0, ...coverSize}, captureBeyondViewport: false})
    return new Uint8Array(png)
  })
}
