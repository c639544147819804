/**
 * Parse the raw HTML of each block on its own, so a tag left open ends with
 * its paragraph, heading, table cell or list item. rehype-raw alone feeds the
 * whole document to one HTML parser: `[a](<b>c)` (CommonMark example 494)
 * would make everything after it bold, and the EPUB invalid. HTML blocks at
 * the top level stay one stream: CommonMark lets `<div>` and `</div>` enclose
 * Markdown between them.
 */
import type {Element, ElementContent, Root, RootContent} from 'hast'
import rehypeRaw from 'rehype-raw'
import type {VFile} from 'vfile'

// Blocks whose raw HTML is balanced within them (innermost first).
const blocks = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'td', 'th', 'li', 'dt', 'dd', 'blockquote', 'figcaption', 'caption'])

/** Turn each block's raw HTML into elements, closed within that block. Runs before `rehype-raw`. */
export default function rehypeBalanceRaw() {
  const parse = rehypeRaw()
  return (tree: Root, file: VFile) => {
    // Post-order without recursion: a block's children are settled before the block.
    const stack: Array<{node: Root | Element; done: boolean}> = [{node: tree, done: false}]
    while (stack.length > 0) {
      const entry = stack.pop()!
      const {node} = entry
      if (!entry.done) {
        stack.push({node, done: true})
        for (const child of node.children) if (child.type === 'element') stack.push({node: child, done: false})
        continue
      }
      if (node.type !== 'element' || !blocks.has(node.tagName)) continue
      if (!node.children.some((child) => child.type === 'raw')) continue
      // A fragment of the block's content only: a `<td>` start tag outside a table
      // would be dropped by the parser, its content is not.
      const fragment = parse({type: 'root', children: node.children as RootContent[]}, file)
      node.children = fragment.children as ElementContent[]
    }
  }
}
