/**
 * Typographic quotes, dashes and ellipses in the article's language, in the
 * body and in the front matter's title, subtitle, kicker and running head:
 * SmartyPants (retext-smartypants) with each language's quotation marks, then
 * French spacing (narrow no-break spaces inside « » and before ; : ! ?).
 * Runs after the front matter is validated: it reads `lang` from it.
 */
import type {Nodes, Root} from 'mdast'
import {retext} from 'retext'
import retextSmartypants, {type Options as SmartypantsOptions} from 'retext-smartypants'
import type {VFile} from 'vfile'
import {visit} from 'unist-util-visit'

/** Opening double, closing double, opening single, closing single: one character each (SmartyPants splices by length). */
type Quotes = readonly [string, string, string, string]

/** Quotation marks by primary language subtag; others get English marks. */
export const quotesByLanguage: Record<string, Quotes> = {
  en: ['“', '”', '‘', '’'],
  fr: ['«', '»', '“', '”'],
  de: ['„', '“', '‚', '‘'],
  es: ['«', '»', '“', '”'],
  it: ['«', '»', '“', '”'],
  pt: ['“', '”', '‘', '’'],
  nl: ['“', '”', '‘', '’'],
  ru: ['«', '»', '„', '“'],
  pl: ['„', '”', '‚', '’'],
  cs: ['„', '“', '‚', '‘'],
  da: ['»', '«', '›', '‹'],
  sv: ['”', '”', '’', '’'],
  ar: ['«', '»', '‹', '›'],
  fa: ['«', '»', '‹', '›'],
  he: ['”', '”', '’', '’'],
  zh: ['“', '”', '‘', '’'],
  hi: ['“', '”', '‘', '’']
}

const NNBSP = '\u202F'
type Transform = (tree: Root) => void
const transforms = new Map<string, Transform>()

// Chinese and Japanese set no space before a quote, so SmartyPants takes every one for a closing quote.
const alternating = new Set(['zh', 'ja'])

function transformFor(lang: string): {transform: Transform; quotes: Quotes; french: boolean; alternate: boolean} {
  const primary = lang.split('-')[0]!.toLowerCase()
  const quotes = quotesByLanguage[primary] ?? quotesByLanguage.en!
  let transform = transforms.get(primary)
  if (!transform) {
    transform = smartypants({
      dashes: 'oldschool',
      openingQuotes: {double: quotes[0], single: quotes[2]},
      closingQuotes: {double: quotes[1], single: quotes[3]}
    })
    transforms.set(primary, transform)
  }
  return {transform, quotes, french: primary === 'fr', alternate: alternating.has(primary)}
}

// Literals SmartyPants reads, and the blocks that start its text afresh (a quote at their start opens).
const literals = new Set(['text', 'inlineCode'])
const blocks = new Set(['paragraph', 'heading', 'tableCell'])

/**
 * What the second pass (dashes `oldschool`, ellipses, backticks; no quotes)
 * can change, as retext-smartypants 6 matches it: `--` or `---`, an en dash
 * before a hyphen, ` `` ` or `''`, three dots with or without whitespace
 * between them. Text without any of these comes out of that pass unchanged,
 * and most text nodes have none (a test for any `.` or `-` sent nearly all of
 * them through a retext parse: a quarter of a plain article's parse time).
 */
const secondPassChanges = /--|–-|``|''|\.(?:\s*\.){2}/

/**
 * SmartyPants over a Markdown tree, as remark-smartypants 3 does it: quotes
 * on the text of the whole document at once (so a quote pairs across
 * emphasis and links; code counts as letters and is left alone), then
 * dashes, ellipses and backticks per text node. Faster on long documents: a
 * text node with nothing for the second pass to change (`secondPassChanges`)
 * is not parsed again.
 */
function smartypants(options: SmartypantsOptions): Transform {
  // The first pass must not change lengths: the text is cut back into its nodes by offset.
  const quotesPass = retext().use(retextSmartypants, {...options, ellipses: false, dashes: false, backticks: false})
  const restPass = retext().use(retextSmartypants, {...options, quotes: false})
  return (tree) => {
    let all = ''
    const nodes: Nodes[] = []
    visit(tree, (node, _, parent) => {
      if (!parent) return
      if (literals.has(node.type) && 'value' in node) all += node.type === 'text' ? node.value : 'A'.repeat(node.value.length)
      else if (blocks.has(node.type)) all += ' '
      else return
      nodes.push(node)
    })
    // SmartyPants changes only `"` and `'` in this pass, and retext gives back its text unchanged:
    // prose without either (common in generated or translated text) is not parsed at all.
    if (all.includes('"') || all.includes("'")) all = quotesPass.processSync(all).toString()
    let start = 0
    for (const node of nodes) {
      if (!('value' in node)) {
        // The space that stood for the block's start.
        start += 1
        continue
      }
      const end = start + node.value.length
      if (node.type === 'text') {
        const text = all.slice(start, end)
        node.value = secondPassChanges.test(text) ? restPass.processSync(text).toString() : text
      }
      start = end
    }
  }
}

/** Set quotes and dashes in the body and in the front matter's display fields, for the file's `lang`. */
export default function remarkSmartQuotes() {
  return (tree: Root, file: VFile) => {
    const meta = file.data.frontMatter
    const typography = transformFor(meta?.lang ?? 'en')
    const {transform} = typography
    transform(tree)
    visit(tree, 'text', (node) => {
      node.value = finish(node.value, typography)
    })
    if (!meta) return
    for (const key of ['title', 'subtitle', 'kicker', 'runningHead'] as const) {
      const value = meta[key]
      if (value === undefined) continue
      const line: Root = {type: 'root', children: [{type: 'paragraph', children: [{type: 'text', value}]}]}
      transform(line)
      const paragraph = line.children[0]
      const text = paragraph?.type === 'paragraph' && paragraph.children[0]?.type === 'text' ? paragraph.children[0].value : value
      meta[key] = finish(text, typography)
    }
  }
}

/**
 * An apostrophe inside a word stays `’` whatever the closing single quote is;
 * French gets its thin spaces; in Chinese double quotes alternate open, close.
 */
function finish(text: string, {quotes, french, alternate}: {quotes: Quotes; french: boolean; alternate: boolean}): string {
  let result = quotes[3] === '’' ? text : text.replace(new RegExp(`(?<=\\p{L})${quotes[3]}(?=\\p{L})`, 'gu'), '’')
  if (alternate) {
    let open = true
    result = result.replace(/[“”]/g, () => {
      const quote = open ? quotes[0] : quotes[1]
      open = !open
      return quote
    })
  }
  if (french) {
    result = result
      .replace(/«[ \u00A0]?/g, `«${NNBSP}`)
      .replace(/[ \u00A0]?»/g, `${NNBSP}»`)
      .replace(/(?<=\S) ?([;:!?])(?=\s|$)/g, `${NNBSP}$1`)
  }
  return result
}
