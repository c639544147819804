/**
 * Document model → the print page's HTML (what Chromium prints to PDF).
 */
import type {Element, Root} from 'hast'
import {toHtml} from 'hast-util-to-html'
import {SKIP, visit} from 'unist-util-visit'
import type {PageSize} from '../config/schema.js'
import type {Document} from '../core/types.js'
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

/** The print page of a document and its bookmark titles in outline order. */
export interface PrintPage {
  html: string
  /** Title, then every heading the page prints, depth-first as Chromium's outline lists them. */
  outline: string[]
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
  return {html, outline: [document.meta.title, ...document.headings.map((heading) => heading.text), ...(hasNotes ? [notes] : [])]}
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
