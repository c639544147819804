/**
 * Rasterise the generated cover (the filled `cover.svg` template) to PNG with
 * resvg, off the main thread: no browser, the same pixels on every machine.
 * System fonts are loaded only when the SVG has `<text>` runs (characters the
 * shipped fonts lack, see `cover-text.ts`).
 */
import {renderAsync} from '@resvg/resvg-js'
import type ejs from 'ejs'
import * as text from './cover-text.js'

/** Cover size in pixels (1:1.5, what Kindle and Apple Books display well). */
export const coverSize = {width: 1200, height: 1800}

/** What the cover template shows (`templateData` of a document, or a book's). */
export interface CoverData {
  lang: string
  title: string
  subtitle?: string | undefined
  kicker?: string | undefined
  publisher?: string | undefined
  authors?: string | undefined
  dateText?: string | undefined
}

/** Fill the cover template: its text is set by `cover-text.ts` helpers, passed as `text`. */
export function coverSvg(template: ejs.TemplateFunction, data: CoverData): string {
  return template({subtitle: undefined, kicker: undefined, publisher: undefined, authors: undefined, dateText: undefined, ...data, text})
}

/** Render `svg` as PNG bytes at its own size. Throws on SVG that does not parse. */
export async function renderCover(svg: string): Promise<Uint8Array> {
  const rendered = await renderAsync(svg, {
    font: {loadSystemFonts: svg.includes('<text')},
    fitTo: {mode: 'original'},
    logLevel: 'off'
  })
  return new Uint8Array(rendered.asPng())
}
