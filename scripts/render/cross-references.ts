/**
 * Point links between articles where each output can follow them: another
 * chapter of the EPUB, a page of the book, or (in a standalone handout, where
 * the other article is elsewhere) plain text.
 */
import type {Element, Root} from 'hast'
import {visit} from 'unist-util-visit'
import type {CrossReference} from '../core/types.js'

/** Where a cross-reference goes in one output, or `undefined` to keep only the text. */
export type ResolveReference = (reference: CrossReference) => string | undefined

/**
 * Rewrite every marked link of `tree` (in place) with `resolve`. Always removes
 * the marks, so no source path leaks into an output.
 */
export function rewriteCrossReferences(tree: Root, references: readonly CrossReference[], resolve: ResolveReference): void {
  visit(tree, 'element', (node: Element) => {
    const mark = node.properties.dataXref
    if (mark === undefined) return
    delete node.properties.dataXref
    const reference = references[Number(mark)]
    const href = reference ? resolve(reference) : undefined
    if (href === undefined) {
      delete node.properties.href
      node.tagName = 'span'
      node.properties.className = ['cross-reference']
    } else {
      node.properties.href = href
    }
  })
}
