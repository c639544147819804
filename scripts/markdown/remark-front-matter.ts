/**
 * Parse and validate the YAML front matter found by remark-frontmatter, and
 * remove it from the tree: the templates render title, date and publisher.
 * Front matter is optional; a Pandoc-style `...` line closes it like `---`.
 */
import type {Root, Yaml} from 'mdast'
import type {Processor} from 'unified'
import type {VFile} from 'vfile'
import {type FrontMatter, frontMatterSchema} from '../config/schema.js'
import {readYaml} from '../config/safe-yaml.js'
import {codePointName, removeIllegalXml} from '../core/xml-characters.js'

declare module 'vfile' {
  interface DataMap {
    /**
     * Validated front matter (set by `remarkFrontMatter`). Its `title` is `''`
     * until `remarkTitleFromHeading` resolves one.
     */
    frontMatter: FrontMatter
  }
}

/** Options of `remarkFrontMatter`. */
export interface RemarkFrontMatterOptions {
  /** Language of a source whose front matter sets no `lang` (default: `'en'`). */
  lang?: string
  /** Kicker of a source whose front matter sets none (the config's `theme.kicker`; default: none). */
  kicker?: string
}

/** Largest front matter block accepted, in characters. */
export const maxFrontMatterLength = 64 * 1024

const origin = 'handout:front-matter'

/**
 * Parse, validate and remove the front matter; fail the file if it is
 * unusable. Must come after `remark-parse` and `remark-frontmatter`.
 */
export default function remarkFrontMatter(this: Processor, options: RemarkFrontMatterOptions = {}) {
  const lang = options.lang ?? 'en'
  // remark-frontmatter closes YAML only at `---`; Pandoc also at `...`. Both are three
  // characters, so rewriting the closing line before parsing keeps every position.
  const parser = this.parser
  if (parser) this.parser = (document, file) => parser(pandocEndAsDashes(document), file)

  return (tree: Root, file: VFile) => {
    // `---js`, `---javascript`, `---coffee`…: gray-matter runs these as code. We never do,
    // and silently treating them as text would hide the author's mistake.
    const engine = /^---[ \t]*([A-Za-z][\w-]*)[ \t]*\n/.exec(String(file.value))
    if (engine) {
      file.fail(`Front matter engine \`${engine[1]}\` is not supported: use plain YAML between \`---\` lines`, {
        place: {line: 1, column: 4},
        ruleId: 'front-matter-engine',
        source: origin
      })
    }

    const node = tree.children[0]
    if (node?.type !== 'yaml') {
      // A `---` line, then `key: value`, and no closing line: the author's front matter, read as text.
      if (/^---[ \t]*\r?\n[ \t]*[A-Za-z_][\w-]*:(?:[ \t]|\r?\n)/.test(String(file.value))) {
        file.message('Front matter is not closed: end it with a `---` line (it is read as text, and its keys are ignored)', {
          place: {line: 1, column: 1},
          ruleId: 'front-matter-unclosed',
          source: origin
        })
      }
      file.data.frontMatter = {...frontMatterSchema.parse({}), title: '', lang, ...(options.kicker ? {kicker: options.kicker} : {})}
      return
    }
    tree.children.shift()

    // YAML starts on the line after the opening `---`.
    const firstLine = ((node as Yaml).position?.start.line ?? 1) + 1
    if (node.value.length > maxFrontMatterLength) {
      file.fail(`Front matter is ${node.value.length} characters, over the limit of ${maxFrontMatterLength}`, {
        place: {line: firstLine, column: 1},
        ruleId: 'front-matter-too-large',
        source: origin
      })
    }

    const written = withoutIllegalXml(readYaml(node.value, frontMatterSchema, file, {firstLine, origin, label: 'front matter'}), (found) => {
      // An escape such as `"\u0001"` makes a character XML forbids: out, as from the source's own text. Each one named.
      const names = [...new Set(found.map(codePointName))]
      file.message(`Removed control character${names.length > 1 ? 's' : ''} ${names.map((name) => `\`${name}\``).join(', ')} from the front matter, which XML and e-readers reject`, {
        place: {line: firstLine, column: 1},
        ruleId: 'control-character',
        source: origin
      })
    })
    // The front matter's kicker wins over the config's.
    const kicker = written.kicker ?? options.kicker
    file.data.frontMatter = {...written, title: written.title ?? '', lang: written.lang ?? lang, ...(kicker ? {kicker} : {})}
  }
}

/** `value` with every string in it (deeply) without the characters XML forbids; `found` is told those of each string. */
function withoutIllegalXml<T>(value: T, found: (characters: string[]) => void): T {
  if (typeof value === 'string') {
    const cleaned = removeIllegalXml(value)
    if (!cleaned) return value
    found(cleaned.removed)
    return cleaned.text as T
  }
  if (Array.isArray(value)) return value.map((item) => withoutIllegalXml(item, found)) as T
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withoutIllegalXml(item, found)])) as T
  }
  return value
}

/**
 * `document` as remark-frontmatter should read it, positions kept: a
 * Pandoc-style closing `...` line is written `---`, and a block between `---`
 * lines that holds no `key: value` line (`---`, `Foo`, `---` is a thematic
 * break and a heading in CommonMark) opens with `***` instead, a thematic break
 * too, so it stays Markdown. Linear time.
 */
export function pandocEndAsDashes(document: string): string {
  if (!/^---[ \t]*\n/.test(document)) return document
  let start = document.indexOf('\n') + 1
  while (start > 0 && start < document.length) {
    const end = document.indexOf('\n', start)
    const line = document.slice(start, end === -1 ? undefined : end)
    const closing = /^(?:---|\.\.\.)[ \t]*$/.test(line)
    if (closing) {
      const yaml = document.slice(document.indexOf('\n') + 1, start)
      const result = line.startsWith('.') ? `${document.slice(0, start)}---${document.slice(start + 3)}` : document
      return yaml.trim() === '' || /^\s*\{|^["']?[^\s:#"'][^:\n]*["']?[ \t]*:(?:[ \t]|$)/m.test(yaml) ? result : `***${result.slice(3)}`
    }
    start = end + 1
  }
  return document
}
