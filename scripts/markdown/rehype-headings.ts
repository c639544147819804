/**
 * Collect the body's headings (depth, text, id) on `file.data.headings`, for
 * PDF bookmarks and EPUB navigation. Run after `rehype-slug` so ids exist.
 */
import type {Element, Root} from 'hast'
import {SKIP, visit} from 'unist-util-visit'
import type {VFile} from 'vfile'
import type {Heading} from '../core/types.js'

declare module 'vfile' {
  interface DataMap {
    /** Body headings in document order (set by `rehypeHeadings`). */
    headings: Heading[]
  }
}

/** Record headings; headings inside footnotes are left out. */
export default function rehypeHeadings() {
  return (tree: Root, file: VFile) => {
    const headings: Heading[] = []
    visit(tree, 'element', (node) => {
      if (node.tagName === 'section' && node.properties.dataFootnotes !== undefined) return 'skip'
      const match = /^h([1-6])$/.exec(node.tagName)
      if (!match) return
      const text = headingText(node).replace(/\s+/g, ' ').trim()
      const id = String(node.properties.id ?? '')
      // No empty entry and no link to nowhere in the navigation (epubcheck rejects both).
      if (text !== '' && id !== '') headings.push({depth: Number(match[1]), text, id})
      return 'skip'
    })
    file.data.headings = headings
  }
}

/** The text of a heading as contents and bookmarks name it: without its footnote references' numbers. */
function headingText(heading: Element): string {
  let text = ''
  visit(heading, (node) => {
    if (node.type === 'element' && node.properties.dataFootnoteRef !== undefined) return SKIP
    if (node.type === 'text') text += node.value
  })
  return text
}
