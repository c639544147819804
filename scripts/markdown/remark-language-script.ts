/**
 * A language that does not write the text's script is a warning: a Russian
 * README built as `en` gets English hyphenation and quotes, and tells screen
 * readers, PDF viewers and e-readers it is English. The prose's letters
 * (not code, math or raw HTML) are counted by script; when most are in a
 * script the language is not written in (`Intl.Locale#maximize`) and under a
 * third in its own, the source is told where to set `lang`. Nothing is
 * guessed: a script has many languages.
 */
import type {Root, Text} from 'mdast'
import type {Point} from 'unist'
import {visit} from 'unist-util-visit'
import type {VFile} from 'vfile'

const letter = /\p{L}/u

/** Scripts told apart, with a language that writes each (for the message's example). */
const scripts = [
  {code: 'Latn', name: 'Latin', example: 'fr', pattern: /\p{Script=Latin}/u},
  {code: 'Cyrl', name: 'Cyrillic', example: 'ru', pattern: /\p{Script=Cyrillic}/u},
  {code: 'Grek', name: 'Greek', example: 'el', pattern: /\p{Script=Greek}/u},
  {code: 'Deva', name: 'Devanagari', example: 'hi', pattern: /\p{Script=Devanagari}/u},
  {code: 'Beng', name: 'Bengali', example: 'bn', pattern: /\p{Script=Bengali}/u},
  {code: 'Guru', name: 'Gurmukhi', example: 'pa', pattern: /\p{Script=Gurmukhi}/u},
  {code: 'Gujr', name: 'Gujarati', example: 'gu', pattern: /\p{Script=Gujarati}/u},
  {code: 'Taml', name: 'Tamil', example: 'ta', pattern: /\p{Script=Tamil}/u},
  {code: 'Telu', name: 'Telugu', example: 'te', pattern: /\p{Script=Telugu}/u},
  {code: 'Knda', name: 'Kannada', example: 'kn', pattern: /\p{Script=Kannada}/u},
  {code: 'Mlym', name: 'Malayalam', example: 'ml', pattern: /\p{Script=Malayalam}/u},
  {code: 'Arab', name: 'Arabic', example: 'ar', pattern: /\p{Script=Arabic}/u},
  {code: 'Hebr', name: 'Hebrew', example: 'he', pattern: /\p{Script=Hebrew}/u},
  {code: 'Thai', name: 'Thai', example: 'th', pattern: /\p{Script=Thai}/u},
  {code: 'Geor', name: 'Georgian', example: 'ka', pattern: /\p{Script=Georgian}/u},
  {code: 'Armn', name: 'Armenian', example: 'hy', pattern: /\p{Script=Armenian}/u},
  {code: 'Hang', name: 'Hangul', example: 'ko', pattern: /\p{Script=Hangul}/u},
  {code: 'Kana', name: 'Japanese kana', example: 'ja', pattern: /[\p{Script=Hiragana}\p{Script=Katakana}]/u},
  {code: 'Hani', name: 'Han (Chinese characters)', example: 'zh', pattern: /\p{Script=Han}/u}
] as const

type ScriptCode = (typeof scripts)[number]['code']

/** The scripts a writing system made of several includes (`Intl.Locale#maximize` names these). */
const composite: Record<string, ScriptCode[]> = {Jpan: ['Hani', 'Kana'], Kore: ['Hang', 'Hani'], Hans: ['Hani'], Hant: ['Hani']}

/** Fewest letters before a verdict: a short note in a foreign script says little. */
const minLetters = 100

/** Scripts `lang` is written in, or `undefined` when unknown (an invalid or private tag: no warning). */
export function scriptsOf(lang: string): ScriptCode[] | undefined {
  try {
    const script = new Intl.Locale(lang).maximize().script
    if (!script) return undefined
    return composite[script] ?? [script as ScriptCode]
  } catch {
    return undefined
  }
}

/** Warn when most of the prose is in a script the front matter's language is not written in. */
export default function remarkLanguageScript() {
  return (tree: Root, file: VFile) => {
    const lang = file.data.frontMatter?.lang
    const written = lang === undefined ? undefined : scriptsOf(lang)
    if (!written) return
    const counts = new Map<ScriptCode, number>()
    const first = new Map<ScriptCode, Point | undefined>()
    let letters = 0
    visit(tree, 'text', (node: Text) => {
      for (const char of node.value) {
        let script: (typeof scripts)[number] | undefined
        if (char < '\x80') {
          // An ASCII letter is a Latin one (the common case, told without a regular expression).
          const lower = char.charCodeAt(0) | 0x20
          if (lower < 0x61 || lower > 0x7a) continue
          script = scripts[0]
        } else {
          if (!letter.test(char)) continue
          script = scripts.find((entry) => entry.pattern.test(char))
        }
        letters++
        if (!script) continue
        counts.set(script.code, (counts.get(script.code) ?? 0) + 1)
        if (!first.has(script.code)) first.set(script.code, node.position?.start)
      }
    })
    if (letters < minLetters) return
    const [code, count] = [...counts].reduce((best, entry) => (entry[1] > best[1] ? entry : best), ['Latn', 0] as [ScriptCode, number])
    // Mixed text (a Hebrew article full of English names) is not a mistake: the language's
    // own script must be rare, and another one the text's majority.
    const own = written.reduce((sum, script) => sum + (counts.get(script) ?? 0), 0)
    if (count * 2 <= letters || written.includes(code) || own * 3 >= letters) return
    const script = scripts.find((entry) => entry.code === code)!
    const share = Math.round((count / letters) * 100)
    // Text nodes made by the parser have places; the file's start otherwise.
    const point = first.get(code) ?? {line: 1, column: 1}
    file.message(
      `${share} % of the text is ${script.name} script, which language \`${lang}\` is not written in: hyphenation, quotes and the language readers are told follow \`${lang}\`. Set the text's language: \`lang\` in the front matter (e.g. \`lang: ${script.example}\`), \`lang\` in the project config, or \`--lang\``,
      {place: point, ruleId: 'language-script', source: 'handout:language'}
    )
  }
}
