/**
 * Keep every `id` unique. Raw HTML may repeat an id or take one a heading
 * slug also gets; browsers shrug, but XHTML (and so epubcheck) rejects the
 * whole chapter. Headings keep theirs (the outline and navigation point at
 * them); any later element with a taken id loses it, with a warning. Ids the
 * page itself gives (`isPageId`: the title, page breaks and probes) are taken
 * from the start: a heading's slug becomes the next free one (a heading
 * `Title` gets `title-1`, and links to `#title` follow it), and any other
 * element loses it, with a warning.
 */
import type {Element, Root} from 'hast'
import {visit} from 'unist-util-visit'
import {visitParents} from 'unist-util-visit-parents'
import type {VFile} from 'vfile'
import {elementIds, isPageId} from '../core/element-ids.js'
import {nearestPosition} from './nearest-position.js'

const headings = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6'])

/** Remove repeated ids, headings first served; rename headings' ids that the page uses. */
export default function rehypeUniqueIds() {
  return (tree: Root, file: VFile) => {
    const owners = new Map<string, Element>()
    // A heading's slug the page uses, and what it became.
    const renamed = new Map<string, string>()
    let taken: Set<string> | undefined
    visit(tree, 'element', (node: Element) => {
      let id = node.properties.id
      if (!headings.has(node.tagName) || typeof id !== 'string') return
      if (isPageId(id)) {
        taken ??= elementIds(tree)
        let suffix = 1
        while (taken.has(`${id}-${suffix}`) || owners.has(`${id}-${suffix}`) || isPageId(`${id}-${suffix}`)) suffix++
        if (!renamed.has(id)) renamed.set(id, `${id}-${suffix}`)
        id = `${id}-${suffix}`
        node.properties.id = id
      }
      if (!owners.has(id)) owners.set(id, node)
    })
    visitParents(tree, 'element', (node: Element, ancestors) => {
      const href = node.properties.href
      if (node.tagName === 'a' && typeof href === 'string' && href.startsWith('#') && renamed.has(href.slice(1))) node.properties.href = `#${renamed.get(href.slice(1))}`
      const id = node.properties.id
      if (typeof id !== 'string') return
      const owner = owners.get(id)
      if (owner === node) return
      if (owner === undefined && !isPageId(id)) {
        owners.set(id, node)
        return
      }
      delete node.properties.id
      file.message(
        owner === undefined
          ? `Removed id \`${id}\` on \`<${node.tagName}>\`: the page itself uses it (its title, page breaks and page markers)`
          : `Removed repeated id \`${id}\` on \`<${node.tagName}>\`: ids must be unique (a heading may already use it)`,
        {place: nearestPosition(node, ancestors), ruleId: 'duplicate-id', source: 'handout:html'}
      )
    })
  }
}
