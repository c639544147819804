/**
 * Turn GFM column alignment (`align="right"` on cells) into classes: `align`
 * is obsolete HTML that epubcheck reports, and inline styles would need a
 * looser Content-Security-Policy for print.
 */
import type {Root} from 'hast'
import {visit} from 'unist-util-visit'

/** Replace `align` on `td`/`th` with `class="align-…"`. */
export default function rehypeTableAlign() {
  return (tree: Root) => {
    visit(tree, 'element', (node) => {
      if (node.tagName !== 'td' && node.tagName !== 'th') return
      const align = node.properties.align
      if (typeof align !== 'string') return
      delete node.properties.align
      if (!/^(left|right|center)$/.test(align)) return
      const classes = Array.isArray(node.properties.className) ? node.properties.className : []
      node.properties.className = [...classes, `align-${align}`]
    })
  }
}
