/**
 * Document model → the print page's HTML (what Chromium prints to PDF).
 */
import type {Element, Root} from 'hast'
import {toHtml} from 'hast-util-to-html'
import {SKIP, visit} from 'unist-util-visit'
import type {PageSize} from '../config/schema.js'
import type {Document, OutlineEntry} from '../core/types.js'
import {rewriteCrossReferences, type ResolveReference} from './cross-references.js'
import {formatDate, labelsFor} from './labels.js'
import {cssString, type Templates} from './templates.js'

/** Options of `renderPrint`. */
export interface RenderPrintOptions {
  /** Paper size unless the document sets `pageSize` (default: `'A4'`). */
  pageSize?: PageSize
}

/** The values every template gets about a document. */
export function templateData(document: Document) {
  const {meta} = document
  const authors = meta.author === undefined ? undefined : [meta.author].flat().join(', ')
  return {
    lang: meta.lang,
    title: meta.title,
    subtitle: meta.subtitle,
    kicker: meta.kicker,
    publisher: meta.publisher,
    authors,
    runningHead: [meta.publisher, meta.runningHead ?? meta.title].filter(Boolean).join(' · '),
    // The resolved date (front matter, SOURCE_DATE_EPOCH, last commit or mtime), in words.
    dateText: formatDate(document.date, meta.lang),
    dateIso: document.date.toISOString().slice(0, 10),
    labels: labelsFor(meta.lang),
    cssString
  }
}

/** The print page of a document and its bookmarks in outline order. */
export interface PrintPage {
  html: string
  /** Title, then every heading the page prints nested under it, depth-first as Chromium's outline lists them. */
  outline: OutlineEntry[]
}

/** Render the full print HTML of `document`. */
export function renderPrint(templates: Templates, document: Document, options: RenderPrintOptions = {}): PrintPage {
  const notes = labelsFor(document.meta.lang).notes
  const {tree, hasNotes} = printTree(document)
  const html = templates.print({
    ...templateData(document),
    pageSize: document.meta.pageSize ?? options.pageSize ?? 'A4',
    body: toHtml(tree)
  })
  return {html, outline: [{title: document.meta.title, level: 0}, ...articleOutline(document, hasNotes ? notes : undefined, 0)]}
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
 * print fonts have, the notes' label (hidden on the web) is a visible heading, and links
 * to other articles go where `resolve` says (in a standalone handout: text).
 */
export function printTree(document: Document, resolve: ResolveReference = () => undefined): {tree: Root; hasNotes: boolean} {
  const copy = structuredClone(document.tree)
  rewriteCrossReferences(copy, document.crossReferences, resolve)
  const notesLabel = labelsFor(document.meta.lang).notes
  let hasNotes = false
  visit(copy, 'element', (node: Element) => {
    const classes = Array.isArray(node.properties.className) ? node.properties.className.map(String) : []
    if (node.tagName === 'a' && classes.includes('data-footnote-backref')) {
      // Back to the reference: an arrow the shipped fonts have (↩ is not in them).
      node.children = [{type: 'text', value: '↑'}]
      return SKIP
    }
    if (node.tagName === 'h2' && classes.includes('sr-only')) {
      hasNotes = true
      node.properties.className = ['notes-label']
      node.children = [{type: 'text', value: notesLabel}]
    }
  })
  return {tree: copy, hasNotes}
}
