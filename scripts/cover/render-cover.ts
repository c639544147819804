/**
 * Rasterise the generated cover (the filled `cover.svg` template) to PNG with
 * resvg, in a worker thread (`cover-worker.ts`): no browser, the same pixels
 * on every machine, and the main thread free meanwhile.
 * System fonts are loaded only when the SVG has `<text>` runs (characters the
 * shipped fonts lack, see `cover-text.ts`).
 */
import type ejs from 'ejs'
import {timed, type PhaseTimings} from '../core/phase-timings.js'
import type {CoverCache, CoverData} from './cover-cache.js'
import {renderInWorker, startCoverWorker} from './cover-worker.js'
import * as text from './cover-text.js'

/** Fill the cover template: its text is set by `cover-text.ts` helpers, passed as `text`. */
export function coverSvg(template: ejs.TemplateFunction, data: CoverData): string {
  return template({subtitle: undefined, kicker: undefined, period: undefined, publisher: undefined, authors: undefined, dateText: undefined, ...data, text})
}

const warmed = new WeakSet<ejs.TemplateFunction>()

/**
 * Start the worker that rasterises covers, and fill the template once with
 * stand-in text in every field, throwing the result away: the shipped fonts
 * it sets are opened and their tables decoded (most of a first cover's time),
 * so a caller can do it while it waits for something else (the parse).
 */
export function warmCover(template: ejs.TemplateFunction): void {
  startCoverWorker()
  if (warmed.has(template)) return
  warmed.add(template)
  const sample = 'Cover text, warming up'
  coverSvg(template, {lang: 'en', title: sample, subtitle: sample, kicker: sample, period: sample, publisher: sample, authors: sample, dateText: sample})
}

/** Render `svg` as PNG bytes at its own size. Throws on SVG that does not parse. */
export function renderCover(svg: string): Promise<Uint8Array> {
  return renderInWorker(svg)
}

/**
 * The generated cover as PNG: the template filled, then the PNG from `cache`
 * when it has this SVG, else rasterised and kept there. With `key` (see
 * `coverKey`), which the caller has looked up in vain, the PNG is kept
 * under it instead.
 */
export async function generatedCover(template: ejs.TemplateFunction, data: CoverData, cache: CoverCache, timings?: PhaseTimings, key?: string): Promise<Uint8Array> {
  const svg = await timed(timings, 'render', () => coverSvg(template, data))
  const stored = key ?? `svg\n${svg}`
  const cached = key === undefined ? await cache.get(stored) : undefined
  if (cached) return cached
  const png = await timed(timings, 'package', () => renderCover(svg))
  await cache.set(stored, png)
  return png
}
