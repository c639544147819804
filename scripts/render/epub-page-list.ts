/**
 * EPUB page-list (issue 14): markers where each printed page of the same
 * article begins, so a class can say "page 2" to print and e-book readers
 * alike. Takes page starts found in the printed PDF (`pdf/page-starts.ts`):
 * the block in which each page begins. The print side: `pageStartProbes`
 * (render), then `pageStarts` (pdf); the EPUB side: `addPageMarkers`.
 */
import type {Element, Root} from 'hast'
import {SKIP, visit} from 'unist-util-visit'

/** Where a printed page begins. */
export interface PageStart {
  /** 1-based page number of the print. */
  page: number
  /** Id of the top-level block in which the page's first line is: the marker goes before it. */
  id: string
}

/** One entry of the `page-list` nav: the page's label and its marker's fragment. */
export interface PageListEntry {
  label: string
  href: string
}

/**
 * Insert `<span epub:type="pagebreak" role="doc-pagebreak" id="page-N"
 * aria-label="N"/>` before each page's first block in `tree` (a copy the
 * renderer owns); returns the entries of the page-list nav, with hrefs into
 * `filename`. Page 1 starts at the top of the chapter; pages that begin inside
 * the same block (a long table) get their markers together, in order.
 */
export function addPageMarkers(tree: Root, starts: readonly PageStart[], filename: string): PageListEntry[] {
  const byId = new Map<string, number[]>()
  for (const start of starts) if (start.page > 1) byId.set(start.id, [...(byId.get(start.id) ?? []), start.page])
  const entries: PageListEntry[] = []
  const marker = (page: number): Element => ({
    type: 'element',
    tagName: 'span',
    properties: {'epub:type': 'pagebreak', role: 'doc-pagebreak', id: `page-${page}`, ariaLabel: String(page)},
    children: []
  })
  tree.children.unshift(marker(1))
  entries.push({label: '1', href: `${filename}#page-1`})
  visit(tree, 'element', (node: Element, index, parent) => {
    const pages = typeof node.properties.id === 'string' ? byId.get(node.properties.id) : undefined
    if (pages === undefined || !parent || index === undefined) return
    // Phrasing content is allowed everywhere a block is: the spans go right before it.
    parent.children.splice(index, 0, ...pages.map(marker))
    for (const page of pages) entries.push({label: String(page), href: `${filename}#page-${page}`})
    return [SKIP, index + pages.length + 1]
  })
  return entries.sort((a, b) => Number(a.label) - Number(b.label))
}

/** A top-level block the print names: its id, and the id of an empty anchor after its last text. */
export interface PageProbe {
  id: string
  /** Absent for a block with no content (a rule, a page break): it cannot span pages. */
  end?: string
}

/**
 * Give every top-level block of `tree` an id (`page-probe-1`, … unless it has
 * one) and return them in order. The print and EPUB trees of a document have
 * the same top-level blocks, so both sides get the same ids.
 */
export function assignProbeIds(tree: Root): string[] {
  const ids: string[] = []
  for (const node of tree.children) {
    if (node.type !== 'element') continue
    if (typeof node.properties.id !== 'string') node.properties.id = `page-probe-${ids.length + 1}`
    ids.push(node.properties.id as string)
  }
  return ids
}

/**
 * The print side's probes: `assignProbeIds`, an empty anchor at the end of
 * each block's last text (`page-probe-end-N`: a page that begins before it
 * begins inside the block), and an empty link to each of them at the end of
 * the page, because Chromium writes a named destination only for link
 * targets. Empty inline anchors take no room: the layout is unchanged.
 * Returns the probes in document order, for `pageStarts`.
 */
export function pageStartProbes(tree: Root): PageProbe[] {
  const ids = assignProbeIds(tree)
  const blocks = tree.children.filter((node): node is Element => node.type === 'element')
  const probes = blocks.map((block, index): PageProbe => {
    const last = lastTextHolder(block)
    if (!last) return {id: ids[index]!}
    const end = `page-probe-end-${index + 1}`
    last.children.push({type: 'element', tagName: 'a', properties: {id: end}, children: []})
    return {id: ids[index]!, end}
  })
  const targets = probes.flatMap((probe) => (probe.end ? [probe.id, probe.end] : [probe.id]))
  tree.children.push({
    type: 'element',
    tagName: 'div',
    properties: {className: ['page-probes'], ariaHidden: 'true'},
    children: targets.map((id) => ({type: 'element', tagName: 'a', properties: {href: `#${id}`}, children: []}))
  })
  return probes
}

/** Blocks whose last child may itself hold the block's last text. */
const containers = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'dd',
  'details',
  'div',
  'dl',
  'dt',
  'figcaption',
  'figure',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'li',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'ul'
])
/** Where an HTML anchor does not belong (other namespaces, replaced or void elements). */
const opaque = new Set(['svg', 'math', 'img', 'hr', 'br', 'input', 'video', 'audio', 'iframe', 'object', 'canvas', 'picture', 'colgroup', 'col', 'caption'])

/**
 * The element whose children end `block`'s text, where an anchor can go:
 * down the last children while they are blocks (a list's last item's
 * paragraph, a table's last cell); `undefined` for an element with no content.
 */
function lastTextHolder(block: Element): Element | undefined {
  if (opaque.has(block.tagName) || block.children.length === 0) return undefined
  let holder = block
  for (;;) {
    const last = holder.children.findLast((child) => child.type !== 'text' || child.value.trim() !== '')
    if (last?.type !== 'element' || !containers.has(last.tagName) || last.children.length === 0) return holder
    holder = last
  }
}
