/**
 * Report, at its place, what the sanitiser is about to remove because it
 * could run script, embed another document or load something from elsewhere.
 * Changes nothing itself: rehype-sanitize (next in the chain) removes it.
 * Without this, an attack or a pasted embed would vanish silently.
 */
import type {Element, Root} from 'hast'
import {SKIP, visitParents} from 'unist-util-visit-parents'
import type {VFile} from 'vfile'
import {languageTagPattern} from '../config/schema.js'
import {nearestPosition} from './nearest-position.js'

const origin = 'handout:html'

// Elements the sanitiser drops (or unwraps), and why. Others it unwraps are
// harmless formatting (`<font>`, `<center>`) and pass without a message.
const why: Record<string, string> = {
  script: 'content runs no script',
  noscript: 'content runs no script',
  template: 'content runs no script',
  style: 'the templates style the page, and content loads no stylesheet',
  link: 'content loads no stylesheet or other resource',
  meta: 'content sets no refresh or page metadata',
  base: 'content cannot change where links and images point',
  iframe: 'other documents are not embedded: link to them instead',
  frame: 'other documents are not embedded: link to them instead',
  frameset: 'other documents are not embedded: link to them instead',
  object: 'other documents are not embedded: link to them instead',
  embed: 'other documents are not embedded: link to them instead',
  applet: 'other documents are not embedded: link to them instead',
  portal: 'other documents are not embedded: link to them instead',
  audio: 'media are not embedded: link to them instead',
  video: 'media are not embedded: link to them instead',
  source: 'media sources are not loaded: use an image',
  track: 'media are not embedded: link to them instead',
  svg: 'inline SVG is not supported: save it as PNG and use an image',
  form: 'handouts have no forms',
  button: 'handouts have no forms',
  textarea: 'handouts have no forms',
  select: 'handouts have no forms',
  // GFM's tag filter: elements that would swallow the rest of a page as raw text.
  title: 'the title comes from front matter or the first heading',
  xmp: 'it is obsolete: use a code block',
  plaintext: 'it is obsolete: use a code block',
  noembed: 'other documents are not embedded: link to them instead',
  noframes: 'other documents are not embedded: link to them instead'
}

// Attributes that load something (the sanitiser drops them), by hast property name.
const loading = new Set(['srcSet', 'poster', 'background', 'longDesc', 'ping', 'action', 'formAction', 'data', 'xLinkHref', 'codeBase', 'lowsrc', 'dynsrc'])

/**
 * Attributes (hast property names) whose values XHTML restricts, what it
 * takes, and how to say it: the sanitiser keeps only such values, this
 * plugin names the others (epubcheck rejects a chapter with any of them).
 */
export const attributeValues: Record<string, {allowed: RegExp; expected: string}> = {
  dir: {allowed: /^(?:ltr|rtl|auto)$/, expected: '`ltr`, `rtl` or `auto`'},
  lang: {allowed: languageTagPattern, expected: 'a language tag such as `en` or `fr-CA`'},
  hrefLang: {allowed: languageTagPattern, expected: 'a language tag such as `en` or `fr-CA`'},
  colSpan: {allowed: /^[1-9]\d{0,3}$/, expected: 'a whole number from 1'},
  rowSpan: {allowed: /^\d{1,5}$/, expected: 'a whole number from 0'},
  tabIndex: {allowed: /^-?\d{1,5}$/, expected: 'a whole number'}
}

// URL schemes kept, per attribute (rehype-sanitize's GitHub schema).
const schemes: Record<string, string[]> = {
  href: ['http', 'https', 'irc', 'ircs', 'mailto', 'xmpp'],
  src: ['http', 'https'],
  cite: ['http', 'https']
}

/** Warn about every element, attribute and URL the sanitiser will remove. */
export default function rehypeReportUnsafe() {
  return (tree: Root, file: VFile) => {
    visitParents(tree, 'element', (node: Element, ancestors) => {
      // An element the HTML parser made again has no position (an unclosed `<a>` is
      // reopened in the next paragraph): the nearest positioned ancestor is named instead.
      const place = nearestPosition(node, ancestors)
      const reason = Object.hasOwn(why, node.tagName) ? why[node.tagName] : undefined
      if (reason !== undefined) {
        file.message(`Removed \`<${node.tagName}>\`: ${reason}`, {place, ruleId: 'html-removed', source: origin})
        return SKIP
      }
      if (node.tagName === 'input' && node.properties.type !== 'checkbox') {
        file.message(`Removed \`<input>\`: handouts have no forms`, {place, ruleId: 'html-removed', source: origin})
        return SKIP
      }
      for (const [key, value] of Object.entries(node.properties)) {
        if (value === undefined || value === null || value === false) continue
        const attribute = key.toLowerCase()
        if (/^on./.test(attribute)) {
          file.message(`Removed event handler \`${attribute}\` on \`<${node.tagName}>\`: content runs no script`, {place, ruleId: 'html-attribute-removed', source: origin})
        } else if (key === 'style') {
          file.message(`Removed \`style\` attribute on \`<${node.tagName}>\`: the templates style the page`, {place, ruleId: 'html-attribute-removed', source: origin})
        } else if (loading.has(key)) {
          file.message(`Removed \`${attribute}\` on \`<${node.tagName}>\`: content loads nothing from elsewhere`, {place, ruleId: 'html-attribute-removed', source: origin})
        } else if (Object.hasOwn(attributeValues, key) && !attributeValues[key]!.allowed.test(String(value))) {
          file.message(`Removed \`${attribute}="${shortened(String(value))}"\` on \`<${node.tagName}>\`: expected ${attributeValues[key]!.expected}`, {
            place,
            ruleId: 'html-attribute-removed',
            source: origin
          })
        } else if (Object.hasOwn(schemes, key) && typeof value === 'string') {
          const scheme = /^([^/?#:]*):/.exec(value.trim())?.[1]
          if (scheme !== undefined && !schemes[key]!.includes(scheme.toLowerCase())) {
            file.message(`Removed \`${attribute}\` \`${shortened(value)}\`: only ${key === 'href' ? 'http(s) and mailto links' : 'http(s) URLs'} are kept`, {
              place,
              ruleId: 'url-removed',
              source: origin
            })
          }
        }
      }
    })
  }
}

/** An attribute value as a message quotes it: at most 60 characters. */
function shortened(value: string): string {
  return value.length > 60 ? `${value.slice(0, 60)}…` : value
}
