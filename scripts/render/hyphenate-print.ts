/**
 * Soft hyphens for the print page, at build time: offline Chromium does not
 * hyphenate (`hyphens: auto` finds no dictionary), so justified print text gets
 * U+00AD at the break points of the `hyphen` package's TeX patterns for the
 * article's language. Only running text: never headings, code, links (URLs),
 * the notes' back-links, figure captions or table heads; never the EPUB, whose readers
 * hyphenate themselves.
 */
import {createRequire} from 'node:module'
import type {Element, Root, RootContent} from 'hast'

type Hyphenate = (text: string, options: {hyphenChar: string; minWordLength: number}) => string

/** Pattern modules of `hyphen` by primary language subtag (what the package ships and we tried). */
const patternModules: Record<string, string> = {
  en: 'hyphen/en-gb',
  de: 'hyphen/de',
  fr: 'hyphen/fr',
  es: 'hyphen/es',
  it: 'hyphen/it',
  pt: 'hyphen/pt',
  nl: 'hyphen/nl',
  sv: 'hyphen/sv',
  da: 'hyphen/da',
  nb: 'hyphen/nb',
  pl: 'hyphen/pl',
  cs: 'hyphen/cs',
  ru: 'hyphen/ru',
  uk: 'hyphen/uk'
}
// `en-US` spells and breaks American English differently.
const regionModules: Record<string, string> = {'en-us': 'hyphen/en-us', 'de-ch': 'hyphen/de-ch-1901'}

const require = createRequire(import.meta.url)
const loaded = new Map<string, Hyphenate | undefined>()

/**
 * The hyphenator for `lang`, or `undefined` when there are no patterns for it
 * (Hindi, Arabic, Hebrew, Chinese…). It remembers the words it broke: the
 * same few thousand words make most of a book.
 */
export function hyphenatorFor(lang: string): Hyphenate | undefined {
  const tag = lang.toLowerCase()
  const module = regionModules[tag] ?? patternModules[tag.split('-')[0]!]
  if (!module) return undefined
  if (!loaded.has(module)) loaded.set(module, remembering((require(module) as {hyphenateSync: Hyphenate}).hyphenateSync))
  return loaded.get(module)
}

/** Most words (or texts) a memo keeps; it starts again empty past that, so memory stays bounded in a long watch session. */
const memoLimit = 50_000

/** `hyphenate` remembering its answers, for the options our callers pass (always the same). */
function remembering(hyphenate: Hyphenate): Hyphenate {
  const memo = new Map<string, string>()
  return (word, options) => {
    const key = `${options.minWordLength}${options.hyphenChar}${word}`
    let broken = memo.get(key)
    if (broken === undefined) {
      if (memo.size >= memoLimit) memo.clear()
      broken = hyphenate(word, options)
      memo.set(key, broken)
    }
    return broken
  }
}

/**
 * Hyphenated texts by hyphenator: a rebuild (`watch`) meets the same
 * paragraphs of every article it did not edit, and a book prints them again.
 */
const hyphenatedTexts = new WeakMap<Hyphenate, Map<string, string>>()

function hyphenateTextOnce(text: string, hyphenate: Hyphenate): string {
  let texts = hyphenatedTexts.get(hyphenate)
  if (!texts) {
    texts = new Map()
    hyphenatedTexts.set(hyphenate, texts)
  }
  let result = texts.get(text)
  if (result === undefined) {
    if (texts.size >= memoLimit) texts.clear()
    result = hyphenateText(text, hyphenate)
    texts.set(text, result)
  }
  return result
}

const SHY = '\u00AD'
// Parts of a word kept whole at its start and end: no "a-" or "-ly" alone on a line.
const leftMin = 2
const rightMin = 3

/**
 * Text where breaking would be wrong: headings, code, links and their URLs,
 * captions, the masthead; and a table's head and foot, which Chromium prints
 * again on every page the table spans (their soft hyphens would be marked once
 * per page, and the hyphen-run check could no longer match the PDF's to the HTML's).
 */
const skipTags = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'code', 'pre', 'kbd', 'samp', 'var', 'a', 'figcaption', 'sup', 'sub', 'math', 'svg', 'abbr', 'thead', 'tfoot'])

/** Insert soft hyphens into the running text of `tree` (in place) for `lang`; a no-op without patterns. */
export function hyphenateTree(tree: Root, lang: string): void {
  const hyphenate = hyphenatorFor(lang)
  if (!hyphenate) return
  const walk = (nodes: RootContent[]) => {
    for (const node of nodes) {
      if (node.type === 'text') node.value = hyphenateTextOnce(node.value, hyphenate)
      else if (node.type === 'element' && !skip(node)) walk(node.children)
    }
  }
  walk(tree.children)
}

function skip(node: Element): boolean {
  if (skipTags.has(node.tagName)) return true
  const classes = Array.isArray(node.properties.className) ? node.properties.className.map(String) : []
  return classes.includes('notes-label')
}

/** Hyphenate each word of `text`, leaving URL-like and short words alone. */
export function hyphenateText(text: string, hyphenate: Hyphenate): string {
  // Words of letters (and inner apostrophes); anything with digits, `/`, `@` or `.` inside is left whole.
  return text.replace(/[^\s]+/gu, (token) => {
    if (/[\d/@\\_]|\.\p{L}|:\/\//u.test(token)) return token
    return token.replace(/\p{L}[\p{L}\p{M}’']*\p{L}/gu, (word) => (word.length < leftMin + rightMin + 1 ? word : trimBreaks(hyphenate(word, {hyphenChar: SHY, minWordLength: leftMin + rightMin + 1}))))
  })
}

/** Drop break points closer than `leftMin`/`rightMin` letters to a word's ends, and any beside an apostrophe. */
function trimBreaks(word: string): string {
  const parts = word.split(SHY)
  const total = parts.join('').length
  let result = parts[0]!
  let before = parts[0]!.length
  for (const part of parts.slice(1)) {
    const ok = before >= leftMin && total - before >= rightMin && !/['’]$/.test(result) && !/^['’]/.test(part)
    result += (ok ? SHY : '') + part
    before += part.length
  }
  return result
}
