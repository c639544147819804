/**
 * Characters XML 1.0 forbids, except tab, LF and CR: C0 controls, U+FFFE,
 * U+FFFF and lone surrogates. An XHTML chapter holding one fails epubcheck
 * (fatally), and an SVG cover holding one fails to render. A source's text is
 * cleaned when read (`read-source.ts`); characters that escapes make later are
 * cleaned where they appear: YAML's `"\u0001"` (`remark-front-matter.ts`), HTML's
 * `&#1;` (`rehype-xml-characters.ts`).
 */

// eslint-disable-next-line no-control-regex
const illegal = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * `text` without the characters XML forbids, and those it had, in order;
 * `undefined` when it has none (one test, no allocation: for every text of a tree).
 */
export function removeIllegalXml(text: string): {text: string; removed: string[]} | undefined {
  if (!illegal.test(text)) return undefined
  return {text: text.replace(illegalXmlCharacters(), ''), removed: text.match(illegalXmlCharacters())!}
}

/** A fresh global expression for the characters XML forbids. */
export function illegalXmlCharacters(): RegExp {
  return new RegExp(illegal.source, 'g')
}

/** `U+XXXX` of the first character of `text`. */
export function codePointName(text: string): string {
  return `U+${text.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`
}
