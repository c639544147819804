/**
 * remark-directive reads `:name` anywhere in text (`see:this`), `::name` and
 * `:::name` blocks. Those no plugin used are put back as the text they were
 * written as, so enabling directives changes nothing else. Runs after every
 * directive plugin.
 */
import type {Parent, Root, RootContent} from 'mdast'
import {SKIP, visit} from 'unist-util-visit'
import type {VFile} from 'vfile'

/** Replace unused directives by their source text (a container keeps its content). */
export default function remarkUnknownDirectives() {
  return (tree: Root, file: VFile) => {
    const source = String(file.value)
    const touched = new Set<Parent>()
    visit(tree, (node, index, parent) => {
      if (!parent || index === undefined) return
      if (node.type !== 'textDirective' && node.type !== 'leafDirective' && node.type !== 'containerDirective') return
      if (node.data?.hName) return
      const start = node.position?.start.offset
      const end = node.position?.end.offset
      const text = start === undefined || end === undefined ? `:${node.name}` : source.slice(start, end)
      if (node.type === 'textDirective') {
        touched.add(parent)
        parent.children.splice(index, 1, {type: 'text', value: text, position: node.position} as RootContent)
        return [SKIP, index + 1]
      }
      if (node.type === 'leafDirective') {
        parent.children.splice(index, 1, {type: 'paragraph', children: [{type: 'text', value: text}]} as RootContent)
        return [SKIP, index + 1]
      }
      // An unknown container: its fences as text around its content.
      const fence = text.split('\n', 1)[0]!
      const closing = text.trimEnd().split('\n').at(-1)!
      const content = node.children.filter((child) => !(child.type === 'paragraph' && child.data && 'directiveLabel' in child.data))
      const open = {type: 'paragraph', children: [{type: 'text', value: fence}]} as RootContent
      const close = {type: 'paragraph', children: [{type: 'text', value: closing}]} as RootContent
      parent.children.splice(index, 1, open, ...(content as RootContent[]), ...(/^:{3,}\s*$/.test(closing) && closing !== fence ? [close] : []))
      return index + 1
    })
    // One text node again where a directive split one (`{#fig:x}` is read whole later).
    for (const parent of touched) mergeTexts(parent)
  }
}

function mergeTexts(parent: Parent): void {
  const merged: RootContent[] = []
  for (const child of parent.children as RootContent[]) {
    const last = merged.at(-1)
    if (child.type === 'text' && last?.type === 'text') {
      last.value += child.value
      if (last.position && child.position) last.position = {start: last.position.start, end: child.position.end}
      else delete last.position
    } else {
      merged.push(child.type === 'text' ? {...child} : child)
    }
  }
  parent.children = merged as Parent['children']
}
