/**
 * A heading with no text (CommonMark example 79: `#`, `## `, `### ###`) gets
 * no empty `id` and no empty entry in bookmarks and navigation (empty ids and
 * nav labels fail epubcheck). An empty one is removed; one that only shows an
 * image (a README's logo) becomes a paragraph, image kept. A heading of only
 * punctuation or emoji (`## !!!`, `## 🎉`), whose slug would be empty, gets
 * an id of its own (`heading-1`, …).
 */
import type {Element, Root} from 'hast'
import {toString as textOf} from 'hast-util-to-string'
import {SKIP, visit} from 'unist-util-visit'

const headings = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6'])

// What github-slugger (rehype-slug) keeps of a heading's text.
const sluggable = /[\p{L}\p{M}\p{N}_-]/u

/** Remove or demote headings without text. Runs before `rehype-slug`. */
export default function rehypeEmptyHeadings() {
  return (tree: Root) => {
    let unnamed = 0
    visit(tree, 'element', (node: Element, index, parent) => {
      if (!headings.has(node.tagName)) return
      const text = textOf(node).trim()
      if (text !== '') {
        if (!sluggable.test(text) && node.properties.id === undefined) node.properties.id = `heading-${++unnamed}`
        return
      }
      if (parent === undefined || index === undefined) return
      if (node.children.some((child) => child.type === 'element')) {
        node.tagName = 'p'
        delete node.properties.id
        return SKIP
      }
      parent.children.splice(index, 1)
      return index
    })
  }
}
