/**
 * Document model → the EPUB's chapter HTML, with EPUB 3 semantics: notes are
 * `epub:type="footnote"` asides in the same chapter (so readers show them as
 * pop-ups), note references `epub:type="noteref"`, each with its ARIA role.
 */
import type {Element, ElementContent, Root} from 'hast'
import {stringify} from '../markdown/stringify.js'
import {visit} from 'unist-util-visit'
import type {Document} from '../core/types.js'
import {contentsList} from './contents-list.js'
import {rewriteCrossReferences, type ResolveReference} from './cross-references.js'
import {mathForEpub} from './epub-math.js'
import {addPageMarkers, assignProbeIds, type PageListEntry, type PageStart} from './epub-page-list.js'
import {fillLabels} from './fill-labels.js'
import {currentLabelTable, type LabelTable, labelsFor} from './labels.js'

/**
 * The body of `document` as an XHTML fragment for an EPUB chapter. Links to
 * other articles go where `resolve` says (default: plain text).
 */
export function renderEpubBody(document: Document, resolve: ResolveReference = () => undefined, pageList?: EpubPageList): string {
  // A page list is read back from the render: only a chapter without one is remembered.
  if (pageList) return render(document, resolve, pageList)
  const key = JSON.stringify(document.crossReferences.map((reference) => resolve(reference) ?? null))
  let renders = rendered.get(document)
  // The templates' labels (a note heading's words) changed: nothing kept holds.
  if (renders?.table !== currentLabelTable()) {
    renders = {table: currentLabelTable(), bodies: new Map()}
    rendered.set(document, renders)
  }
  const kept = renders.bodies.get(key)
  if (kept !== undefined) return kept
  const body = render(document, resolve)
  renders.bodies.set(key, body)
  return body
}

/**
 * Chapters rendered, by document and where its links went: a watch session
 * rebuilding a 200-article book after an edit renders one chapter again, not
 * 200 (a document model is never changed once parsed; an edit makes a new one).
 */
const rendered = new WeakMap<Document, {table: LabelTable; bodies: Map<string, string>}>()

function render(document: Document, resolve: ResolveReference, pageList?: EpubPageList): string {
  const tree = structuredClone(document.tree)
  rewriteCrossReferences(tree, document.crossReferences, resolve)
  addNoteSemantics(tree, labelsFor(document.meta.lang).notes)
  // Rich content (issue 14): words in the article's language, MathML, no page breaks
  // (readers paginate), and the contents list when the article asks for one.
  fillLabels(tree, document.meta.lang)
  mathForEpub(tree)
  const contents = contentsList(document)
  if (contents) tree.children.unshift(contents)
  // Markers where the printed pages begin (blocks named as `renderPrint` names them,
  // so before page breaks go); their nav entries go back to the caller.
  if (pageList) {
    assignProbeIds(tree)
    pageList.entries = addPageMarkers(tree, pageList.starts, pageList.filename)
  }
  removePageBreaks(tree)
  return stringify(tree)
}

function addNoteSemantics(tree: Root, notesLabel: string): void {
  visit(tree, 'element', (node: Element) => {
    const classes = Array.isArray(node.properties.className) ? node.properties.className.map(String) : []
    if (node.tagName === 'a' && node.properties.dataFootnoteRef !== undefined) {
      delete node.properties.dataFootnoteRef
      node.properties['epub:type'] = 'noteref'
      node.properties.role = 'doc-noteref'
    } else if (node.tagName === 'a' && classes.includes('data-footnote-backref')) {
      delete node.properties.dataFootnoteBackref
      node.properties.role = 'doc-backlink'
    } else if (node.tagName === 'section' && node.properties.dataFootnotes !== undefined) {
      delete node.properties.dataFootnotes
      node.children = node.children.flatMap((child) => (child.type === 'element' && child.tagName === 'ol' ? notesOf(child) : [child]))
    } else if (node.tagName === 'h2' && classes.includes('sr-only')) {
      // The footnote label is visually hidden on GitHub; in a book it is a real heading.
      node.properties.className = ['notes-label']
      node.children = [{type: 'text', value: notesLabel}]
    }
  })
}

/** `<ol><li id=fn-1>…</li></ol>` → `<aside id=fn-1 epub:type=footnote role=doc-footnote>1. …</aside>`. */
function notesOf(list: Element): ElementContent[] {
  let number = 0
  return list.children.flatMap((item): ElementContent[] => {
    if (item.type !== 'element' || item.tagName !== 'li') return []
    number++
    const children = structuredClone(item.children)
    const first = children.find((child): child is Element => child.type === 'element' && child.tagName === 'p')
    const label: ElementContent = {type: 'element', tagName: 'span', properties: {className: ['note-number']}, children: [{type: 'text', value: `${number}. `}]}
    if (first) first.children.unshift(label)
    else children.unshift(label)
    return [{type: 'element', tagName: 'aside', properties: {id: item.properties.id, 'epub:type': 'footnote', role: 'doc-footnote', className: ['footnote']}, children}]
  })
}

/** Page starts of the print (`pdf/page-starts.ts`) in, the page-list nav's entries out. */
export interface EpubPageList {
  starts: PageStart[]
  /** The chapter's file name, for the nav's hrefs. */
  filename: string
  /** Set by `renderEpubBody`: the book's `pageList` (the nav in `toc.xhtml`). */
  entries?: PageListEntry[]
}

function removePageBreaks(tree: Root): void {
  visit(tree, 'element', (node: Element, index, parent) => {
    const classes = Array.isArray(node.properties.className) ? node.properties.className : []
    if (!parent || index === undefined || node.tagName !== 'div' || !classes.includes('page-break')) return
    parent.children.splice(index, 1)
    return index
  })
}
