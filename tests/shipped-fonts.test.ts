/**
 * Glyph coverage is read from the WOFF twin of each regular shipped face
 * (`cmapFile`), which fontkit opens far faster than the WOFF2 the pages load:
 * the two must map exactly the same characters.
 */
import fs from 'node:fs'
import path from 'node:path'
import * as fontkit from 'fontkit'
import {describe, expect, it} from 'vitest'
import {cmapFile, fontPackageDir, shippedFaces} from '../scripts/content/shipped-fonts.js'

const characters = (file: string) => {
  const font = fontkit.create(fs.readFileSync(file))
  if (!('characterSet' in font)) throw new Error(`${file} is a font collection`)
  return [...font.characterSet].sort((a, b) => a - b)
}

describe('the cmap read for glyph coverage', () => {
  // The faces `hasShippedGlyph` reads: regular weight, upright.
  const faces = shippedFaces().filter((face) => face.weight === 400 && face.style === 'normal')

  it('is a WOFF file for every regular face', () => {
    expect(faces.length).toBeGreaterThan(10)
    for (const face of faces) expect(cmapFile(face)).toMatch(/\.woff$/)
  })

  it('maps the same characters as the WOFF2 file the pages load', {timeout: 600_000}, () => {
    for (const face of faces) {
      const woff2 = path.join(fontPackageDir(face.package), face.file)
      expect([face.file, characters(cmapFile(face))]).toEqual([face.file, characters(woff2)])
    }
  })
})
