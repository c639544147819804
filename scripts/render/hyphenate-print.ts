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
/** A language's hyphenator, and the texts it hyphenated. */
interface Hyphenator {
  /** `hyphen`'s function, remembering the words it broke. */
  word: Hyphenate
  /**
   * Hyphenated texts: a rebuild (`watch`) meets the same paragraphs of every
   * article it did not edit, and a book prints them again.
   */
  texts: Map<string, string>
}

const loaded = new Map<string, Hyphenator>()

/**
 * The hyphenator for `lang`, or `undefined` when there are no patterns for it
 * (Hindi, Arabic, Hebrew, Chinese…). It remembers the words it broke: the
 * same few thousand words make most of a book.
 */
export function hyphenatorFor(lang: string): Hyphenate | undefined {
  return hyphenatorOf(lang)?.word
}

function hyphenatorOf(lang: string): Hyphenator | undefined {
  const tag = lang.toLowerCase()
  const module = regionModules[tag] ?? patternModules[tag.split('-')[0]!]
  if (!module) return undefined
  let hyphenator = loaded.get(module)
  if (!hyphenator) {
    const hyphenate = (require(module) as {hyphenateSync: Hyphenate}).hyphenateSync
    const words = new Map<string, string>()
    hyphenator = {word: (word, options) => remembered(words, `${options.minWordLength}${options.hyphenChar}${word}`, () => hyphenate(word, options)), texts: new Map()}
    loaded.set(module, hyphenator)
  }
  return hyphenator
}

/** Most words (or texts) a memo keeps; it starts again empty past that, so memory stays bounded in a long watch session. */
const memoLimit = 50_000

/** `memo`'s value for `key`, made by `make` and kept when it has none. */
function remembered(memo: Map<string, string>, key: string, make: () => string): string {
  let value = memo.get(key)
  if (value === undefined) {
    if (memo.size >= memoLimit) memo.clear()
    value = make()
    memo.set(key, value)
  }
  return value
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
  const hyphenator = hyphenatorOf(lang)
  if (!hyphenator) return
  const walk = (nodes: RootContent[]) => {
    for (const node of nodes) {
      if (node.type === 'text') node.value = remembered(hyphenator.texts, node.value, () => hyphenateText(node.value, hyphenator.word))
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
