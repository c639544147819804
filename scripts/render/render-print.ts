/**
 * Document model → the print page's HTML (what Chromium prints to PDF).
 */
import type {Element, Root} from 'hast'
import {toHtml} from 'hast-util-to-html'
import {SKIP, visit} from 'unist-util-visit'
import type {PageSize} from '../config/schema.js'
import {scriptFontsCss} from '../content/shipped-fonts.js'
import type {Document} from '../core/types.js'
import {rewriteCrossReferences, type ResolveReference} from './cross-references.js'
import {hyphenateTree} from './hyphenate-print.js'
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
  const labels = labelsFor(meta.lang)
  return {
    lang: meta.lang,
    dir: labels.dir,
    title: meta.title,
    subtitle: meta.subtitle,
    kicker: meta.kicker ?? labels.kicker,
    publisher: meta.publisher,
    authors,
    runningHead: [meta.publisher, meta.runningHead ?? meta.title].filter(Boolean).join(' · '),
    // The date in words only when the source states one.
    dateText: meta.date ? formatDate(document.date, meta.lang) : undefined,
    dateIso: meta.date,
    labels,
    cssString
  }
}

/**
 * The `@font-face` rules of the shipped fonts for the scripts in `values`
 * (template data: every string in it is text the page may print).
 */
export function scriptFontsFor(...values: unknown[]): string {
  const codePoints = new Set<number>()
  for (const char of JSON.stringify(values)) codePoints.add(char.codePointAt(0)!)
  return scriptFontsCss(codePoints)
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
  const data = {
    ...templateData(document),
    pageSize: document.meta.pageSize ?? options.pageSize ?? 'A4',
    justify: document.meta.justify,
    body: toHtml(tree)
  }
  const html = templates.print({...data, scriptFonts: scriptFontsFor(data)})
  return {html, outline: [document.meta.title, ...document.headings.map((heading) => heading.text), ...(hasNotes ? [notes] : [])]}
}

/**
 * A print copy of a document's tree: footnote back-links show an arrow the
 * print fonts have, the notes' label (hidden on the web) is a visible heading, links
 * to other articles go where `resolve` says (in a standalone handout: text), and
 * running text gets soft hyphens when the body is justified.
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
  // Justified print text is hyphenated here, at build time (Chromium cannot): the EPUB never is.
  if (document.meta.justify) hyphenateTree(copy, document.meta.lang)
  return {tree: copy, hasNotes}
}
