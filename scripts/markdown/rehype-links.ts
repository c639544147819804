/**
 * Keep only links that work in a standalone PDF and EPUB: absolute URLs and
 * fragments naming an id of this document. A relative link (`other.md`,
 * `page.html`) points at nothing in either output (and fails epubcheck), as
 * does `#missing`: the link is unwrapped to its text, with a warning.
 */
import type {Element, Root} from 'hast'
import {visitParents} from 'unist-util-visit-parents'
import type {VFile} from 'vfile'
import {nearestPosition} from './nearest-position.js'
import {elementIds} from '../core/element-ids.js'

/** Attributes (hast property names) of a link that an `<a>` without `href` may not have. */
const linkOnly = ['href', 'hrefLang', 'rel', 'target', 'type', 'download', 'ping', 'referrerPolicy', 'charSet', 'coords', 'shape']

/** Unwrap links to nowhere. Runs after ids are final (`rehypeSlug`, `rehypeUniqueIds`). */
export default function rehypeLinks() {
  return (tree: Root, file: VFile) => {
    const ids = elementIds(tree)
    visitParents(tree, 'element', (node: Element, ancestors) => {
      const href = node.properties.href
      if (node.tagName !== 'a' || typeof href !== 'string') return
      // Links to other articles: the renderers resolve them (`rehypeCrossReferences`).
      if (node.properties.dataXref !== undefined) return
      let reason: string | undefined
      if (/^[a-z][a-z0-9+.-]*:/i.test(href)) {
        // The sanitiser kept only http(s), mailto and similar schemes: those stay when readers can parse them.
        if (parsableUrl(href)) return
        reason = `Link to \`${href.length > 60 ? `${href.slice(0, 60)}…` : href}\` is not a valid URL (its host cannot be parsed): the link was removed, its text kept; check the address`
      } else if (href.startsWith('#')) {
        let target = href.slice(1)
        try {
          target = decodeURIComponent(target)
        } catch {
          // Not valid percent-encoding: look it up as written.
        }
        // The heading that became the title (`remarkTitleFromHeading`): its link goes to the title, which the page gives the id `title`.
        if (!ids.has(target) && target === file.data.titleSlug) {
          node.properties.href = '#title'
          return
        }
        if (!ids.has(target)) reason = `Link to \`${href}\` points at no heading or id of this document: the link was removed, its text kept`
      } else {
        reason = `Relative link \`${href}\` cannot work in a PDF or EPUB: use a full \`https://\` URL (the link was removed, its text kept)`
      }
      if (reason === undefined) return
      // With what only a link may have (XHTML refuses it on an `<a>` without `href`).
      for (const key of linkOnly) delete node.properties[key]
      file.message(reason, {place: nearestPosition(node, ancestors), ruleId: 'link-target', source: 'handout:html'})
    })
  }
}

// A host name: letters, digits, `-` and `_` in non-empty dot-separated labels (IDNs are
// punycode after `new URL`), an IPv4 address or a bracketed IPv6 one.
const hostName = /^(?:[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*\.?$|^\[[0-9a-f:.]+\]$/i

/**
 * Whether e-readers (and epubcheck, RSC-023) can parse `href`: WHATWG URL
 * parsing accepts hosts such as `foo.bar.%60baz` or `..` that stricter
 * parsers reject, so URLs with an authority also need a well-formed host.
 */
export function parsableUrl(href: string): boolean {
  let url: URL
  try {
    url = new URL(href)
  } catch {
    return false
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(href)) return true
  return hostName.test(url.hostname) && !/[\s<>"`{}|\\^]/.test(href)
}
