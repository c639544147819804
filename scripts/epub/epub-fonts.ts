/**
 * The fonts an EPUB embeds: for the scripts a reader's device may lack
 * (Devanagari, Arabic, Hebrew, Chinese, Korean, emoji), only the subset files of the
 * shipped fonts that the book's text uses, in WOFF2; and when the book has
 * code, the subsets of the shipped monospace (Source Code Pro) its code uses,
 * so code looks as in print. Latin text is left to the reader's own fonts, and
 * no font is forced: each face is limited to its script by `unicode-range`,
 * ahead of the reader's generic families.
 */
import fs from 'node:fs'
import path from 'node:path'
import type {Root} from 'hast'
import {toString as textOf} from 'hast-util-to-string'
import {visit} from 'unist-util-visit'
import {codeFacesFor, fontPackageDir, scriptFacesFor, type ShippedFace} from '../content/shipped-fonts.js'
import type {EpubFont} from './write-epub.js'

/** Elements set in the monospace family (as in `print.css` and `epub.css`). */
const codeElements = new Set(['code', 'pre', 'kbd', 'samp'])

/** The text of every code element of `tree` (outermost ones: a `pre`'s `code` counts once). */
export function codeTextOf(tree: Root): string {
  const parts: string[] = []
  visit(tree, 'element', (node) => {
    if (!codeElements.has(node.tagName)) return
    parts.push(textOf(node))
    return 'skip'
  })
  return parts.join('\n')
}

/**
 * Files and rules for the text in `texts`, of which `code` is set in
 * monospace, or `undefined` when it needs none (default `code`: none).
 */
export function epubFonts(texts: readonly string[], code: readonly string[] = []): {files: EpubFont[]; css: string} | undefined {
  return epubFontsFor(codePointsOf(texts), codePointsOf(code))
}

/** Files and rules for text of the code points `text`, of which `code` are set in monospace (see `epubFonts`). */
export function epubFontsFor(text: ReadonlySet<number>, code: ReadonlySet<number>): {files: EpubFont[]; css: string} | undefined {
  const faces = scriptFacesFor(text)
  const codeFaces = codeFacesFor(code)
  if (faces.length === 0 && codeFaces.length === 0) return undefined
  const all = [...faces, ...codeFaces]
  const files = all.map((face) => ({href: `fonts/${path.basename(face.file)}`, mediaType: 'font/woff2', data: fs.readFileSync(path.join(fontPackageDir(face.package), face.file))}))
  const rules = all.map((face, index) => fontFace(face, files[index]!.href))
  const families = [...new Set(faces.map((face) => `"${face.family}", `))].join('')
  const codeFamily = codeFaces.length > 0 ? `"${codeFaces[0]!.family}", ` : ''
  // Headings keep their sans preference, body its serif, code its monospace: the embedded families only fill in.
  return {
    files,
    css: [
      '/* Fonts for the scripts and the code in this book (generated: only the subsets its text uses). */',
      ...rules,
      ...(families ? [`body { font-family: ${families}serif; }`, `h1, h2, h3, h4, h5, h6, .kicker, .byline { font-family: ${families}sans-serif; }`] : []),
      ...(codeFamily ? [`code, pre, kbd, samp { font-family: ${codeFamily}${families}monospace; }`] : []),
      ''
    ].join('\n')
  }
}

/** The code points of `texts`. */
export function codePointsOf(texts: readonly string[]): Set<number> {
  const codePoints = new Set<number>()
  for (const text of texts) for (const char of text) codePoints.add(char.codePointAt(0)!)
  return codePoints
}

function fontFace(face: ShippedFace, href: string): string {
  const range = face.ranges.map(([start, end]) => (start === end ? `U+${start.toString(16)}` : `U+${start.toString(16)}-${end.toString(16)}`)).join(', ')
  return `@font-face { font-family: "${face.family}"; font-style: normal; font-weight: normal; src: url(${href}) format("woff2"); unicode-range: ${range}; }`
}
