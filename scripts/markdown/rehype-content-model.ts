/**
 * Keep elements where XHTML's content models put them. Raw HTML can leave a
 * `<li>` outside a list, a paragraph straight inside `<ul>`, a `<dd>` before
 * any `<dt>`, a table's `<caption>` after its rows or a `<details>` without a
 * `<summary>`; browsers shrug, but XHTML readers and epubcheck reject the
 * chapter. An element outside the parent it needs is unwrapped (its content
 * stays, in place); content a list, definition list or table row cannot hold
 * directly is wrapped in an item, definition or cell; a caption or summary
 * is moved first; a `<details>` without a summary becomes a `<div>`. Markdown
 * never makes any of these: only raw HTML is changed, with a warning.
 */
import type {Element, ElementContent, Root} from 'hast'
import type {VFile} from 'vfile'

// Elements and the parents they need.
const parents: Record<string, readonly string[]> = {
  li: ['ol', 'ul', 'menu'],
  dt: ['dl', 'div'],
  dd: ['dl', 'div'],
  summary: ['details'],
  figcaption: ['figure'],
  caption: ['table'],
  colgroup: ['table'],
  thead: ['table'],
  tbody: ['table'],
  tfoot: ['table'],
  tr: ['table', 'thead', 'tbody', 'tfoot'],
  td: ['tr'],
  th: ['tr'],
  col: ['colgroup']
}

// Containers, the only children they take, and the elements (outermost first) other content is wrapped in.
const holders: Record<string, {children: readonly string[]; wrap: readonly string[]}> = {
  ol: {children: ['li'], wrap: ['li']},
  ul: {children: ['li'], wrap: ['li']},
  menu: {children: ['li'], wrap: ['li']},
  dl: {children: ['dt', 'dd', 'div'], wrap: ['dd']},
  // A table's rows go straight in it or in sections, not both (`fixChildren` wraps as the table does).
  table: {children: ['caption', 'colgroup', 'thead', 'tbody', 'tfoot', 'tr'], wrap: ['tbody', 'tr', 'td']},
  thead: {children: ['tr'], wrap: ['tr', 'td']},
  tbody: {children: ['tr'], wrap: ['tr', 'td']},
  tfoot: {children: ['tr'], wrap: ['tr', 'td']},
  tr: {children: ['td', 'th'], wrap: ['td']}
}

/** Fix what raw HTML put where XHTML does not allow it. Runs after the sanitiser, on the final elements. */
export default function rehypeContentModel() {
  return (tree: Root, file: VFile) => {
    const reported = new Set<string>()
    const report = (node: Element, reason: string) => {
      if (reported.has(reason)) return
      reported.add(reason)
      file.message(reason, {place: node.position, ruleId: 'html-nesting', source: 'handout:html'})
    }
    // `above`: the tag name of the parent's own parent.
    const walk = (parent: Root | Element, above: string | undefined) => {
      const parentName = parent.type === 'element' ? parent.tagName : undefined
      // Unwrapped in place, so the content is checked again where it now is.
      for (let index = 0; index < parent.children.length; index++) {
        const child = parent.children[index]!
        if (child.type !== 'element') continue
        const needed = Object.hasOwn(parents, child.tagName) ? parents[child.tagName]! : undefined
        // A `<div>` holds terms and definitions only inside a `<dl>`.
        const misplaced = needed !== undefined && (parentName === undefined || !needed.includes(parentName) || (parentName === 'div' && above !== 'dl'))
        if (misplaced) {
          const names = needed.filter((name) => name !== 'div').map((name) => `\`<${name}>\``)
          report(child, `Unwrapped \`<${child.tagName}>\` outside ${names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : names[0]}: its content is kept where it was`)
          parent.children.splice(index, 1, ...child.children)
          index--
          continue
        }
        walk(child, parentName)
      }
      if (parent.type !== 'element') return
      fixChildren(parent, report)
    }
    walk(tree, undefined)
  }
}

/** Whether `child` is inter-element whitespace or a comment: content any element may hold. */
function blank(child: ElementContent): boolean {
  return child.type === 'comment' || (child.type === 'text' && /^[ \t\n\f\r]*$/.test(child.value))
}

/** Wrap, reorder or rename what `node` cannot hold as it is. */
function fixChildren(node: Element, report: (node: Element, reason: string) => void): void {
  const holder = Object.hasOwn(holders, node.tagName) ? holders[node.tagName]! : undefined
  if (holder) {
    // Rows straight in a table: content is wrapped in rows, not in a section.
    const wrap = node.tagName === 'table' && node.children.some((child) => child.type === 'element' && child.tagName === 'tr') ? ['tr', 'td'] : holder.wrap
    const children: ElementContent[] = []
    let run: ElementContent[] = []
    const close = () => {
      if (!run.every(blank)) {
        report(node, `Wrapped content of \`<${node.tagName}>\` in \`<${wrap[0]}>\`: a \`<${node.tagName}>\` holds ${holder.children.map((name) => `\`<${name}>\``).join(', ')} only`)
        children.push(wrap.reduceRight<ElementContent[]>((inner, tagName) => [{type: 'element', tagName, properties: {}, children: inner}], run)[0]!)
      } else children.push(...run)
      run = []
    }
    for (const child of node.children) {
      if (child.type === 'element' && holder.children.includes(child.tagName)) {
        close()
        children.push(child)
      } else run.push(child)
    }
    close()
    node.children = children
  }
  if (node.tagName === 'dl') {
    const first = node.children.find((child): child is Element => child.type === 'element')
    if (first?.tagName === 'dd') {
      report(node, 'Added an empty `<dt>` before a `<dd>` that had no term')
      node.children.unshift({type: 'element', tagName: 'dt', properties: {}, children: []})
    }
  }
  // First: a table's caption; a details' summary (none: a plain `<div>`).
  const first = node.tagName === 'table' ? 'caption' : node.tagName === 'details' ? 'summary' : undefined
  if (first) {
    const at = node.children.findIndex((child) => child.type === 'element' && child.tagName === first)
    const firstElement = node.children.findIndex((child) => child.type === 'element')
    if (at > firstElement) {
      report(node, `Moved \`<${first}>\` to the start of its \`<${node.tagName}>\`, where it belongs`)
      node.children.unshift(...node.children.splice(at, 1))
    } else if (at === -1 && node.tagName === 'details') {
      report(node, 'A `<details>` without a `<summary>` is shown as a plain block')
      node.tagName = 'div'
      delete node.properties.open
    }
  }
}
