/**
 * Callouts written as Pandoc's fenced divs with a title after the name:
 * `:::note Title` (or `::: warning`) on its own line, the content, then `:::`.
 * remark-directive reads only `:::note[Title]`; this form stays paragraphs,
 * which this plugin gathers into the same container directive, for
 * `remarkCallouts` to turn into an aside. Runs before it.
 */
import type {Paragraph, Parent, Root, RootContent} from 'mdast'
import type {ContainerDirective} from 'mdast-util-directive'
import {visit} from 'unist-util-visit'
import {calloutTypes} from './remark-callouts.js'

const opener = new RegExp(`^:::[ \\t]*(${calloutTypes.join('|')})(?:[ \\t]+([^\\n]*?))?[ \\t]*(?:\\n|$)`, 'i')
const closer = /(?:^|\n):::[ \t]*$/

/** Gather `:::note Title` … `:::` paragraphs into container directives. */
export default function remarkFencedCallouts() {
  return (tree: Root) => {
    visit(tree, (node) => {
      if ('children' in node && node.type !== 'paragraph') gather(node as Parent)
    })
  }
}

function gather(parent: Parent): void {
  for (let start = 0; start < parent.children.length; start++) {
    const first = parent.children[start]!
    const head = first.type === 'paragraph' ? first.children[0] : undefined
    const match = head?.type === 'text' ? opener.exec(head.value) : null
    if (!match || head?.type !== 'text') continue
    // The closing fence: the end of this paragraph (after the opening line) or of a later one.
    let end = start
    while (end < parent.children.length && !closes(parent.children[end]!, end === start ? match[0].length : 0)) end++
    if (end === parent.children.length) continue
    head.value = head.value.slice(match[0].length)
    const last = parent.children[end] as Paragraph
    const tail = last.children.at(-1)
    if (tail?.type === 'text') tail.value = tail.value.replace(closer, '')
    const content = parent.children.slice(start, end + 1).filter((child) => !isEmpty(child)) as ContainerDirective['children']
    const title = match[2]?.trim()
    const label: Paragraph | undefined = title ? {type: 'paragraph', children: [{type: 'text', value: title}], data: {directiveLabel: true} as Paragraph['data']} : undefined
    const directive: ContainerDirective = {type: 'containerDirective', name: match[1]!.toLowerCase(), attributes: {}, children: label ? [label, ...content] : content}
    parent.children.splice(start, end - start + 1, directive as RootContent as Parent['children'][number])
  }
}

/** Whether `node` is a paragraph whose last line is `:::` (ignoring its first `skip` characters). */
function closes(node: RootContent, skip: number): boolean {
  if (node.type !== 'paragraph') return false
  const tail = node.children.at(-1)
  if (tail?.type !== 'text') return false
  const text = node.children.length === 1 ? tail.value.slice(skip) : tail.value
  return text.trim() === ':::' || /\n:::[ \t]*$/.test(text)
}

function isEmpty(node: RootContent): boolean {
  return node.type === 'paragraph' && node.children.every((child) => child.type === 'text' && !child.value.trim())
}
