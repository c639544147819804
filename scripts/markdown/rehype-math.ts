/**
 * Typeset TeX math (`$…$`, `$$…$$` from remark-math, and fenced `math` code)
 * with KaTeX at build time; `$$…$$` is displayed also when written on one line. Each formula becomes KaTeX's HTML (what the print
 * page shows, in KaTeX's fonts) beside its MathML with the TeX as annotation
 * (what the EPUB keeps). Runs after the sanitiser: the markup is ours, made
 * from the formula's text, with KaTeX's `trust` off (no links, classes, ids or
 * styles from the source) and its expansion and size limits set. KaTeX is
 * loaded on the first source with math: most have none.
 */
import type {Element, ElementContent, Root} from 'hast'
import {fromHtml} from 'hast-util-from-html'
import {toString as textOf} from 'hast-util-to-string'
import {EXIT, visit} from 'unist-util-visit'
import type {VFile} from 'vfile'

const origin = 'handout:math'

/** Replace math code by typeset math; invalid TeX is a warning and stays as code. */
export default function rehypeMath() {
  return async (tree: Root, file: VFile) => {
    if (!hasMath(tree)) return
    const {default: katex} = await import('katex')
    const source = String(file.value ?? '')
    visit(tree, 'element', (node, index, parent) => {
      if (!parent || index === undefined) return
      // Display math is `<pre><code class="language-math">`; inline math is a bare `<code>`, and
      // a paragraph that is one `$$…$$` on a line (which remark-math reads as inline) is displayed.
      const code = node.tagName === 'pre' && node.children.length === 1 ? node.children[0] : node.tagName === 'p' ? aloneInParagraph(node, source) : node
      if (code?.type !== 'element' || !isMath(code)) return
      const display = code !== node
      // `$$…$$` inside a line: displayed there, as Pandoc does (in a paragraph; elsewhere, as a heading, inline).
      const displayInLine = !display && parent.type === 'element' && parent.tagName === 'p' && doubleDollars(code, source)
      const tex = textOf(code)
      let html: string
      try {
        html = katex.renderToString(tex, {
          displayMode: display || displayInLine,
          output: 'htmlAndMathml',
          throwOnError: true,
          strict: 'ignore',
          trust: false,
          maxExpand: 1000,
          maxSize: 20,
          macros: boundedMacros(katex, maxExpandedTokens)
        })
      } catch (error) {
        if (!(error instanceof katex.ParseError)) throw error
        const start = node.position?.start
        // Inline math: point at the character KaTeX stopped at (after the opening `$`).
        const place = start && !display && error.position !== undefined ? {line: start.line, column: start.column + 1 + error.position} : start
        const trimmed = tex.trim()
        const shown = trimmed.length > 80 ? `${trimmed.slice(0, 80)}…` : trimmed
        file.message(`Invalid TeX \`${shown}\`: ${error.rawMessage}; shown as code`, {place, ruleId: 'math-invalid', source: origin})
        code.properties.className = ['math-error']
        return 'skip'
      }
      const typeset = fromHtml(html, {fragment: true}).children.filter((child): child is ElementContent => child.type === 'element')
      parent.children[index] = {type: 'element', tagName: display ? 'div' : 'span', properties: {className: [display ? 'math-display' : 'math-inline']}, children: typeset}
      return 'skip'
    })
  }
}

/**
 * Most tokens the macros a formula defines (`\\def`, `\\newcommand`) may put
 * back in it, summed over their uses: KaTeX's `maxExpand` counts uses, not
 * their length, so a 4 KB formula using a 4,000-token macro 30 times made
 * 19 MB of HTML (a 40 KB one, 190 MB).
 */
const maxExpandedTokens = 20_000

/**
 * A fresh macro table for one formula that counts the tokens of each macro
 * the formula defined as KaTeX reads it back, and stops the formula (a TeX
 * error, shown as code) past `limit`.
 */
function boundedMacros(katex: typeof import('katex').default, limit: number): Record<string, string> {
  let tokens = 0
  return new Proxy({} as Record<string, string>, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver)
      if (typeof value === 'string') tokens += value.length
      else if (value && typeof value === 'object' && Array.isArray((value as {tokens?: unknown}).tokens)) tokens += (value as {tokens: unknown[]}).tokens.length
      if (tokens > limit) throw new katex.ParseError(`its macros expand to over ${limit} tokens`)
      return value
    }
  })
}

function hasMath(tree: Root): boolean {
  let found = false
  visit(tree, 'element', (node) => {
    found = isMath(node)
    return found ? EXIT : undefined
  })
  return found
}

/** The math of paragraph `node` when it is its only content (whitespace aside) and written `$$…$$`. */
function aloneInParagraph(node: Element, source: string): Element | undefined {
  const content = node.children.filter((child) => child.type !== 'text' || child.value.trim() !== '')
  const [only] = content
  return content.length === 1 && only?.type === 'element' && isMath(only) && doubleDollars(only, source) ? only : undefined
}

/** Whether inline math `code` was written between two dollar signs or more on each side (`$$x$$`). */
function doubleDollars(code: Element, source: string): boolean {
  const start = code.position?.start.offset
  const end = code.position?.end.offset
  return start !== undefined && end !== undefined && source.startsWith('$$', start) && source.startsWith('$$', end - 2)
}

function isMath(node: Element): boolean {
  return node.tagName === 'code' && Array.isArray(node.properties.className) && node.properties.className.includes('language-math')
}
