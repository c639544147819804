/**
 * Raw HTML into elements: each block's own first (`rehype-balance-raw.ts`),
 * then what is left with rehype-raw, which sends the whole tree through an
 * HTML parser again (and so also moves a `<div>` a block's raw HTML put in a
 * paragraph out of it). A tree without raw HTML (most documents: a 200-article
 * book spent a second of its parse there) is left as it is.
 */
import type {Root} from 'hast'
import rehypeRaw from 'rehype-raw'
import {EXIT, visit} from 'unist-util-visit'
import type {VFile} from 'vfile'
import rehypeBalanceRaw from './rehype-balance-raw.js'

/** Parse the raw HTML of the tree, if it has any. */
export default function rehypeRawHtml() {
  const balance = rehypeBalanceRaw()
  const parse = rehypeRaw()
  return (tree: Root, file: VFile): Root | undefined => {
    let found = false
    visit(tree, 'raw', () => {
      found = true
      return EXIT
    })
    if (!found) return undefined
    balance(tree, file)
    return parse(tree, file)
  }
}
