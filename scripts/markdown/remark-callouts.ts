/**
 * Callouts: GitHub alerts (`> [!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]`,
 * `[!CAUTION]`) and directive containers (`:::note`, `:::warning[Title]`, and
 * `:::warning Title` via `remarkFencedCallouts`)
 * become `<aside class="callout callout-<type>" role="note">` with a title
 * paragraph. An empty title is filled with the localised label by the
 * renderers (`render/fill-labels.ts`), which know the article's language.
 */
import type {Blockquote, BlockContent, DefinitionContent, Paragraph, PhrasingContent, Root} from 'mdast'
import type {ContainerDirective} from 'mdast-util-directive'
import {visit} from 'unist-util-visit'

/** The callout types, as GitHub names its alerts. */
export const calloutTypes = ['note', 'tip', 'important', 'warning', 'caution'] as const

const alert = /^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*(?:\r?\n|$)/i

/** Turn alerts and callout directives into asides. */
export default function remarkCallouts() {
  return (tree: Root) => {
    visit(tree, (node) => {
      if (node.type === 'blockquote') return fromAlert(node)
      if (node.type === 'containerDirective') fromDirective(node)
    })
  }
}

function fromAlert(node: Blockquote): void {
  const first = node.children[0]
  const head = first?.type === 'paragraph' ? first.children[0] : undefined
  if (first?.type !== 'paragraph' || head?.type !== 'text') return
  const match = alert.exec(head.value)
  if (!match) return
  head.value = head.value.slice(match[0].length)
  if (!head.value) first.children.shift()
  // A soft break may be left at the start after `[!NOTE]` on its own line.
  if (first.children.length === 0) node.children.shift()
  toAside(node, match[1]!.toLowerCase(), [])
}

function fromDirective(node: ContainerDirective): void {
  if (!(calloutTypes as readonly string[]).includes(node.name)) return
  const label = node.children[0]
  let title: PhrasingContent[] = []
  if (label?.type === 'paragraph' && label.data && 'directiveLabel' in label.data) {
    title = label.children
    node.children.shift()
  }
  toAside(node, node.name, title)
}

function toAside(node: Blockquote | ContainerDirective, type: string, title: PhrasingContent[]): void {
  const heading: Paragraph = {type: 'paragraph', children: title, data: {hProperties: {className: ['callout-title']}}}
  node.children = [heading, ...(node.children as Array<BlockContent | DefinitionContent>)]
  node.data = {...node.data, hName: 'aside', hProperties: {className: ['callout', `callout-${type}`], role: 'note'}}
}
