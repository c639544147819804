/**
 * Places to break a URL shown as a link's text, for the print page. A URL is
 * one word to the line breaker: too long for the line it starts on, it moves
 * whole to the next (breaking there only because it overflows) and, in
 * justified text, leaves the line before it stretched wide. So, as typesetters
 * break URLs (The Chicago Manual of Style), a `<wbr>` goes after `//`, after
 * a single slash, and before a dot, a comma, a hyphen, an underscore, a
 * question mark, a number sign, a percent sign, a tilde, and before and
 * after `=` and `&`: no hyphen is shown, and the URL breaks where a reader
 * sees that it goes on. Only the print page: e-readers break their own lines.
 */
import type {Element, ElementContent, Root} from 'hast'
import {visit} from 'unist-util-visit'

/** A link text that is a URL (an autolink, a bare `www.` address) with no spaces in it. */
const url = /^(?:[a-z][a-z0-9+.-]*:\/\/|www\.)\S+$/i

/** Where a `<wbr>` goes: after `//` or a single `/`, before `.,-_?#%~`, before and after `=` and `&`. */
const breaks = /(?<=\/\/)(?!$)|(?<=[^/:]\/)(?=[^/])(?!$)|(?<=\S)(?=[.,\-_?#%~](?!$))|(?<=\S)(?=[=&])|(?<=[=&])(?!$)/g

/** A minimum: shorter URLs fit on a line as they are. */
const minLength = 24

/** Add break opportunities to every link whose whole text is a long URL. */
export function breakUrls(tree: Root): void {
  visit(tree, 'element', (node: Element) => {
    if (node.tagName !== 'a') return
    const [only] = node.children
    if (node.children.length !== 1 || only?.type !== 'text' || only.value.length < minLength || !url.test(only.value)) return
    const parts = only.value.split(breaks)
    if (parts.length < 2) return
    node.children = parts.flatMap((part, index): ElementContent[] =>
      index === 0
        ? [{type: 'text', value: part}]
        : [
            {type: 'element', tagName: 'wbr', properties: {}, children: []},
            {type: 'text', value: part}
          ]
    )
    return 'skip'
  })
}
