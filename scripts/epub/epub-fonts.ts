/**
 * The fonts an EPUB embeds: for the scripts a reader's device may lack
 * (Devanagari, Arabic, Hebrew, Chinese, emoji), only the subset files of the
 * shipped fonts that the book's text uses, in WOFF2. Latin is left to the
 * reader's own fonts, and no font is forced: each face is limited to its
 * script by `unicode-range`, ahead of the reader's generic families.
 */
import fs from 'node:fs'
import path from 'node:path'
import {fontPackageDir, scriptFacesFor, type ShippedFace} from '../content/shipped-fonts.js'
import type {EpubFont} from './write-epub.js'

/** Files and rules for the text in `texts`, or `undefined` when it needs none. */
export function epubFonts(texts: readonly string[]): {files: EpubFont[]; css: string} | undefined {
  const codePoints = new Set<number>()
  for (const text of texts) for (const char of text) codePoints.add(char.codePointAt(0)!)
  const faces = scriptFacesFor(codePoints)
  if (faces.length === 0) return undefined
  const files = faces.map((face) => ({href: `fonts/${path.basename(face.file)}`, mediaType: 'font/woff2', data: fs.readFileSync(path.join(fontPackageDir(face.package), face.file))}))
  const families = [...new Set(faces.map((face) => `"${face.family}"`))].join(', ')
  const rules = faces.map((face, index) => fontFace(face, files[index]!.href))
  // Headings keep their sans preference, body its serif: the embedded families only fill in the scripts.
  return {
    files,
    css: [
      '/* Fonts for the scripts in this book (generated: only the subsets its text uses). */',
      ...rules,
      `body { font-family: ${families}, serif; }`,
      `h1, h2, h3, h4, h5, h6, .kicker, .byline { font-family: ${families}, sans-serif; }`,
      ''
    ].join('\n')
  }
}

function fontFace(face: ShippedFace, href: string): string {
  const range = face.ranges.map(([start, end]) => (start === end ? `U+${start.toString(16)}` : `U+${start.toString(16)}-${end.toString(16)}`)).join(', ')
  return `@font-face { font-family: "${face.family}"; font-style: normal; font-weight: normal; src: url(${href}) format("woff2"); unicode-range: ${range}; }`
}
