/**
 * WOFF2 fonts opened with Node's Brotli (cover/native-woff2.ts) give fontkit
 * the same tables as its own decoder: the same glyphs, outlines and advances.
 */
import fs from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import * as fontkit from 'fontkit'
import type {Font} from 'fontkit'
import {describe, expect, it} from 'vitest'
import {openFont} from '../scripts/cover/native-woff2.js'

const require = createRequire(import.meta.url)
const files = (pkg: string) => path.join(path.dirname(require.resolve(`@fontsource/${pkg}/package.json`)), 'files')
const text = 'Resurgence of Islamic State-Khorasan (IS-K): “AV” ﬁ office 2024 — Überfluß'

/** Every glyph of `text` as laid out: outline, advance, offsets. */
function setting(font: Font): string {
  const run = font.layout(text)
  return run.glyphs.map((glyph, index) => `${glyph.id} ${glyph.path.toSVG()} ${JSON.stringify(run.positions[index])}`).join('\n')
}

describe('openFont', () => {
  for (const file of [path.join(files('source-serif-4'), 'source-serif-4-latin-600-italic.woff2'), path.join(files('source-sans-3'), 'source-sans-3-latin-ext-700-normal.woff2')]) {
    it(`sets ${path.basename(file)} exactly as fontkit's own decoder does, through zlib`, () => {
      const bytes = fs.readFileSync(file)
      const native = openFont(bytes) as Font
      // The decompression step is ours (not the prototype's): fontkit's internals still have the shape this relies on.
      expect(Object.hasOwn(native, '_decompress')).toBe(true)
      const reference = fontkit.create(bytes) as Font
      expect(setting(native)).toBe(setting(reference))
      expect(native.numGlyphs).toBe(reference.numGlyphs)
      expect(native.characterSet).toEqual(reference.characterSet)
    })
  }

  it('leaves a font that is not WOFF2 as fontkit opens it', () => {
    const woff = path.join(files('source-serif-4'), 'source-serif-4-latin-400-normal.woff')
    const font = openFont(fs.readFileSync(woff)) as Font
    expect(Object.hasOwn(font, '_decompress')).toBe(false)
    expect(font.hasGlyphForCodePoint(0x2019)).toBe(true)
  })

  it('throws on a WOFF2 whose compressed data is cut short, as fontkit does', () => {
    const bytes = fs.readFileSync(path.join(files('source-serif-4'), 'source-serif-4-latin-400-normal.woff2'))
    const cut = Buffer.from(bytes)
    cut.fill(0, cut.byteLength - 2000)
    expect(() => (openFont(cut) as Font).layout('A')).toThrow()
  })
})
