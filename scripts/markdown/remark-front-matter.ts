/**
 * Parse and validate the YAML front matter found by remark-frontmatter.
 *
 * YAML is data only: the core schema, no custom tags (`!!js/function`, `!foo`),
 * bounded aliases and size. Every problem is a vfile message at the line and
 * column of the offending YAML node.
 */
import type {Root, Yaml} from 'mdast'
import type {VFile} from 'vfile'
import {LineCounter, isMap, isNode, isScalar, parseDocument, visit, type Document} from 'yaml'
import {frontMatterSchema, type FrontMatter} from '../config/schema.js'

declare module 'vfile' {
  interface DataMap {
    /** Validated front matter (set by `remarkFrontMatter`). */
    frontMatter: FrontMatter
  }
}

/** Largest front matter block accepted, in characters. */
export const maxFrontMatterLength = 64 * 1024
/** Most alias expansions YAML may perform (defends against "billion laughs"). */
export const maxAliasCount = 50

// Explicit tags that only restate what the core schema resolves anyway.
const coreTags = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((name) => `tag:yaml.org,2002:${name}`)
)

const origin = 'handout:front-matter'

/** Parse, validate and remove the front matter; fail the file if it is unusable. */
export default function remarkFrontMatter() {
  return function (tree: Root, file: VFile) {
    const source = String(file.value)
    // `---js`, `---javascript`, `---coffee`…: gray-matter runs these as code. We never do,
    // and silently treating them as text would hide the author's mistake.
    const engine = /^---[ \t]*([A-Za-z][\w-]*)[ \t]*\n/.exec(source)
    if (engine) {
      file.fail(`Front matter engine \`${engine[1]}\` is not supported: use plain YAML between \`---\` lines`, {
        place: {line: 1, column: 4},
        ruleId: 'front-matter-engine',
        source: origin
      })
    }

    const index = tree.children.findIndex((node) => node.type === 'yaml')
    const node = tree.children[index] as Yaml | undefined
    if (!node || index !== 0) {
      file.fail('Missing front matter: start the file with `---`, a line `title: …`, and `---`', {
        place: {line: 1, column: 1},
        ruleId: 'front-matter-missing',
        source: origin
      })
    }
    tree.children.splice(index, 1)

    // YAML starts on the line after the opening `---`.
    const firstLine = (node.position?.start.line ?? 1) + 1
    const at = (line: number, column: number) => ({line: firstLine + line - 1, column})

    if (node.value.length > maxFrontMatterLength) {
      file.fail(`Front matter is ${node.value.length} characters, over the limit of ${maxFrontMatterLength}`, {
        place: at(1, 1),
        ruleId: 'front-matter-too-large',
        source: origin
      })
    }

    const lineCounter = new LineCounter()
    const doc = parseDocument(node.value, {
      schema: 'core',
      version: '1.2',
      lineCounter,
      uniqueKeys: true,
      prettyErrors: false
    })
    const placeOf = (offset: number) => {
      const {line, col} = lineCounter.linePos(offset)
      return at(line, col)
    }

    for (const error of doc.errors) {
      file.fail(`Broken YAML front matter: ${firstLine_(error.message)}`, {
        place: placeOf(error.pos[0]),
        ruleId: 'yaml-syntax',
        source: origin
      })
    }

    visit(doc, (_key, item) => {
      if (isNode(item) && item.tag && !coreTags.has(item.tag)) {
        file.fail(`YAML tag \`${item.tag}\` is not allowed: front matter is plain data (strings, numbers, lists)`, {
          place: placeOf(item.range?.[0] ?? 0),
          ruleId: 'yaml-tag',
          source: origin
        })
      }
    })

    let data: unknown
    try {
      data = doc.toJS({maxAliasCount})
    } catch (error) {
      file.fail(`Front matter could not be read: ${(error as Error).message}`, {
        place: at(1, 1),
        ruleId: 'yaml-alias',
        source: origin
      })
    }

    if (data === null || data === undefined) data = {}
    if (!isMap(doc.contents) && doc.contents !== null) {
      file.fail('Front matter must be a YAML mapping of `key: value` lines', {
        place: at(1, 1),
        ruleId: 'front-matter-shape',
        source: origin
      })
    }

    const known = new Set(Object.keys(frontMatterSchema.shape))
    if (isMap(doc.contents)) {
      for (const pair of doc.contents.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
        if (!known.has(key)) {
          const hint = closest(key, [...known])
          file.message(`Unknown front matter key \`${key}\`${hint ? `: did you mean \`${hint}\`?` : ' is ignored'}`, {
            place: placeOf(isNode(pair.key) ? (pair.key.range?.[0] ?? 0) : 0),
            ruleId: 'front-matter-unknown-key',
            source: origin
          })
        }
      }
    }

    const result = frontMatterSchema.safeParse(data)
    if (!result.success) {
      const issues = result.error.issues
      issues.forEach((issue, index) => {
        const keyPath = issue.path.map(String)
        const target = nodeAt(doc, keyPath)
        const reason =
          !doc.hasIn(keyPath)
            ? `Missing front matter key \`${keyPath.join('.')}\`${keyPath[0] === 'title' ? ': add a line `title: …`' : ''}`
            : `Invalid front matter \`${keyPath.join('.')}\`: ${issue.message}`
        const options = {place: target === undefined ? at(1, 1) : placeOf(target), ruleId: 'front-matter-schema', source: origin}
        // Report every invalid key, then stop: the file cannot be built.
        if (index === issues.length - 1) file.fail(reason, options)
        file.message(reason, options).fatal = true
      })
      return
    }

    file.data.frontMatter = result.data
  }
}

/** Offset of the YAML node at `keyPath`, if there is one. */
function nodeAt(doc: Document, keyPath: string[]): number | undefined {
  for (let length = keyPath.length; length > 0; length--) {
    const found: unknown = doc.getIn(keyPath.slice(0, length).map((key) => (/^\d+$/.test(key) ? Number(key) : key)), true)
    if (isNode(found) && found.range) return found.range[0]
  }
  return undefined
}

function firstLine_(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')
}

/** The known key within edit distance 2 of `key`, for "did you mean". */
function closest(key: string, candidates: string[]): string | undefined {
  let best: string | undefined
  let bestDistance = 3
  for (const candidate of candidates) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

function editDistance(a: string, b: string): number {
  const row = Array.from({length: b.length + 1}, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = current
    }
  }
  return row[b.length]!
}
