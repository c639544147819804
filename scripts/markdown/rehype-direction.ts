/**
 * Mixed-direction text, isolated: in a right-to-left article every block
 * finds its own direction (`dir="auto"`: an English paragraph in a Hebrew
 * article runs left to right), and code is always left to right, isolated from
 * the text around it. In a left-to-right article only blocks holding
 * right-to-left letters get `dir="auto"`, so plain English output is unchanged.
 * The document's own direction (`dir` on `<html>`) comes from `lang`, in the templates.
 */
import type {Element, Root} from 'hast'
import {toString as textOf} from 'hast-util-to-string'
import type {VFile} from 'vfile'
import {SKIP, visit} from 'unist-util-visit'

const blocks = new Set(['p', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'td', 'th', 'figcaption', 'dt', 'dd', 'caption'])
/** Languages written right to left (primary subtags). */
export const rightToLeftLanguages: ReadonlySet<string> = new Set(['ar', 'he', 'iw', 'fa', 'ur', 'yi', 'ps', 'sd', 'ckb', 'dv', 'ug'])
// Hebrew, Arabic, Syriac, Thaana, N'Ko and the Arabic presentation forms.
const rightToLeftLetter = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/u

/** Set `dir` where direction is mixed. */
export default function rehypeDirection() {
  return (tree: Root, file: VFile) => {
    const lang = file.data.frontMatter?.lang ?? 'en'
    const rtl = rightToLeftLanguages.has(lang.split('-')[0]!.toLowerCase())
    visit(tree, 'element', (node: Element) => {
      if (node.tagName === 'pre' || node.tagName === 'code') {
        if (rtl) node.properties.dir = 'ltr'
        return SKIP
      }
      if (blocks.has(node.tagName) && node.properties.dir === undefined && (rtl || rightToLeftLetter.test(textOf(node)))) {
        node.properties.dir = 'auto'
      }
    })
  }
}
