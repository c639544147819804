/**
 * Highlight fenced code at build time with starry-night (GitHub's grammars):
 * tokens become `<span class="pl-…">` (styled by the print and EPUB
 * stylesheets), and every line its own `<span class="line">`, so long lines
 * can wrap with a marker and ```` ```python numbers ```` can number them. Runs
 * after the sanitiser: the spans are ours, made from the code's text.
 */
import {createRequire} from 'node:module'
import {pathToFileURL} from 'node:url'
import type {Element, ElementContent, Root} from 'hast'
import {toString as textOf} from 'hast-util-to-string'
import {visit} from 'unist-util-visit'
import type {VFile} from 'vfile'
import {hasGrammarFor} from './highlight-languages.js'

type StarryNight = Awaited<ReturnType<typeof import('./highlighter-engine.js').createStarryNight>>

const require = createRequire(import.meta.url)
let starryNight: Promise<StarryNight> | undefined

/**
 * The highlighter, loaded and created on first use (a code block with a
 * language): its grammars are most of the parser's code and take a while to load.
 */
function highlighter(): Promise<StarryNight> {
  starryNight ??= import('./highlighter-engine.js').then(({common, createStarryNight}) =>
    // The WebAssembly regex engine from the installed package: never the default CDN URL.
    createStarryNight(common, {getOnigurumaUrlFs: () => pathToFileURL(require.resolve('vscode-oniguruma/release/onig.wasm'))})
  )
  return starryNight
}

/**
 * Longest line highlighted: the grammars' regular expressions take time that
 * grows faster than the line (one 16,000-character word: seconds), so a block
 * with a longer line (minified code, a data blob) is shown plain.
 */
const maxLineLength = 1000

/** Most characters highlighted in one source: later blocks are shown plain. */
const maxHighlighted = 1_000_000

/** Highlight `pre > code.language-*` blocks; unknown languages are only split into lines. */
export default function rehypeHighlightCode() {
  return async (tree: Root, file: VFile) => {
    const blocks: Array<{pre: Element; code: Element; lang: string | undefined}> = []
    visit(tree, 'element', (node) => {
      if (node.tagName !== 'pre') return
      const code = node.children.find((child): child is Element => child.type === 'element' && child.tagName === 'code')
      if (!code) return 'skip'
      const classes = Array.isArray(code.properties.className) ? code.properties.className.map(String) : []
      if (classes.includes('math-error')) return 'skip'
      const lang = classes.find((name) => name.startsWith('language-'))?.slice('language-'.length)
      blocks.push({pre: node, code, lang})
      return 'skip'
    })
    if (blocks.length === 0) return
    // Only a language the grammars know loads them (the CommonMark spec's hundreds of `example` blocks do not).
    const night = blocks.some((block) => block.lang && hasGrammarFor(block.lang)) ? await highlighter() : undefined
    let budget = maxHighlighted
    for (const {pre, code, lang} of blocks) {
      const text = textOf(code).replace(/\n$/, '')
      let scope = lang && night ? night.flagToScope(lang) : undefined
      if (scope) {
        const longest = longestLine(text)
        const reason =
          longest > maxLineLength
            ? `a line of ${longest} characters (the highlighter slows down badly past ${maxLineLength})`
            : text.length > budget
              ? `the source's code blocks hold over ${maxHighlighted} characters to highlight`
              : undefined
        if (reason) {
          file.message(`Code block not highlighted: ${reason}; shown plain`, {place: pre.position?.start, ruleId: 'code-not-highlighted', source: 'handout:highlight'})
          scope = undefined
        } else budget -= text.length
      }
      const tokens: ElementContent[] = scope && night ? (night.highlight(text, scope).children as ElementContent[]) : [{type: 'text', value: text}]
      const offset = pre.position?.start.offset
      const numbered = offset !== undefined && /(^|\s)numbers(\s|$)/.test(file.data.codeMeta?.get(offset) ?? '')
      const lines = splitLines(tokens)
      code.children = lines.map(
        (line, number): Element => ({
          type: 'element',
          tagName: 'span',
          properties: {className: ['line']},
          children: [
            ...(numbered ? [lineNumber(number + 1)] : []),
            ...line,
            // The line break inside the line: copied text and stylesheet-less readers keep it.
            ...(number < lines.length - 1 ? [{type: 'text' as const, value: '\n'}] : [])
          ]
        })
      )
      // A wider gutter from line 100 (`numbered-3`) and from line 1000 (`numbered-4`, at most): the print style sheet sizes it.
      const digits = Math.min(String(lines.length).length, 4)
      if (numbered) pre.properties.className = digits > 2 ? ['numbered', `numbered-${digits}`] : ['numbered']
    }
  }
}

/** Length of the longest line of `text` (a loop: spreading a block's lines into `Math.max` overflowed the stack past about 100,000 lines). */
function longestLine(text: string): number {
  let longest = 0
  for (let start = 0; start <= text.length; ) {
    const end = text.indexOf('\n', start)
    const stop = end === -1 ? text.length : end
    longest = Math.max(longest, stop - start)
    start = stop + 1
  }
  return longest
}

function lineNumber(number: number): Element {
  return {type: 'element', tagName: 'span', properties: {className: ['line-number'], ariaHidden: 'true'}, children: [{type: 'text', value: String(number)}]}
}

/** Split highlighted tokens at newlines into lines, reopening the spans a line break cuts. */
function splitLines(nodes: ElementContent[]): ElementContent[][] {
  const lines: ElementContent[][] = [[]]
  const walk = (children: ElementContent[], open: Element[]) => {
    for (const child of children) {
      if (child.type === 'text') {
        child.value.split('\n').forEach((part, index) => {
          if (index > 0) lines.push([])
          if (part) append(lines.at(-1)!, open, {type: 'text', value: part})
        })
      } else if (child.type === 'element') {
        walk(child.children, [...open, child])
      }
    }
  }
  walk(nodes, [])
  return lines
}

/** Append `leaf` to `line` inside copies of the `open` spans (reusing the line's last copies). */
function append(line: ElementContent[], open: Element[], leaf: ElementContent): void {
  let children = line
  for (const span of open) {
    const last = children.at(-1)
    if (last?.type === 'element' && copies.get(last) === span) {
      children = last.children
    } else {
      const copy: Element = {type: 'element', tagName: span.tagName, properties: {...span.properties}, children: []}
      copies.set(copy, span)
      children.push(copy)
      children = copy.children
    }
  }
  children.push(leaf)
}

/** Which highlighted span each line's copy stands for. */
const copies = new WeakMap<Element, Element>()
