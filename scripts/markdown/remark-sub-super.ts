/**
 * Pandoc's subscript and superscript: `H~2~O` → H<sub>2</sub>O, `x^2^` →
 * x<sup>2</sup>. The marked text has no spaces (as in Pandoc); `~~x~~` stays
 * strikethrough (remark-gfm runs with `singleTilde: false`, so single tildes
 * reach this plugin as text).
 */
import type {PhrasingContent, Root} from 'mdast'
import {SKIP, visit} from 'unist-util-visit'

// A delimiter is a lone `~` or `^`: in a run such as GFM's `~~~not~~~` none is one.
const pattern = /(?<!~)~([^~\s]+)~(?!~)|(?<!\^)\^([^^\s[\]]+)\^(?!\^)/g

/** Split text nodes at `~sub~` and `^sup^`. */
export default function remarkSubSuper() {
  return (tree: Root) => {
    visit(tree, 'text', (node, index, parent) => {
      if (!parent || index === undefined || !pattern.test(node.value)) return
      // A bare URL made a link (`https://host/~a~b`) keeps its text as written.
      if (parent.type === 'link' && parent.url.endsWith(node.value)) return
      pattern.lastIndex = 0
      const parts: PhrasingContent[] = []
      let last = 0
      for (const match of node.value.matchAll(pattern)) {
        if (match.index > last) parts.push({type: 'text', value: node.value.slice(last, match.index)})
        const sub = match[1] !== undefined
        // `emphasis` only as a carrier of phrasing content; `hName` makes it `sub`/`sup`.
        parts.push({type: 'emphasis', children: [{type: 'text', value: (sub ? match[1] : match[2])!}], data: {hName: sub ? 'sub' : 'sup'}})
        last = match.index + match[0].length
      }
      if (last < node.value.length) parts.push({type: 'text', value: node.value.slice(last)})
      parent.children.splice(index, 1, ...parts)
      return [SKIP, index + parts.length]
    })
  }
}
