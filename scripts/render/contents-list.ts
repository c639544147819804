/**
 * The contents list a handout prints when its front matter says `toc: true`:
 * the body's headings down to `tocDepth`, nested, each a link to its heading.
 */
import type {Element, ElementContent} from 'hast'
import type {Document} from '../core/types.js'
import {labelsFor} from './labels.js'

/** `<nav class="contents-list">` for `document`, or `undefined` when it asks for none (or has no headings). */
export function contentsList(document: Document): Element | undefined {
  const {meta} = document
  const headings = document.headings.filter((heading) => heading.depth <= meta.tocDepth && heading.id)
  if (!meta.toc || headings.length === 0) return undefined
  const top = Math.min(...headings.map((heading) => heading.depth))
  const root: Element = list()
  // The open list at each depth below `top`.
  const stack: Element[] = [root]
  for (const heading of headings) {
    const level = heading.depth - top
    while (stack.length > level + 1) stack.pop()
    while (stack.length < level + 1) {
      const parentItem = stack.at(-1)!.children.at(-1) as Element | undefined
      const nested = list()
      if (parentItem) parentItem.children.push(nested)
      else stack.at(-1)!.children.push(item([nested]))
      stack.push(nested)
    }
    stack.at(-1)!.children.push(item([{type: 'element', tagName: 'a', properties: {href: `#${heading.id}`}, children: [{type: 'text', value: heading.text}]}]))
  }
  const title = labelsFor(meta.lang).contents
  return {
    type: 'element',
    tagName: 'nav',
    properties: {className: ['contents-list'], ariaLabel: title},
    children: [{type: 'element', tagName: 'p', properties: {className: ['contents-list-title']}, children: [{type: 'text', value: title}]}, root]
  }
}

function list(): Element {
  return {type: 'element', tagName: 'ol', properties: {}, children: []}
}

function item(children: ElementContent[]): Element {
  return {type: 'element', tagName: 'li', properties: {}, children}
}
