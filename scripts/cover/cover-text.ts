/**
 * Text for the generated cover (`templates/cover.svg`), set in the fonts the
 * project ships and shaped by fontkit (kerning, ligatures): lines are broken
 * by the shaped widths and drawn as outlines (`<path>`), so the cover looks
 * the same on every machine and needs no browser and no installed font.
 *
 * Characters the Source faces lack are set, as in print, in the shipped face
 * of their script (Devanagari, Arabic, Hebrew, Chinese, Korean, emoji:
 * `scriptFaceFor`). A line is laid out in the order the Unicode
 * Bidirectional Algorithm (bidi-js) gives: right-to-left runs shaped right
 * to left, and the runs of a line ordered by their embedding levels, so a
 * Hebrew title reads from the right and its numbers and Latin words stay
 * whole. Any character no shipped face has is drawn as a `<text>` run that
 * the rasteriser fills from the system's fonts; its width, and so its line
 * breaks, are estimates.
 */
import fs from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import bidiFactory, {type Bidi} from 'bidi-js'
import type {Font, Glyph, GlyphPosition, PathCommand} from 'fontkit'
import {openFont} from './native-woff2.js'
import {fontPackageDir, scriptFaceFor} from '../content/shipped-fonts.js'

/** How a run of cover text is set. */
export interface TextStyle {
  /** A shipped family: `Source Sans 3` or `Source Serif 4`. */
  family: string
  /** Default: 400. */
  weight?: number
  italic?: boolean
  /** Font size in pixels. */
  size: number
  /** Line height as a multiple of the size (default: 1.2). */
  lineHeight?: number
  /** Extra space after every character, in em (default: 0). */
  letterSpacing?: number
  uppercase?: boolean
  /** Base direction of a line (default: that of its first strong letter, as HTML's `dir="auto"`). */
  dir?: 'ltr' | 'rtl'
}

/** Lines set in one style, with the metrics a template needs to place them. */
export interface SetLines {
  lines: string[]
  /** The style, at the size the text was fitted to. */
  style: TextStyle
  /** Distance between baselines, px. */
  lineHeight: number
  /** From the top of the block to the first baseline, px (as CSS centres a line box). */
  ascent: number
  /** `lines.length × lineHeight`. */
  height: number
}

const families: Record<string, string> = {'Source Sans 3': 'source-sans-3', 'Source Serif 4': 'source-serif-4'}
const require = createRequire(import.meta.url)

/** One shipped face (family, weight, style): its unicode-range subsets, opened on first need. */
interface Face {
  family: 'Source Serif 4' | 'Source Sans 3'
  weight: number
  /** Subset files, `latin` first. */
  files: string[]
  opened: Array<Font | undefined>
}

const faces = new Map<string, Face>()

function faceOf(style: TextStyle): Face {
  const pkg = families[style.family]
  if (!pkg)
    throw new Error(
      `The cover template asks for the font family \`${style.family}\`; shipped families are ${Object.keys(families)
        .map((name) => `\`${name}\``)
        .join(', ')}`
    )
  const variant = `${style.weight ?? 400}-${style.italic ? 'italic' : 'normal'}`
  const key = `${pkg}/${variant}`
  let face = faces.get(key)
  if (!face) {
    const dir = path.join(path.dirname(require.resolve(`@fontsource/${pkg}/package.json`)), 'files')
    // The same WOFF2 files the print pages load.
    const suffix = `-${variant}.woff2`
    const rank = (name: string) => (name === `${pkg}-latin${suffix}` ? 0 : name === `${pkg}-latin-ext${suffix}` ? 1 : 2)
    const files = fs
      .readdirSync(dir)
      .filter((name) => name.startsWith(`${pkg}-`) && name.endsWith(suffix))
      .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
      .map((name) => path.join(dir, name))
    if (files.length === 0) throw new Error(`The cover template asks for \`${style.family}\` ${variant}, which @fontsource/${pkg} does not ship`)
    face = {family: style.family as Face['family'], weight: style.weight ?? 400, files, opened: []}
    faces.set(key, face)
  }
  return face
}

function subset(face: Face, index: number): Font {
  let font = face.opened[index]
  if (!font) {
    font = openFont(fs.readFileSync(face.files[index]!)) as Font
    face.opened[index] = font
  }
  return font
}

/** The first subset of `face` with a glyph for `codePoint`, else the shipped face of its script, or `undefined`. */
function fontFor(face: Face, codePoint: number): Font | undefined {
  for (let index = 0; index < face.files.length; index++) {
    const font = subset(face, index)
    if (font.hasGlyphForCodePoint(codePoint)) return font
  }
  const script = scriptFaceFor(face.family, codePoint, face.weight)
  if (!script) return undefined
  const file = path.join(fontPackageDir(script.package), script.file)
  let font = scriptFonts.get(file)
  if (!font) {
    font = openFont(fs.readFileSync(file)) as Font
    scriptFonts.set(file, font)
  }
  return font.hasGlyphForCodePoint(codePoint) ? font : undefined
}

/** Script faces opened, by file. */
const scriptFonts = new Map<string, Font>()

/** A run of text placed on a line: shaped glyphs of a shipped font, or fallback characters. */
type Run = {x: number; font: Font; glyphs: Glyph[]; positions: GlyphPosition[]; offsets: number[]} | {x: number; font?: undefined; text: string}

// Estimated advance of a character no shipped font has, in em: wide for East Asian scripts.
const fallbackAdvance = (char: string) => (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]/u.test(char) ? 1 : 0.6)

// The package's types describe its ES module; Node loads its CommonJS build, whose export is the same factory.
const bidi = (bidiFactory as unknown as () => Bidi)()

/**
 * Shape `text` from x = 0: split into runs by the subset that has each
 * character (a space stays with the run it is in) and by its bidirectional
 * embedding level, put the runs in visual order, shape each with its font
 * and direction (kerning, ligatures, joining), add letter spacing after every glyph.
 */
function place(text: string, style: TextStyle): {runs: Run[]; width: number} {
  const face = faceOf(style)
  const spacing = (style.letterSpacing ?? 0) * style.size
  const content = transform(text, style)
  const {levels} = bidi.getEmbeddingLevels(content, style.dir ?? 'auto')
  const pieces: Piece[] = []
  let offset = 0
  for (const logical of content) {
    const level = levels[offset]!
    offset += logical.length
    // In a right-to-left run, brackets and the like take their mirrored form.
    const char = level % 2 === 1 ? (bidi.getMirroredCharacter(logical) ?? logical) : logical
    const last = pieces.at(-1)
    const font = last?.font && char === ' ' && last.font.hasGlyphForCodePoint(32) ? last.font : fontFor(face, char.codePointAt(0)!)
    if (last && last.font === font && last.level === level) last.text += char
    else pieces.push({font, text: char, level})
  }
  const runs: Run[] = []
  let x = 0
  for (const piece of visualOrder(pieces)) {
    if (!piece.font) {
      runs.push({x, text: piece.text})
      for (const char of piece.text) x += fallbackAdvance(char) * style.size + spacing
      continue
    }
    const scale = style.size / piece.font.unitsPerEm
    const shaped = shape(piece.font, piece.text, piece.level % 2 === 1 ? 'rtl' : 'ltr')
    const offsets: number[] = []
    let advance = 0
    for (const position of shaped.positions) {
      offsets.push(advance)
      advance += position.xAdvance * scale + spacing
    }
    runs.push({x, font: piece.font, glyphs: shaped.glyphs, positions: shaped.positions, offsets})
    x += advance
  }
  // Letter spacing follows every character but the last, as the eye measures it.
  return {runs, width: x > 0 ? x - spacing : 0}
}

/** Characters of one font and one embedding level, in logical order. */
interface Piece {
  font: Font | undefined
  text: string
  level: number
}

/**
 * The pieces of a line in visual order (rule L2 of the Unicode Bidirectional
 * Algorithm): from the highest level down to the lowest odd one, every
 * sequence of pieces at that level or higher is reversed.
 */
function visualOrder(pieces: Piece[]): Piece[] {
  const order = [...pieces]
  const levels = pieces.map((piece) => piece.level)
  const lowestOdd = Math.min(...levels.filter((level) => level % 2 === 1))
  for (let level = Math.max(0, ...levels); level >= lowestOdd; level--) {
    for (let start = 0; start < order.length; start++) {
      if (order[start]!.level < level) continue
      let end = start
      while (end < order.length && order[end]!.level >= level) end++
      order.splice(start, end - start, ...order.slice(start, end).reverse())
      start = end
    }
  }
  return order
}

/** Shaped runs by font, direction and text: line breaking and fitting shape the same prefixes at every size, and drawing shapes the lines again. */
const shapedRuns = new WeakMap<Font, Map<string, ReturnType<Font['layout']>>>()

/** `font.layout(text)` in `direction` (its glyphs then in visual order), remembered (shaping does not depend on the size). */
function shape(font: Font, text: string, direction: 'ltr' | 'rtl'): ReturnType<Font['layout']> {
  let runs = shapedRuns.get(font)
  if (!runs) {
    runs = new Map()
    shapedRuns.set(font, runs)
  }
  const key = `${direction}\n${text}`
  let shaped = runs.get(key)
  if (!shaped) {
    // A long watch session sees many titles: keep the memory bounded.
    if (runs.size >= 2000) runs.clear()
    shaped = font.layout(text, [], undefined, undefined, direction)
    runs.set(key, shaped)
  }
  return shaped
}

function transform(text: string, style: TextStyle): string {
  const collapsed = text.replace(/\s+/g, ' ').trim()
  return style.uppercase ? collapsed.toLocaleUpperCase() : collapsed
}

/** The advance width of `text` in `style`, px. */
export function measure(text: string, style: TextStyle): number {
  return place(text, style).width
}

/**
 * Break `text` into lines no wider than `width`: at spaces, and inside a word
 * only when the word alone is too wide.
 */
export function wrap(text: string, style: TextStyle, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of transform(text, {...style, uppercase: false}).split(' ')) {
    if (word === '') continue
    const candidate = line ? `${line} ${word}` : word
    if (measure(candidate, style) <= width) {
      line = candidate
      continue
    }
    if (line) lines.push(line)
    line = ''
    // A word wider than the measure is split where it must be.
    let rest = word
    while (measure(rest, style) > width) {
      const chars = [...rest]
      let take = 1
      while (take < chars.length && measure(chars.slice(0, take + 1).join(''), style) <= width) take++
      lines.push(chars.slice(0, take).join(''))
      rest = chars.slice(take).join('')
    }
    line = rest
  }
  if (line) lines.push(line)
  return lines
}

/**
 * Set `text` in at most `maxLines` lines of `width`: at the style's size if it
 * fits, else smaller (down to `minScale` of it), else cut with an ellipsis.
 */
export function setLines(text: string, style: TextStyle, width: number, maxLines = Infinity, minScale = 0.6): SetLines {
  let fitted = style
  let lines = wrap(text, fitted, width)
  for (let scale = 0.95; lines.length > maxLines && scale >= minScale - 1e-9; scale -= 0.05) {
    fitted = {...style, size: Math.round(style.size * scale)}
    lines = wrap(text, fitted, width)
  }
  if (lines.length > maxLines) {
    lines = lines.slice(0, maxLines)
    let last = lines[maxLines - 1]!
    while (last.length > 0 && measure(`${last}…`, fitted) > width) last = [...last].slice(0, -1).join('')
    lines[maxLines - 1] = `${last.trimEnd()}…`
  }
  const lineHeight = fitted.size * (fitted.lineHeight ?? 1.2)
  const font = subset(faceOf(fitted), 0)
  const ascender = (font.ascent / font.unitsPerEm) * fitted.size
  const descender = (-font.descent / font.unitsPerEm) * fitted.size
  return {lines, style: fitted, lineHeight, ascent: (lineHeight - ascender - descender) / 2 + ascender, height: lines.length * lineHeight}
}

/**
 * SVG for one line of `text` with its baseline at (`x`, `y`): one `<path>` of
 * glyph outlines, plus `<text>` runs for characters no shipped font has.
 * `attributes` go on both (`fill="#fff"`); pass only values the template owns.
 */
export function draw(text: string, style: TextStyle, x: number, y: number, attributes = ''): string {
  const extra = attributes ? ` ${attributes}` : ''
  let outline = ''
  let fallback = ''
  for (const run of place(text, style).runs) {
    if (!run.font) {
      fallback += `<text x="${round(x + run.x)}" y="${round(y)}" font-size="${style.size}" font-weight="${style.weight ?? 400}"${style.italic ? ' font-style="italic"' : ''}${extra}>${escapeXml(run.text)}</text>`
      continue
    }
    const scale = style.size / run.font.unitsPerEm
    for (const [index, glyph] of run.glyphs.entries()) {
      const position = run.positions[index]!
      // Font units, y up → pixels, y down, at this glyph's pen position.
      const left = x + run.x + run.offsets[index]! + position.xOffset * scale
      const base = y - position.yOffset * scale
      outline += pathData(
        glyph.path.commands,
        (px) => left + px * scale,
        (py) => base - py * scale
      )
    }
  }
  return (outline ? `<path d="${outline}"${extra}/>` : '') + fallback
}

const round = (value: number) => Math.round(value * 100) / 100

/** SVG path data of a glyph's outline commands, mapped by `tx`/`ty`, to 0.01 px. */
function pathData(commands: PathCommand[], tx: (x: number) => number, ty: (y: number) => number): string {
  let data = ''
  for (const {command, args} of commands) {
    const points: string[] = []
    for (let index = 0; index + 1 < args.length; index += 2) points.push(`${round(tx(args[index]!))} ${round(ty(args[index + 1]!))}`)
    const letter = command === 'moveTo' ? 'M' : command === 'lineTo' ? 'L' : command === 'quadraticCurveTo' ? 'Q' : command === 'bezierCurveTo' ? 'C' : 'Z'
    data += letter + points.join(' ')
  }
  return data
}

function escapeXml(value: string): string {
  return value.replace(/[&<>"]/g, (char) => `&#${char.codePointAt(0)};`)
}
