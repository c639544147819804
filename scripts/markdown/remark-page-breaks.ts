/**
 * Page breaks where the author asks: a paragraph that is only `\newpage` or
 * `\pagebreak` (as in Pandoc's LaTeX), or a `::pagebreak` leaf directive,
 * becomes `<div class="page-break"></div>`. The print stylesheet breaks the
 * page there; the EPUB renderer drops it (readers paginate themselves).
 */
import type {Root, RootContent} from 'mdast'
import {SKIP, visit} from 'unist-util-visit'

const marker = /^\\(newpage|pagebreak)$/

/** Replace page-break markers by an empty `div.page-break`. */
export default function remarkPageBreaks() {
  return (tree: Root) => {
    visit(tree, (node, index, parent) => {
      if (!parent || index === undefined) return
      const isBreak =
        (node.type === 'paragraph' && node.children.length === 1 && node.children[0]!.type === 'text' && marker.test(node.children[0]!.value.trim())) ||
        (node.type === 'leafDirective' && node.name === 'pagebreak')
      if (!isBreak) return
      const pageBreak = {type: 'thematicBreak', position: node.position, data: {hName: 'div', hProperties: {className: ['page-break']}}} satisfies RootContent
      parent.children[index] = pageBreak
      return SKIP
    })
  }
}
