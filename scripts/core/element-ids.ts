/**
 * The ids of a HAST tree's elements: what a link's fragment may name. Used
 * where links are checked or resolved (a handout's own links, numbered
 * references, a book's links between articles, in print and EPUB alike).
 */
import type {Element, Root} from 'hast'
import {visit} from 'unist-util-visit'
import type {Document} from './types.js'

/** Every string `id` of the elements of `tree`. */
export function elementIds(tree: Root | Element): Set<string> {
  const ids = new Set<string>()
  visit(tree, 'element', (node: Element) => {
    if (typeof node.properties.id === 'string') ids.add(node.properties.id)
  })
  return ids
}

const documentIdSets = new WeakMap<Root, ReadonlySet<string>>()

/**
 * `elementIds` of a parsed document, found once per document: its tree is
 * not changed after the parse (renderers change copies), and a watch session
 * keeps the documents of the articles it did not parse again, so a book's
 * rebuild walks only the edited article's tree.
 */
export function documentIds(document: Pick<Document, 'tree'>): ReadonlySet<string> {
  let ids = documentIdSets.get(document.tree)
  if (!ids) {
    ids = elementIds(document.tree)
    documentIdSets.set(document.tree, ids)
  }
  return ids
}

/**
 * Whether the page itself gives `id` to an element beside the content's: the
 * title (`title`, `epub/chapter.xhtml.ejs`), the EPUB's page breaks (`page-N`)
 * and the page probes (`page-probe-N`, `page-probe-end-N`), both made in
 * `render/epub-page-list.ts`. Content does not get them (`rehype-unique-ids.ts`):
 * twice on a page, an id fails the EPUB's XHTML.
 */
export function isPageId(id: string): boolean {
  return id === 'title' || /^page-(?:probe-(?:end-)?)?\d+$/.test(id)
}
