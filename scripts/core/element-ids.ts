/**
 * The ids of a HAST tree's elements: what a link's fragment may name. Used
 * where links are checked or resolved (a handout's own links, numbered
 * references, a book's links between articles, in print and EPUB alike).
 */
import type {Element, Root} from 'hast'
import {visit} from 'unist-util-visit'

/** Every string `id` of the elements of `tree`. */
export function elementIds(tree: Root | Element): Set<string> {
  const ids = new Set<string>()
  visit(tree, 'element', (node: Element) => {
    if (typeof node.properties.id === 'string') ids.add(node.properties.id)
  })
  return ids
}
