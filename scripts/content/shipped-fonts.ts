/**
 * The fonts the project ships (npm `@fontsource`) for every script its readers
 * write: which font files exist, which characters each may set (its
 * `unicode-range`), and which characters none of them has (checked in the
 * files' cmaps with fontkit, cached).
 *
 * Print keeps the two text families of the templates ("Source Serif 4" for the
 * body, "Source Sans 3" for headings and small type) and extends them: the
 * Devanagari, Arabic, Hebrew, Chinese, Korean and emoji faces below are declared under
 * those family names too, each limited to its script's `unicode-range` minus
 * what the Latin faces declare. So every rule of `print.css` sets Hindi or
 * Chinese without naming a font, Latin letters and digits stay Source, and
 * Chromium loads only the subsets a page uses (it embeds only glyphs it sets).
 * Code is set in "Source Code Pro" (Latin, Greek, Cyrillic), then in "Source
 * Sans 3" and so in its script faces for characters it lacks (`print.css`).
 */
import fs from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import {glyphCoverage} from './glyph-coverage-data.js'

/** A range of code points, both ends included. */
export type CodePointRange = readonly [number, number]

/** One font file of a shipped family: a weight and style of one subset. */
export interface ShippedFace {
  /** Family name the package gives it, e.g. `Noto Sans SC`. */
  family: string
  /** Package under `@fontsource/`, e.g. `noto-sans-sc`. */
  package: string
  /** Subset name: `latin`, `devanagari`, `[12]`. */
  subset: string
  weight: number
  style: 'normal' | 'italic'
  /** WOFF2 file inside the package, e.g. `files/noto-sans-sc-12-400-normal.woff2`. */
  file: string
  /** Code points the face is declared for (its `unicode-range`). */
  ranges: CodePointRange[]
}

interface Family {
  package: string
  /** Weights to load (each file serves the weights nearest it). */
  weights: number[]
  /** Whether the package's italics are loaded too (the templates use them). */
  italic?: boolean
  /** Subsets to use (`undefined`: all), e.g. only `devanagari`. */
  subsets?: (subset: string) => boolean
  /**
   * Code points the family is not used for, though its faces declare them. A
   * family earlier in the list wins every character it declares, even one its
   * file lacks: Noto Sans SC's subsets declare Hangul they do not draw, which
   * then printed as boxes in Korean text.
   */
  except?: CodePointRange[]
  /** Template families this one extends in print (as `unicode-range` faces). */
  extends: Array<'Source Serif 4' | 'Source Sans 3'>
}

const numbered = (subset: string) => /^\[\d+\]$/.test(subset)

/** Hangul: jamo, compatibility jamo, jamo extended A and B, syllables, enclosed and halfwidth forms (Noto Sans KR draws the syllables, compatibility jamo and enclosed forms). */
const hangul: CodePointRange[] = [
  [0x1100, 0x11ff],
  [0x3130, 0x318f],
  [0x3200, 0x321e],
  [0x3260, 0x327e],
  [0xa960, 0xa97f],
  [0xac00, 0xd7ff],
  [0xffa0, 0xffdc]
]

/**
 * The shipped families, in order of precedence: a character two families
 * declare goes to the earlier. The three Source families are the templates' own
 * (loaded by `partials/fonts.html`: serif body, sans headings, monospace code);
 * the others extend the first two.
 */
const families: Family[] = [
  {package: 'source-serif-4', weights: [400, 600], italic: true, extends: []},
  {package: 'source-sans-3', weights: [400, 600, 700], extends: []},
  // Code (`code, pre, kbd, samp`): the Source family's monospace, with true italics for highlighted comments.
  {package: 'source-code-pro', weights: [400, 600, 700], italic: true, extends: []},
  {package: 'noto-serif-devanagari', weights: [400, 700], subsets: (subset) => subset === 'devanagari', extends: ['Source Serif 4']},
  {package: 'noto-sans-devanagari', weights: [400, 700], subsets: (subset) => subset === 'devanagari', extends: ['Source Sans 3']},
  // Naskh is the book hand of Arabic script: for body and headings alike.
  {package: 'noto-naskh-arabic', weights: [400, 700], subsets: (subset) => subset === 'arabic', extends: ['Source Serif 4', 'Source Sans 3']},
  {package: 'noto-sans-hebrew', weights: [400, 700], subsets: (subset) => subset === 'hebrew', extends: ['Source Serif 4', 'Source Sans 3']},
  // Monochrome: prints the same on a laser printer.
  {package: 'noto-emoji', weights: [400], subsets: numbered, extends: ['Source Serif 4', 'Source Sans 3']},
  // Simplified Chinese in about a hundred numbered subsets of a few hundred characters each
  // (some of which also declare Devanagari, Arabic or symbols: the families above win those),
  // but for the Hangul they declare and do not draw.
  {package: 'noto-sans-sc', weights: [400, 700], subsets: numbered, except: hangul, extends: ['Source Serif 4', 'Source Sans 3']},
  // Korean, numbered subsets too: Hangul, and the Hanja and symbols Chinese has not (Chinese sets those it has).
  {package: 'noto-sans-kr', weights: [400, 700], subsets: numbered, extends: ['Source Serif 4', 'Source Sans 3']}
]

/**
 * The stylesheets of the templates' own faces, in the weights and styles the
 * templates set: `partials/fonts.html` loads them as one, `fonts/source.css`
 * (one request, not eleven: about 20 ms less per print). Each is also served
 * on its own (`fonts/<package>/<weight>.css`), for a template that wants
 * another weight.
 */
export const templateFontSheets: readonly string[] = [
  'source-serif-4/400.css',
  'source-serif-4/400-italic.css',
  'source-serif-4/600.css',
  'source-serif-4/600-italic.css',
  'source-sans-3/400.css',
  'source-sans-3/600.css',
  'source-sans-3/700.css',
  // Code, kbd and samp: italics for highlighted comments, bold for keywords.
  'source-code-pro/400.css',
  'source-code-pro/400-italic.css',
  'source-code-pro/600.css',
  'source-code-pro/700.css'
]

/** The packages whose files the print page may load. */
export const shippedFontPackages: ReadonlySet<string> = new Set(families.map((family) => family.package))

const require = createRequire(import.meta.url)

/** Folder of an installed `@fontsource` package; throws with the fix when it is missing. */
export function fontPackageDir(name: string): string {
  try {
    return path.dirname(require.resolve(`@fontsource/${name}/package.json`))
  } catch (error) {
    throw new Error(`Font package \`@fontsource/${name}\` is not installed: run \`npm install\``, {cause: error})
  }
}

const facesByPackage = new Map<string, ShippedFace[]>()

/** The faces of one shipped family (read once from its package's CSS). */
function familyFaces(family: Family): ShippedFace[] {
  let faces = facesByPackage.get(family.package)
  if (!faces) {
    faces = family.weights.flatMap((weight) =>
      [`${weight}.css`, ...(family.italic ? [`${weight}-italic.css`] : [])].flatMap((name) => {
        const css = fs.readFileSync(path.join(fontPackageDir(family.package), name), 'utf8')
        return parseFaces(css, family.package)
          .filter((face) => family.subsets?.(face.subset) ?? true)
          .flatMap((face) => {
            if (!family.except) return [face]
            const ranges = subtract(face.ranges, family.except)
            return ranges.length > 0 ? [{...face, ranges}] : []
          })
      })
    )
    facesByPackage.set(family.package, faces)
  }
  return faces
}

/**
 * The shipped face that draws `codePoint` for the template family `base` where
 * the family's own faces do not, as print composes them (the first family that
 * declares it, at the weight nearest `weight`, upright); `undefined` for none.
 * For text set without a browser (the generated cover).
 */
export function scriptFaceFor(base: 'Source Serif 4' | 'Source Sans 3', codePoint: number, weight: number): ShippedFace | undefined {
  for (const family of families) {
    if (!family.extends.includes(base) || (family.except && inRanges(family.except, codePoint))) continue
    const nearest = family.weights.reduce((best, candidate) => (Math.abs(candidate - weight) < Math.abs(best - weight) ? candidate : best))
    const face = familyFaces(family).find((candidate) => candidate.weight === nearest && candidate.style === 'normal' && inRanges(candidate.ranges, codePoint))
    if (face) return face
  }
  return undefined
}

/** Every shipped face. */
export function shippedFaces(): ShippedFace[] {
  return families.flatMap(familyFaces)
}

/** The faces of the shipped package `name` (`source-code-pro`). */
function packageFaces(name: string): ShippedFace[] {
  return families.filter((family) => family.package === name).flatMap(familyFaces)
}

let latinRanges: {either: CodePointRange[]; both: CodePointRange[]} | undefined

/** What the templates' own text faces (Source Serif 4, Source Sans 3) declare: either of them, and both. */
function latin(): {either: CodePointRange[]; both: CodePointRange[]} {
  if (!latinRanges) {
    const serif = mergeRanges(packageFaces('source-serif-4').flatMap((face) => face.ranges))
    const sans = mergeRanges(packageFaces('source-sans-3').flatMap((face) => face.ranges))
    latinRanges = {either: mergeRanges([...serif, ...sans]), both: intersect(serif, sans)}
  }
  return latinRanges
}

/**
 * Does any of `codePoints` fall outside what both Latin faces declare (but for
 * the joiners that go with any script)? Text all inside needs no script face,
 * and the script families' CSS (hundreds of rules: Chinese and Korean come in
 * numbered subsets) is not read for it.
 */
function needsScriptFaces(codePoints: Iterable<number>): boolean {
  const {both} = latin()
  for (const codePoint of codePoints) if (!inRanges(both, codePoint) && !inRanges(keepWithScript, codePoint)) return true
  return false
}

/** The `@font-face` rules of a fontsource CSS file. */
function parseFaces(css: string, pkg: string): ShippedFace[] {
  const result: ShippedFace[] = []
  for (const match of css.matchAll(/\/\* (\S+) \*\/\s*@font-face\s*\{([^}]*)\}/g)) {
    const [, name, body] = match as unknown as [string, string, string]
    const family = /font-family:\s*'([^']+)'/.exec(body)?.[1]
    const file = /url\(\.\/(files\/[^)]+\.woff2)\)/.exec(body)?.[1]
    const weight = Number(/font-weight:\s*(\d+)/.exec(body)?.[1])
    const style = /font-style:\s*italic/.test(body) ? 'italic' : 'normal'
    // `noto-sans-sc-[12]-400-normal` → `[12]`
    const subset = name.slice(pkg.length + 1).replace(/-\d+-(normal|italic)$/, '')
    if (!family || !file) continue
    const range = /unicode-range:\s*([^;]+);/.exec(body)?.[1]
    result.push({family, package: pkg, subset, weight, style, file, ranges: range ? parseRanges(range) : [[0, 0x10ffff]]})
  }
  return result
}

/** `U+0041-005A,U+00E9` → ranges. */
export function parseRanges(value: string): CodePointRange[] {
  return value.split(',').map((part) => {
    const [start, end] = part.trim().replace(/^U\+/i, '').split('-')
    return [Number.parseInt(start!, 16), Number.parseInt(end ?? start!, 16)] as const
  })
}

function inRanges(ranges: readonly CodePointRange[], codePoint: number): boolean {
  return ranges.some(([start, end]) => codePoint >= start && codePoint <= end)
}

// Joiners and variation selectors belong with the script around them: never taken from the Latin face.
const keepWithScript: CodePointRange[] = [
  [0x200c, 0x200d],
  [0xfe00, 0xfe0f]
]

/**
 * `ranges` minus `minus` (except the joiners the script's shaping needs),
 * sorted: one sweep over the cuts merged and sorted (a script face has
 * hundreds of ranges, the Latin faces hundreds more).
 */
export function subtract(ranges: readonly CodePointRange[], minus: readonly CodePointRange[]): CodePointRange[] {
  return subtractCuts(ranges, mergeRanges(minus))
}

/** `subtract` with `cuts` merged and sorted already (`mergeRanges`): many faces less the same ranges. */
function subtractCuts(ranges: readonly CodePointRange[], cuts: readonly CodePointRange[]): CodePointRange[] {
  const result: CodePointRange[] = []
  for (const [start, end] of ranges) {
    let from = start
    // The first cut that ends at or after `start`.
    let low = 0
    let high = cuts.length
    while (low < high) {
      const middle = (low + high) >> 1
      if (cuts[middle]![1] < start) low = middle + 1
      else high = middle
    }
    for (let index = low; index < cuts.length && cuts[index]![0] <= end; index++) {
      const [cutStart, cutEnd] = cuts[index]!
      if (cutStart > from) result.push([from, cutStart - 1])
      for (const [keepStart, keepEnd] of keepWithScript) {
        const keptFrom = Math.max(start, cutStart, keepStart)
        const keptTo = Math.min(end, cutEnd, keepEnd)
        if (keptFrom <= keptTo) result.push([keptFrom, keptTo])
      }
      from = Math.max(from, cutEnd + 1)
    }
    if (from <= end) result.push([from, end])
  }
  return mergeRanges(result)
}

/** The code points in both `ranges` and `within`, as sorted ranges. */
function intersect(ranges: readonly CodePointRange[], within: readonly CodePointRange[]): CodePointRange[] {
  const result: CodePointRange[] = []
  for (const [start, end] of ranges) {
    for (const [from, to] of within) if (Math.max(start, from) <= Math.min(end, to)) result.push([Math.max(start, from), Math.min(end, to)])
  }
  return mergeRanges(result)
}

/** Sorted, with overlapping and touching ranges joined. */
function mergeRanges(ranges: readonly CodePointRange[]): CodePointRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1])
  const merged: Array<[number, number]> = []
  for (const [start, end] of sorted) {
    const last = merged.at(-1)
    if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end)
    else merged.push([start, end])
  }
  return merged
}

const hex = (codePoint: number) => codePoint.toString(16).toUpperCase().padStart(4, '0')
const rangeCss = (ranges: readonly CodePointRange[]) => ranges.map(([start, end]) => (start === end ? `U+${hex(start)}` : `U+${hex(start)}-${hex(end)}`)).join(',')

/** A file's URL on the print page, as `print-pdf.ts` serves it. */
export function fontHref(face: ShippedFace): string {
  return `fonts/${face.package}/${face.file}`
}

/**
 * The `@font-face` rules that extend the templates' Source families with the
 * other scripts, for the print page: only the subsets whose ranges include one
 * of `codePoints` (the document's characters), so a page parses a few rules and
 * loads a few files. Chromium composes a family only from faces whose weight
 * and style descriptors are exactly alike, so each script face is declared once
 * for every weight and style of the Source face it extends (nearest weight;
 * Devanagari has no italic, and a missing style must not fall to a system font).
 */
export function scriptFontsCss(codePoints: Iterable<number>): string {
  const wanted = [...new Set(codePoints)].filter((codePoint) => codePoint > 0x7f)
  // Every script face's ranges leave out the Latin faces' (`scriptFaceRules`).
  if (!needsScriptFaces(wanted)) return ''
  const rules: string[] = []
  for (const {ranges, declarations} of scriptFaceRules()) {
    if (wanted.some((codePoint) => inRanges(ranges, codePoint) && !inRanges(keepWithScript, codePoint))) rules.push(...declarations)
  }
  return rules.join('\n')
}

/** Each script face's ranges (less the Latin faces') and its `@font-face` rules: computed once, they depend on the fonts alone. */
let faceRules: Array<{ranges: CodePointRange[]; declarations: string[]}> | undefined

function scriptFaceRules(): Array<{ranges: CodePointRange[]; declarations: string[]}> {
  if (faceRules) return faceRules
  const all = shippedFaces()
  const found: Array<{ranges: CodePointRange[]; declarations: string[]}> = []
  for (const [index, family] of families.entries()) {
    for (const base of family.extends) {
      const baseFaces = all.filter((face) => face.family === base)
      // The base's own ranges and those of the earlier families that extend it go to them.
      const earlier = families.slice(0, index).filter((other) => other.extends.includes(base))
      const latin = mergeRanges([...baseFaces, ...all.filter((face) => earlier.some((other) => other.package === face.package))].flatMap((face) => face.ranges))
      const variants = [...new Map(baseFaces.map((face) => [`${face.weight} ${face.style}`, face])).values()]
      for (const face of all.filter((candidate) => candidate.package === family.package && candidate.weight === family.weights[0])) {
        const ranges = subtractCuts(face.ranges, latin)
        const declarations = variants.map((variant) => {
          const file = nearest(all, face, family.weights, variant.weight)
          return `@font-face { font-family: '${base}'; font-style: ${variant.style}; font-weight: ${variant.weight}; font-display: block; src: url(/${fontHref(file)}) format('woff2'); unicode-range: ${rangeCss(ranges)}; ${metricsCss(base)} }`
        })
        found.push({ranges, declarations})
      }
    }
  }
  faceRules = found
  return found
}

/**
 * Vertical metrics of the templates' Source families (hhea ascender, descender
 * and line gap per em, the same in every weight; checked against the files by
 * tests/shipped-fonts.test.ts).
 */
export const baseFamilyMetrics = {
  'Source Serif 4': {ascent: 1.036, descent: 0.335, lineGap: 0},
  'Source Sans 3': {ascent: 1.024, descent: 0.4, lineGap: 0}
} as const

/**
 * The script faces take the vertical metrics of the Source face they extend.
 * Chromium places an inline box (a `<strong>`, an `<em>`) by its first
 * available font: the Latin face of its weight and style when that face is
 * loaded, else the first loaded face of the family, which in an all-Hindi
 * `<strong>` is the bold Devanagari one. Noto Serif Devanagari's descent is
 * 0.625 em against Source Serif's 0.335, so such a line came out about 2 pt
 * taller than its neighbours. With these overrides every face of a family
 * places a box alike; glyphs are drawn as before.
 */
function metricsCss(base: keyof typeof baseFamilyMetrics): string {
  const {ascent, descent, lineGap} = baseFamilyMetrics[base]
  const percent = (value: number) => `${Math.round(value * 1000) / 10}%`
  return `ascent-override: ${percent(ascent)}; descent-override: ${percent(descent)}; line-gap-override: ${percent(lineGap)};`
}

/** The face of `face`'s subset in the shipped weight nearest `weight` (ties go bolder). */
function nearest(all: ShippedFace[], face: ShippedFace, weights: readonly number[], weight: number): ShippedFace {
  const best = [...weights].sort((a, b) => Math.abs(a - weight) - Math.abs(b - weight) || b - a)[0]!
  return all.find((candidate) => candidate.package === face.package && candidate.subset === face.subset && candidate.weight === best && candidate.style === 'normal') ?? face
}

/** Loads a font file's cmap (fontkit is loaded on first use); `undefined` for an unreadable file. */
export type CmapLoader = (face: ShippedFace) => Promise<((codePoint: number) => boolean) | undefined>

const cmaps = new Map<string, Promise<((codePoint: number) => boolean) | undefined>>()

/**
 * The files to read `face`'s cmap from, in order: the package's WOFF twin of
 * the WOFF2 file when it ships one (same glyphs, same cmap: checked by
 * tests/shipped-fonts.test.ts), then the WOFF2. fontkit inflates a WOFF's
 * tables one at a time, on demand, but decompresses a whole WOFF2 (Brotli, in
 * JavaScript) to read any table: tens of milliseconds a file against one.
 */
export function cmapFiles(face: ShippedFace): string[] {
  const dir = fontPackageDir(face.package)
  const woff = face.file.replace(/\.woff2$/, '.woff')
  const woff2 = path.join(dir, face.file)
  return woff !== face.file && fs.existsSync(path.join(dir, woff)) ? [path.join(dir, woff), woff2] : [woff2]
}

/**
 * The first of `cmapFiles(face)` whose cmap fontkit reads, and its glyph test;
 * `undefined` when none does.
 */
export function openCmap(fontkit: typeof import('fontkit'), face: ShippedFace): {file: string; has: (codePoint: number) => boolean} | undefined {
  for (const file of cmapFiles(face)) {
    try {
      const font = fontkit.create(fs.readFileSync(file))
      if (!('hasGlyphForCodePoint' in font)) continue
      // A cmap fontkit cannot read fails here, not in the middle of a parse (one CJK subset's WOFF does).
      font.hasGlyphForCodePoint(0x20)
      return {file, has: (codePoint) => font.hasGlyphForCodePoint(codePoint)}
    } catch {
      // The next file.
    }
  }
  return undefined
}

const loadCmap: CmapLoader = (face) => {
  const key = `${face.package}/${face.file}`
  let cmap = cmaps.get(key)
  if (!cmap) {
    cmap = import('fontkit').then((fontkit) => openCmap(fontkit, face)?.has)
    cmaps.set(key, cmap)
  }
  return cmap
}

const covered = new Map<number, boolean>()

/** The version of each shipped font package, as installed. */
export function shippedFontVersions(): Record<string, string> {
  return Object.fromEntries(families.map((family) => [family.package, String(JSON.parse(fs.readFileSync(path.join(fontPackageDir(family.package), 'package.json'), 'utf8')).version)]))
}

/**
 * Every code point some regular shipped face has a glyph for, within its
 * `unicode-range`, as sorted ranges: what `hasShippedGlyph` answers, read
 * from every face's cmap at once (for `glyph-coverage-data.ts`).
 */
export function computeGlyphCoverage(fontkit: typeof import('fontkit')): CodePointRange[] {
  const points = new Set<number>()
  for (const face of shippedFaces()) {
    if (face.weight !== 400 || face.style !== 'normal') continue
    const cmap = openCmap(fontkit, face)
    if (!cmap) continue
    const font = fontkit.create(fs.readFileSync(cmap.file))
    if (!('characterSet' in font)) continue
    for (const codePoint of font.characterSet) if (inRanges(face.ranges, codePoint) && cmap.has(codePoint)) points.add(codePoint)
  }
  const ranges: Array<[number, number]> = []
  for (const codePoint of [...points].sort((a, b) => a - b)) {
    const last = ranges.at(-1)
    if (last && last[1] === codePoint - 1) last[1] = codePoint
    else ranges.push([codePoint, codePoint])
  }
  return ranges
}

/** The committed coverage when it was computed from the font versions installed, else `undefined`. */
let committed: CodePointRange[] | null | undefined

function committedCoverage(): CodePointRange[] | undefined {
  if (committed === undefined) {
    const installed = shippedFontVersions()
    const same = Object.keys(installed).length === Object.keys(glyphCoverage.versions).length && Object.entries(installed).every(([name, version]) => glyphCoverage.versions[name] === version)
    committed = same ? parseRanges(glyphCoverage.ranges) : null
  }
  return committed ?? undefined
}

/** Whether sorted, disjoint `ranges` include `codePoint` (binary search). */
function inSortedRanges(ranges: readonly CodePointRange[], codePoint: number): boolean {
  let low = 0
  let high = ranges.length - 1
  while (low <= high) {
    const middle = (low + high) >> 1
    const [start, end] = ranges[middle]!
    if (codePoint < start) high = middle - 1
    else if (codePoint > end) low = middle + 1
    else return true
  }
  return false
}

/**
 * Whether some shipped face has a glyph for `codePoint` (cached per code
 * point): from the coverage committed in `glyph-coverage-data.ts` when the
 * installed font packages are the versions it was computed from (no font is
 * opened, fontkit is not loaded), else from the cmaps of the files whose
 * `unicode-range` includes it.
 */
export async function hasShippedGlyph(codePoint: number): Promise<boolean> {
  const table = committedCoverage()
  return table ? inSortedRanges(table, codePoint) : shippedGlyphInFonts(codePoint)
}

/** `hasShippedGlyph` read from the fonts' cmaps: only the files whose `unicode-range` includes `codePoint` are opened. */
export async function shippedGlyphInFonts(codePoint: number): Promise<boolean> {
  const known = covered.get(codePoint)
  if (known !== undefined) return known
  let found = false
  for (const face of shippedFaces()) {
    if (face.weight !== 400 || face.style !== 'normal' || !inRanges(face.ranges, codePoint)) continue
    const cmap = await loadCmap(face)
    if (cmap?.(codePoint)) {
      found = true
      break
    }
  }
  covered.set(codePoint, found)
  return found
}

/**
 * The regular faces of the other scripts whose ranges include some of
 * `codePoints`, for an EPUB to embed (Latin is left to the reader's fonts).
 * One face per family and subset: readers synthesise bold.
 */
export function scriptFacesFor(codePoints: Iterable<number>): ShippedFace[] {
  const points = [...codePoints]
  if (!needsScriptFaces(points)) return []
  const all = shippedFaces()
  // Merged once: looked up for every code point, and taken from every face used.
  const latinFaces = latin().either
  // Serif Devanagari for reading; the sans twin is for print headings only.
  const candidates = all.filter((face) => face.weight === 400 && face.style === 'normal' && !['source-serif-4', 'source-sans-3', 'source-code-pro', 'noto-sans-devanagari'].includes(face.package))
  const used = new Set<ShippedFace>()
  for (const codePoint of points) {
    // Joiners and selectors go with a script that is there anyway: they call for no face of their own.
    if (inRanges(latinFaces, codePoint) || inRanges(keepWithScript, codePoint)) continue
    // The first family whose range has it, in order of precedence, as in print.
    const face = candidates.find((candidate) => inRanges(candidate.ranges, codePoint))
    if (face) used.add(face)
  }
  // Each face without the Latin faces' characters (what the reader's own fonts set): the emoji
  // font also covers the digits, `#` and `*` (for keycaps), and an EPUB set its digits in it.
  return candidates.filter((face) => used.has(face)).map((face) => ({...face, ranges: subtractCuts(face.ranges, latinFaces)}))
}

/**
 * The regular faces of the shipped monospace family whose ranges include some
 * of `codePoints` (the text of the code an EPUB shows), for it to embed: one
 * file per subset in use (the Latin one is 12 kB), none without code.
 * Readers synthesise bold and italic.
 */
export function codeFacesFor(codePoints: Iterable<number>): ShippedFace[] {
  const faces = packageFaces('source-code-pro').filter((face) => face.weight === 400 && face.style === 'normal')
  // White space alone calls for no font.
  const wanted = [...new Set(codePoints)].filter((codePoint) => !/\s/u.test(String.fromCodePoint(codePoint)))
  return faces.filter((face) => wanted.some((codePoint) => inRanges(face.ranges, codePoint)))
}
