/**
 * HTML text of document trees, for print and EPUB alike. Apart from
 * `processor.ts` so that the renderers, which only serialise, do not load the
 * whole Markdown chain (KaTeX, the highlighter, the sanitiser) with it.
 */
import type {Root as HastRoot} from 'hast'
import type {Options as StringifyOptions} from 'rehype-stringify'
import rehypeStringify from 'rehype-stringify'
import {unified} from 'unified'

/**
 * How trees become text, for print and EPUB alike: every element closed and
 * numeric character references only, so the same text is valid HTML for
 * Chromium and valid XHTML for e-readers.
 */
export const stringifyOptions: StringifyOptions = {closeSelfClosing: true, characterReferences: {useNamedReferences: false}}

const serializer = unified().use(rehypeStringify, stringifyOptions).freeze()

/** The HTML text of a (renderer's copy of a) document tree, with the processor's own settings. */
export function stringify(tree: HastRoot): string {
  return serializer.stringify(tree)
}
