/**
 * Remove characters XML forbids that character references made: raw HTML's
 * `&#1;` or `&#xFFFE;` is decoded as written (HTML keeps controls and
 * noncharacters), and one in an XHTML chapter fails epubcheck fatally. The
 * source's own text was cleaned when read (`read-source.ts`); Markdown's own
 * references never make them (CommonMark writes U+FFFD instead).
 */
import type {Element, Root, Text} from 'hast'
import {visitParents} from 'unist-util-visit-parents'
import type {VFile} from 'vfile'
import {codePointName, removeIllegalXml} from '../core/xml-characters.js'
import {nearestPosition} from './nearest-position.js'

/** Remove XML's forbidden characters from text and attribute values, with a warning each. Runs after the sanitiser. */
export default function rehypeXmlCharacters() {
  return (tree: Root, file: VFile) => {
    const clean = (value: string, node: Element | Text, ancestors: Array<Root | Element>): string => {
      const cleaned = removeIllegalXml(value)
      if (!cleaned) return value
      const {removed} = cleaned
      file.message(`Removed control character \`${codePointName(removed[0]!)}\`${removed.length > 1 ? ` (and ${removed.length - 1} more)` : ''}, which XML and e-readers reject`, {
        place: nearestPosition(node, ancestors),
        ruleId: 'control-character',
        source: 'handout:html'
      })
      return cleaned.text
    }
    visitParents(tree, (node, ancestors) => {
      const parents = ancestors as Array<Root | Element>
      if (node.type === 'text') node.value = clean(node.value, node, parents)
      else if (node.type === 'element') {
        for (const [key, value] of Object.entries(node.properties)) {
          if (typeof value === 'string') node.properties[key] = clean(value, node, parents)
          else if (Array.isArray(value)) node.properties[key] = value.map((item) => (typeof item === 'string' ? clean(item, node, parents) : item))
        }
      }
    })
  }
}
