/**
 * Document model → the EPUB's chapter HTML, with EPUB 3 semantics
 * (`epub:type` with the matching ARIA roles) on notes.
 */
import type {Element, Root} from 'hast'
import {toHtml} from 'hast-util-to-html'
import {visit} from 'unist-util-visit'
import type {Document} from '../model/types.js'
import {labelsFor} from './labels.js'

/** The body of `document` as an HTML fragment for an EPUB chapter. */
export function renderEpubBody(document: Document): string {
  return toHtml(forEpub(document.tree, labelsFor(document.meta.lang).notes), {
    // XHTML: every element closed, attributes quoted, no named entities.
    closeSelfClosing: true,
    characterReferences: {useNamedReferences: false}
  })
}

function forEpub(tree: Root, notesLabel: string): Root {
  const copy = structuredClone(tree)
  visit(copy, 'element', (node: Element) => {
    const classes = Array.isArray(node.properties.className) ? node.properties.className.map(String) : []
    if (node.tagName === 'a' && node.properties.dataFootnoteRef !== undefined) {
      node.properties['epub:type'] = 'noteref'
      node.properties.role = 'doc-noteref'
    } else if (node.tagName === 'a' && classes.includes('data-footnote-backref')) {
      node.properties.role = 'doc-backlink'
    } else if (node.tagName === 'section' && node.properties.dataFootnotes !== undefined) {
      node.properties['epub:type'] = 'endnotes'
      node.properties.role = 'doc-endnotes'
    } else if (node.tagName === 'h2' && classes.includes('sr-only')) {
      // The footnote label is visually hidden on GitHub; on a page it is a real heading.
      node.properties.className = []
      node.children = [{type: 'text', value: notesLabel}]
    } else if (node.tagName === 'li' && typeof node.properties.id === 'string' && node.properties.id.includes('fn-')) {
      node.properties['epub:type'] = 'endnote'
      node.properties.role = 'doc-endnote'
    }
  })
  return copy
}
