/**
 * Numbered figures and tables, and references to them (Pandoc-crossref's
 * syntax). A captioned figure (`![Alt](a.png "Caption")`) and a table with a
 * caption paragraph right before or after it (`Table: Caption {#tbl:id}`) get
 * their number; `@fig:id` and `@tbl:id` in text become links that print it.
 * The words ("Figure", "Table") are left to the renderers, which know the
 * article's language: a numbered label is `<span data-label="figure">1</span>`
 * (`render/fill-labels.ts`). Runs after the sanitiser (the markup is ours) and
 * after the ids are final (it adds `fig-…`/`tbl-…` ids and checks for clashes).
 */
import type {Element, ElementContent, Root, Text} from 'hast'
import {SKIP, visit} from 'unist-util-visit'
import type {VFile} from 'vfile'
import {location} from 'vfile-location'
import {idOf} from './remark-figure-ids.js'
import {elementIds} from '../core/element-ids.js'

const origin = 'handout:numbering'
// French typography puts a (narrow) no-break space before the colon.
const tableCaption = /^Table[\s\u00A0\u202F]*:\s*/
const tableId = /\{#(tbl:[\p{L}\p{N}_-]+)\}\s*$/u
const reference = /\[?@((fig|tbl):[\p{L}\p{N}_-]*[\p{L}\p{N}])\]?/gu

/** What a numbered thing is called: the key of its word in `render/labels.ts`. */
type Kind = 'figure' | 'table'

/** Number captioned figures and tables; turn `@fig:…`/`@tbl:…` into links. */
export default function rehypeNumbering() {
  return (tree: Root, file: VFile) => {
    const ids = elementIds(tree)
    captionTables(tree, file, ids)
    const numbers = new Map<string, {kind: Kind; number: number}>()
    const counts = {figure: 0, table: 0}
    visit(tree, 'element', (node) => {
      const kind: Kind | undefined = node.tagName === 'figure' ? 'figure' : node.tagName === 'table' ? 'table' : undefined
      const caption = kind && node.children.find((child): child is Element => child.type === 'element' && (child.tagName === 'figcaption' || child.tagName === 'caption'))
      if (!kind || !caption) return
      const number = ++counts[kind]
      if (kind === 'figure') adoptImageId(node)
      caption.children.unshift(label(kind, number), {type: 'text', value: ': '})
      if (typeof node.properties.id === 'string') numbers.set(node.properties.id, {kind, number})
    })
    linkReferences(tree, file, numbers)
  }
}

function label(kind: Kind, number: number): Element {
  return {type: 'element', tagName: 'span', properties: {className: ['caption-label'], dataLabel: kind}, children: [{type: 'text', value: String(number)}]}
}

/** `figure > img#fig-x` → `figure#fig-x > img`, so links land on the whole figure. */
function adoptImageId(figure: Element): void {
  const image = figure.children.find((child): child is Element => child.type === 'element' && child.tagName === 'img')
  if (!image || typeof image.properties.id !== 'string') return
  figure.properties.id = image.properties.id
  delete image.properties.id
}

/** `<p>Table: Caption {#tbl:x}</p>` next to a table becomes its `<caption>` (and id). */
function captionTables(tree: Root, file: VFile, ids: Set<string>): void {
  visit(tree, 'element', (node, index, parent) => {
    if (node.tagName !== 'table' || !parent || index === undefined) return
    const siblings = parent.children
    const candidates = [previousElement(siblings, index), nextElement(siblings, index)]
    for (const at of candidates) {
      if (at === undefined) continue
      const paragraph = siblings[at] as Element
      const first = paragraph.children[0]
      if (paragraph.tagName !== 'p' || first?.type !== 'text' || !tableCaption.test(first.value)) continue
      first.value = first.value.replace(tableCaption, '')
      const last = paragraph.children.at(-1)
      const match = last?.type === 'text' ? tableId.exec(last.value) : null
      if (match && last?.type === 'text') {
        last.value = last.value.slice(0, match.index).trimEnd()
        const id = idOf(match[1]!)
        if (ids.has(id)) file.message(`Duplicate id \`${match[1]}\`: give each table its own label`, {place: paragraph.position, ruleId: 'reference-duplicate', source: origin})
        else node.properties.id = id
        ids.add(id)
      }
      node.children.unshift({type: 'element', tagName: 'caption', properties: {}, children: paragraph.children})
      // Drop the paragraph and the line break text between it and the table.
      siblings.splice(at, 1)
      return SKIP
    }
  })
}

function previousElement(siblings: Root['children'], index: number): number | undefined {
  for (let at = index - 1; at >= 0; at--) {
    const node = siblings[at]!
    if (node.type === 'element') return at
    if (node.type !== 'text' || node.value.trim()) return undefined
  }
  return undefined
}

function nextElement(siblings: Root['children'], index: number): number | undefined {
  for (let at = index + 1; at < siblings.length; at++) {
    const node = siblings[at]!
    if (node.type === 'element') return at
    if (node.type !== 'text' || node.value.trim()) return undefined
  }
  return undefined
}

/** `@fig:x` / `[@fig:x]` in text → `<a href="#fig-x"><span data-label="figure">1</span></a>`. */
function linkReferences(tree: Root, file: VFile, numbers: Map<string, {kind: Kind; number: number}>): void {
  const place = location(file)
  visit(tree, 'text', (node: Text, index, parent) => {
    if (!parent || index === undefined || !node.value.includes('@')) return
    if (parent.type === 'element' && ['code', 'pre', 'a'].includes(parent.tagName)) return
    const parts: ElementContent[] = []
    let last = 0
    for (const match of node.value.matchAll(reference)) {
      const id = idOf(match[1]!)
      const target = numbers.get(id)
      if (!target) {
        const offset = node.position?.start.offset
        file.message(`Reference \`@${match[1]}\` has no numbered ${match[2] === 'fig' ? 'figure' : 'table'} with that label: add \`{#${match[1]}}\` to its caption`, {
          // Text split by an earlier plugin (autolinks) has no place: its paragraph's.
          place: offset === undefined ? (node.position ?? parent.position) : place.toPoint(offset + match.index),
          ruleId: 'reference-unknown',
          source: origin
        })
        continue
      }
      if (match.index > last) parts.push({type: 'text', value: node.value.slice(last, match.index)})
      parts.push({type: 'element', tagName: 'a', properties: {href: `#${id}`, className: ['xref-number']}, children: [label(target.kind, target.number)]})
      last = match.index + match[0].length
    }
    if (parts.length === 0) return
    if (last < node.value.length) parts.push({type: 'text', value: node.value.slice(last)})
    parent.children.splice(index, 1, ...parts)
    return [SKIP, index + parts.length]
  })
}
