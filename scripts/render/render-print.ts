/**
 * Document model → the print page's HTML (what Chromium prints to PDF).
 */
import type {Element, Root} from 'hast'
import {stringify} from '../markdown/stringify.js'
import {SKIP, visit} from 'unist-util-visit'
import type {PageSize} from '../config/schema.js'
import {scriptFontsCss} from '../content/shipped-fonts.js'
import type {Document, OutlineEntry} from '../core/types.js'
import {contentsList} from './contents-list.js'
import {breakUrls} from './url-breaks.js'
import {type PageProbe, pageStartProbes} from './epub-page-list.js'
import {rewriteCrossReferences, type ResolveReference} from './cross-references.js'
import {fillLabels} from './fill-labels.js'
import {hyphenateTree} from './hyphenate-print.js'
import {labelsFor} from './labels.js'
import {articleData} from './template-data.js'
import type {Templates} from './templates.js'

/** Options of `renderPrint`. */
export interface RenderPrintOptions {
  /** Paper size unless the document sets `pageSize` (default: `'A4'`). */
  pageSize?: PageSize
  /** Footer text opposite the page number (the config's `theme.footer`; default: the publisher). */
  footer?: string | undefined
  /**
   * Give every top-level block an id, an anchor after its last text and empty
   * links to both, so the printed PDF names where each starts and ends (`pdf/page-starts.ts`, for the EPUB page-list;
   * default: `false`, the print unchanged).
   */
  pageProbes?: boolean
}

/**
 * The `@font-face` rules of the shipped fonts for the scripts in `values`
 * (template data: every string in it is text the page may print).
 */
export function scriptFontsFor(...values: unknown[]): string {
  const codePoints = new Set<number>()
  const text = JSON.stringify(values)
  // ASCII needs no script's font: skipped a code unit at a time (a run of a book's body is 100,000 of them).
  for (let index = 0; index < text.length; index++) {
    if (text.charCodeAt(index) < 0x80) continue
    const codePoint = text.codePointAt(index)!
    codePoints.add(codePoint)
    if (codePoint > 0xffff) index++
  }
  return scriptFontsCss(codePoints)
}

/** The print page of a document and its bookmarks in outline order. */
export interface PrintPage {
  html: string
  /** Title, then every heading the page prints nested under it, depth-first as Chromium's outline lists them. */
  outline: OutlineEntry[]
  /** The top-level blocks' probes, in order, when `pageProbes` is on. */
  probes?: PageProbe[]
}

/** Render the full print HTML of `document`. */
export function renderPrint(templates: Templates, document: Document, options: RenderPrintOptions = {}): PrintPage {
  const notes = labelsFor(document.meta.lang).notes
  const {tree, hasNotes} = printTree(document)
  const probes = options.pageProbes ? pageStartProbes(tree) : undefined
  const body = stringify(tree)
  const data = {
    ...articleData(document),
    pageSize: document.meta.pageSize ?? options.pageSize ?? 'A4',
    footer: options.footer,
    // KaTeX's stylesheet and fonts only for pages with math (`rehypeMath`).
    hasMath: body.includes('class="katex"'),
    body
  }
  // The other scripts' fonts that the page's text needs (issue 15).
  const html = templates.print({...data, scriptFonts: scriptFontsFor(data)})
  return {html, outline: [{title: document.meta.title, level: 0}, ...articleOutline(document, hasNotes ? notes : undefined, 0)], ...(probes ? {probes} : {})}
}

/**
 * Bookmarks of an article's body under its title (at `level`): every heading
 * one level per depth below it (`#` included: Chromium would make body `h1`s
 * siblings of the title), then the notes.
 */
export function articleOutline(document: Document, notes: string | undefined, level: number): OutlineEntry[] {
  const entries = document.headings.map((heading) => ({title: heading.text, level: level + heading.depth}))
  return notes === undefined ? entries : [...entries, {title: notes, level: level + 1}]
}

/**
 * A print copy of a document's tree: footnote back-links show an arrow the
 * print fonts have, the notes' label (hidden on the web) is a visible heading, links
 * to other articles go where `resolve` says (in a standalone handout: text),
 * running text gets soft hyphens when the body is justified, a long URL
 * shown as a link gets places to break (`url-breaks.ts`), and with `toc: true`
 * the contents list comes first.
 */
export function printTree(document: Document, resolve: ResolveReference = () => undefined): {tree: Root; hasNotes: boolean} {
  const copy = structuredClone(document.tree)
  rewriteCrossReferences(copy, document.crossReferences, resolve)
  fillLabels(copy, document.meta.lang)
  const notesLabel = labelsFor(document.meta.lang).notes
  let hasNotes = false
  visit(copy, 'element', (node: Element) => {
    const classes = Array.isArray(node.properties.className) ? node.properties.className.map(String) : []
    if (node.tagName === 'a' && classes.includes('data-footnote-backref')) {
      // Back to the reference: an arrow the shipped fonts have (↩ is not in them).
      node.children = [{type: 'text', value: '↑'}]
      return SKIP
    }
    // Paper cannot be clicked open.
    if (node.tagName === 'details') node.properties.open = true
    if (node.tagName === 'h2' && classes.includes('sr-only')) {
      hasNotes = true
      node.properties.className = ['notes-label']
      node.children = [{type: 'text', value: notesLabel}]
    }
  })
  // Justified print text is hyphenated here, at build time (Chromium cannot): the EPUB never is.
  if (document.meta.justify) hyphenateTree(copy, document.meta.lang)
  // A long URL shown as a link breaks where it goes on, not only where it overflows.
  breakUrls(copy)
  // `toc: true`: the contents list before the body (in a book, after the article's masthead).
  const contents = contentsList(document)
  if (contents) copy.children.unshift(contents)
  return {tree: copy, hasNotes}
}
