/**
 * EPUB page-list (issue 14): markers where each printed page of the same
 * article begins, so a class can say "page 2" to print and e-book readers
 * alike. Takes page starts found in the printed PDF (`pdf/page-starts.ts`):
 * the id of the first block that starts on each page. Not wired into the
 * pipeline yet: see `pageStartProbes` and `pageStarts` for the print side.
 */
import type {Element, Root} from 'hast'
import {SKIP, visit} from 'unist-util-visit'

/** The block that starts a printed page. */
export interface PageStart {
  /** 1-based page number of the print. */
  page: number
  /** Id of the first block that starts on that page. */
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
 * `filename`. Page 1 starts at the top of the chapter.
 */
export function addPageMarkers(tree: Root, starts: readonly PageStart[], filename: string): PageListEntry[] {
  const byId = new Map(starts.filter((start) => start.page > 1).map((start) => [start.id, start.page]))
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
    const page = typeof node.properties.id === 'string' ? byId.get(node.properties.id) : undefined
    if (page === undefined || !parent || index === undefined) return
    // Phrasing content is allowed everywhere a block is: the span goes right before it.
    parent.children.splice(index, 0, marker(page))
    entries.push({label: String(page), href: `${filename}#page-${page}`})
    return [SKIP, index + 2]
  })
  return entries.sort((a, b) => Number(a.label) - Number(b.label))
}

/** The `<nav epub:type="page-list">` for the navigation document (`toc.xhtml`). */
export function pageListNav(entries: readonly PageListEntry[], title: string): string {
  const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')
  const items = entries.map((entry) => `<li><a href="${escapeXml(entry.href)}">${escapeXml(entry.label)}</a></li>`).join('')
  return `<nav epub:type="page-list" role="doc-pagelist" aria-label="${escapeXml(title)}" hidden="hidden"><ol>${items}</ol></nav>`
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
 * The print side's probes: `assignProbeIds`, and an empty link to each block
 * at the end of the page, because Chromium writes a named destination only
 * for link targets. Returns the ids in document order, for `pageStarts`.
 */
export function pageStartProbes(tree: Root): string[] {
  const ids = assignProbeIds(tree)
  tree.children.push({
    type: 'element',
    tagName: 'div',
    properties: {className: ['page-probes'], ariaHidden: 'true'},
    children: ids.map((id) => ({type: 'element', tagName: 'a', properties: {href: `#${id}`}, children: []}))
  })
  return ids
}
