/**
 * Characters no shipped font can print are warnings at their `file:line:column`
 * with the code point (as LaTeX reports a missing character), not boxes
 * found on paper. Coverage is checked in the shipped fonts' cmaps
 * (`content/shipped-fonts.ts`, cached per code point); the title is checked too.
 */
import type {Root, Text} from 'hast'
import type {Point} from 'unist'
import type {VFile} from 'vfile'
import {visit} from 'unist-util-visit'
import {hasShippedGlyph} from '../content/shipped-fonts.js'

// Nothing to draw: spaces, controls, format characters (joiners, marks, soft hyphen), variation selectors.
const invisible = /^(?:\p{White_Space}|\p{Cc}|\p{Cf}|\p{Variation_Selector})$/u

interface Place {
  char: string
  point: Point | undefined
}

/** Warn once per character that no shipped font has, at its first place. */
export default function rehypeMissingGlyphs() {
  return async (tree: Root, file: VFile) => {
    const first = new Map<number, Place & {count: number}>()
    const note = (char: string, point: Point | undefined) => {
      const codePoint = char.codePointAt(0)!
      if (codePoint < 0x80 || invisible.test(char)) return
      const seen = first.get(codePoint)
      if (seen) seen.count++
      else first.set(codePoint, {char, point, count: 1})
    }
    const title = file.data.frontMatter?.title
    if (title) {
      const line =
        String(file.value)
          .split('\n')
          .findIndex((text) => /^title\s*:/.test(text)) + 1
      // A title taken from elsewhere (the first heading, the file name) is reported at the start.
      for (const char of title) note(char, {line: Math.max(1, line), column: 1})
    }
    visit(tree, 'text', (node: Text) => {
      // Text our plugins add (task-list boxes, back-link arrows) has no place in the source: theirs to get right.
      const start = node.position?.start
      if (!start) return
      let line = start.line
      let column = start.column
      for (const char of node.value) {
        note(char, {line, column})
        if (char === '\n') {
          line++
          column = 1
        } else column += char.length
      }
    })
    for (const [codePoint, place] of first) {
      if (await hasShippedGlyph(codePoint)) continue
      const hex = codePoint.toString(16).toUpperCase().padStart(4, '0')
      const times = place.count > 1 ? ` (${place.count} times)` : ''
      file.message(`Character \`${place.char}\` (U+${hex}) is in no shipped font${times}: it would print as an empty box; replace it, or use a character the fonts have`, {
        ...(place.point ? {place: place.point} : {}),
        ruleId: 'missing-glyph',
        source: 'handout:fonts'
      })
    }
  }
}
