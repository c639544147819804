/**
 * Math for the EPUB: KaTeX's HTML rendering (print fonts, inline styles) is
 * dropped and its MathML kept, which EPUB 3 reading systems must accept, with
 * the TeX as `alttext` (read aloud, or shown where MathML is not rendered) and
 * as the `application/x-tex` annotation KaTeX writes. MathML renderers never
 * show the annotation; where MathML is flattened to text (Calibre's AZW3 for
 * older Kindles), the TeX follows the flattened formula, so it stays readable.
 * A formula reads left to right, in a right-to-left chapter too.
 */
import type {Element, Root} from 'hast'
import {toString as textOf} from 'hast-util-to-string'
import {SKIP, visit} from 'unist-util-visit'

/** Replace each typeset formula of `tree` (a copy the renderer owns) by its MathML. */
export function mathForEpub(tree: Root): void {
  visit(tree, 'element', (node: Element) => {
    const classes = Array.isArray(node.properties.className) ? node.properties.className.map(String) : []
    if (!classes.includes('math-inline') && !classes.includes('math-display')) return
    const math = findMath(node)
    if (!math) return SKIP
    const annotation = findElement(math, 'annotation')
    if (annotation) math.properties.alttext = textOf(annotation).trim()
    // Left to right in a right-to-left chapter too, isolated from the text around it
    // (EPUB style sheets may not set `direction`).
    node.properties.dir = 'ltr'
    math.properties.dir = 'ltr'
    node.children = [math]
    return SKIP
  })
}

function findMath(node: Element): Element | undefined {
  return findElement(node, 'math')
}

function findElement(node: Element, tagName: string): Element | undefined {
  let found: Element | undefined
  visit(node, 'element', (child: Element) => {
    if (found) return SKIP
    if (child.tagName === tagName) {
      found = child
      return SKIP
    }
  })
  return found
}
