/**
 * Glyph coverage is read from the WOFF twin of each regular shipped face
 * (`openCmap`), which fontkit opens far faster than the WOFF2 the pages load:
 * the two must map exactly the same characters, and a twin fontkit cannot
 * read must fall back to the WOFF2.
 */
import fs from 'node:fs'
import path from 'node:path'
import * as fontkit from 'fontkit'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {glyphCoverage} from '../scripts/content/glyph-coverage-data.js'
import {
  baseFamilyMetrics,
  computeGlyphCoverage,
  fontPackageDir,
  hasShippedGlyph,
  openCmap,
  parseRanges,
  shippedFaces,
  shippedFontVersions,
  shippedGlyphInFonts,
  subtract
} from '../scripts/content/shipped-fonts.js'

const characters = (file: string) => {
  const font = fontkit.create(fs.readFileSync(file))
  if (!('characterSet' in font)) throw new Error(`${file} is a font collection`)
  return [...font.characterSet].sort((a, b) => a - b)
}

describe('the cmap read for glyph coverage', () => {
  // The faces `hasShippedGlyph` reads: regular weight, upright.
  const faces = shippedFaces().filter((face) => face.weight === 400 && face.style === 'normal')

  it('maps the same characters as the WOFF2 file the pages load, and is mostly a WOFF file', {timeout: 600_000}, () => {
    expect(faces.length).toBeGreaterThan(10)
    let woff = 0
    for (const face of faces) {
      const woff2 = path.join(fontPackageDir(face.package), face.file)
      const opened = openCmap(fontkit, face)
      expect(opened, face.file).toBeDefined()
      if (opened!.file === woff2) continue
      woff++
      expect([face.file, characters(opened!.file)]).toEqual([face.file, characters(woff2)])
      expect(opened!.has(characters(woff2)[0]!)).toBe(true)
    }
    expect(woff).toBeGreaterThan(faces.length * 0.9)
  })
})

describe('the vertical metrics the script faces take', () => {
  it('are those of every face of the Source family they extend', () => {
    for (const [family, metrics] of Object.entries(baseFamilyMetrics)) {
      const faces = shippedFaces().filter((face) => face.family === family)
      expect(faces.length, family).toBeGreaterThan(0)
      for (const face of faces) {
        const font = fontkit.create(fs.readFileSync(path.join(fontPackageDir(face.package), face.file)))
        if (!('hhea' in font)) throw new Error(`${face.file} is a font collection`)
        const {ascent, descent, lineGap} = font.hhea as {ascent: number; descent: number; lineGap: number}
        expect([face.file, ascent / font.unitsPerEm, -descent / font.unitsPerEm, lineGap / font.unitsPerEm]).toEqual([face.file, metrics.ascent, metrics.descent, metrics.lineGap])
      }
    }
  })
})

describe('the committed glyph coverage (glyph-coverage-data.ts)', () => {
  it('was computed from the installed font packages: `npm run fonts:coverage` after updating one', {timeout: 600_000}, () => {
    expect(glyphCoverage.versions).toEqual(shippedFontVersions())
    const ranges = parseRanges(glyphCoverage.ranges)
    expect(ranges).toEqual(computeGlyphCoverage(fontkit))
    // Sorted and disjoint, as the binary search needs.
    for (let index = 1; index < ranges.length; index++) expect(ranges[index]![0]).toBeGreaterThan(ranges[index - 1]![1] + 1)
  })

  it('answers as the fonts do, at every range edge and around it, and for code points no face declares', {timeout: 600_000}, async () => {
    const ranges = parseRanges(glyphCoverage.ranges)
    const probes = new Set<number>([0x41, 0x2019, 0x2146, 0x4d2, 0xfffd, 0x1f600, 0x10ffff])
    for (const [start, end] of ranges) for (const codePoint of [start - 1, start, end, end + 1]) if (codePoint >= 0x80) probes.add(codePoint)
    const differences: string[] = []
    for (const codePoint of probes) {
      const [table, fonts] = [await hasShippedGlyph(codePoint), await shippedGlyphInFonts(codePoint)]
      if (table !== fonts) differences.push(`U+${codePoint.toString(16)}: table ${table}, fonts ${fonts}`)
    }
    expect(differences).toEqual([])
    expect(await hasShippedGlyph(0x2019)).toBe(true)
    expect(await hasShippedGlyph(0x2146)).toBe(false)
  })
})

describe('subtracting code point ranges', () => {
  const range = fc.tuple(fc.integer({min: 0x1ff0, max: 0x2030}), fc.integer({min: 0, max: 40})).map(([start, length]): [number, number] => [start, start + length])
  const points = (ranges: ReadonlyArray<readonly [number, number]>) => {
    const set = new Set<number>()
    for (const [start, end] of ranges) for (let point = start; point <= end; point++) set.add(point)
    return [...set].sort((a, b) => a - b)
  }
  it('keeps the code points of the ranges that no cut covers, and the joiners, sorted and disjoint', () => {
    fc.assert(
      fc.property(fc.array(range, {maxLength: 6}), fc.array(range, {maxLength: 8}), (ranges, minus) => {
        const cut = new Set(points(minus))
        const joiner = (point: number) => point === 0x200c || point === 0x200d
        const result = subtract(ranges, minus)
        expect(points(result)).toEqual(points(ranges).filter((point) => !cut.has(point) || joiner(point)))
        for (let index = 1; index < result.length; index++) expect(result[index]![0]).toBeGreaterThan(result[index - 1]![1] + 1)
      })
    )
  })
})
