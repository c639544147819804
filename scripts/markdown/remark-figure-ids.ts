/**
 * Pandoc-crossref's figure ids: `![Alt](chart.png "Caption"){#fig:chart}` gives
 * the figure the id `fig-chart` (colons are awkward in ids and fragments), so
 * `@fig:chart` can refer to it (`rehypeNumbering`).
 */
import type {Root} from 'mdast'
import {visit} from 'unist-util-visit'

const attribute = /^\{#(fig:[\p{L}\p{N}_-]+)\}\s*/u

/** Move a `{#fig:…}` right after an image onto the image as its id. */
export default function remarkFigureIds() {
  return (tree: Root) => {
    visit(tree, 'image', (node, index, parent) => {
      const next = parent && index !== undefined ? parent.children[index + 1] : undefined
      if (next?.type !== 'text') return
      const match = attribute.exec(next.value)
      if (!match) return
      next.value = next.value.slice(match[0].length)
      if (!next.value) parent!.children.splice(index! + 1, 1)
      node.data = {...node.data, hProperties: {...node.data?.hProperties, id: idOf(match[1]!)}}
    })
  }
}

/** `fig:chart` → `fig-chart`: the id the element gets for a Pandoc-crossref label. */
export function idOf(label: string): string {
  return label.replace(':', '-')
}
