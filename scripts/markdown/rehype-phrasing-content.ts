/**
 * Keep phrasing-only elements phrasing-only. Raw HTML can put a block inside
 * `<pre>`, a heading or `<span>` (CommonMark example 148: a paragraph inside
 * `<pre>`); browsers shrug, but XHTML readers and epubcheck reject the
 * chapter. Such a block is unwrapped: its content stays, in place.
 */
import type {Element, ElementContent, Root} from 'hast'
import type {VFile} from 'vfile'

// HTML's phrasing content (what the sanitiser can leave), plus ruby's parts.
const phrasing = new Set([
  'a',
  'abbr',
  'b',
  'bdi',
  'bdo',
  'br',
  'cite',
  'code',
  'data',
  'del',
  'dfn',
  'em',
  'i',
  'img',
  'input',
  'ins',
  'kbd',
  'label',
  'mark',
  'q',
  'rp',
  'rt',
  'ruby',
  's',
  'samp',
  'small',
  'span',
  'strong',
  'sub',
  'sup',
  'time',
  'u',
  'var',
  'wbr'
])
// Parents whose content must be phrasing. `a`, `del` and `ins` are transparent: they
// take their parent's content model.
const phrasingOnly = new Set(['p', 'pre', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'summary', 'legend', ...[...phrasing].filter((name) => !['a', 'del', 'ins'].includes(name))])

/** Unwrap blocks inside phrasing-only parents. Runs after the sanitiser, on the final elements. */
export default function rehypePhrasingContent() {
  return (tree: Root, file: VFile) => {
    let reported = false
    const stack: Array<{node: Root | Element; inPhrasing: boolean}> = [{node: tree, inPhrasing: false}]
    while (stack.length > 0) {
      const {node, inPhrasing} = stack.pop()!
      if (inPhrasing && node.children.some((child) => child.type === 'element' && !phrasing.has(child.tagName))) {
        if (!reported && node.type === 'element') {
          file.message(`Unwrapped block elements inside \`<${node.tagName}>\`, which holds only text and inline elements: close the \`<${node.tagName}>\` before the block`, {
            place: node.position,
            ruleId: 'html-nesting',
            source: 'handout:html'
          })
          reported = true
        }
        node.children = flatten(node.children as ElementContent[])
      }
      for (const child of node.children) {
        if (child.type === 'element') stack.push({node: child, inPhrasing: inPhrasing || phrasingOnly.has(child.tagName)})
      }
    }
  }
}

/** `children` with every non-phrasing element replaced by its own content (iteratively). */
function flatten(children: ElementContent[]): ElementContent[] {
  const result: ElementContent[] = []
  const pending = [...children].reverse()
  while (pending.length > 0) {
    const child = pending.pop()!
    if (child.type === 'element' && !phrasing.has(child.tagName)) {
      for (let index = child.children.length - 1; index >= 0; index--) pending.push(child.children[index]!)
    } else result.push(child)
  }
  return result
}
