/**
 * Keep every `id` unique. Raw HTML may repeat an id or take one a heading
 * slug also gets; browsers shrug, but XHTML (and so epubcheck) rejects the
 * whole chapter. Headings keep theirs (the outline and navigation point at
 * them); any later element with a taken id loses it, with a warning.
 */
import type {Element, Root} from 'hast'
import {visit} from 'unist-util-visit'
import {visitParents} from 'unist-util-visit-parents'
import type {VFile} from 'vfile'
import {nearestPosition} from './nearest-position.js'

const headings = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6'])

/** Remove repeated ids, headings first served. */
export default function rehypeUniqueIds() {
  return (tree: Root, file: VFile) => {
    const owners = new Map<string, Element>()
    visit(tree, 'element', (node: Element) => {
      const id = node.properties.id
      if (headings.has(node.tagName) && typeof id === 'string' && !owners.has(id)) owners.set(id, node)
    })
    visitParents(tree, 'element', (node: Element, ancestors) => {
      const id = node.properties.id
      if (typeof id !== 'string') return
      const owner = owners.get(id)
      if (owner === node) return
      if (owner === undefined) {
        owners.set(id, node)
        return
      }
      delete node.properties.id
      file.message(`Removed repeated id \`${id}\` on \`<${node.tagName}>\`: ids must be unique (a heading may already use it)`, {
        place: nearestPosition(node, ancestors),
        ruleId: 'duplicate-id',
        source: 'handout:html'
      })
    })
  }
}
