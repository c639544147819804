/**
 * YAML as data only, validated by a zod schema, every problem a vfile message
 * at its line and column. Shared by front matter and the project config.
 *
 * Core schema, no custom tags (`!!js/function`, `!foo`), bounded aliases and
 * size: nothing in a YAML text can run code or blow up memory.
 */
import type {Point} from 'unist'
import type {VFile} from 'vfile'
import {LineCounter, isMap, isNode, isPair, isScalar, isSeq, parseDocument, visit, type Document} from 'yaml'
import {ZodArray, ZodDefault, ZodObject, ZodOptional, type z} from 'zod'

/** Most alias expansions YAML may perform (defends against "billion laughs"). */
export const maxAliasCount = 50

// Explicit tags that only restate what the core schema resolves anyway.
const coreTags = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((name) => `tag:yaml.org,2002:${name}`))

/** Options of `readYaml`. */
export interface ReadYamlOptions {
  /** Where the YAML text starts in the file: line of its first line (1-based). */
  firstLine: number
  /** `source` of the messages, e.g. `handout:front-matter`. */
  origin: string
  /** What the messages call the text, e.g. `front matter`. */
  label: string
  /** Unknown keys are warnings (default: front matter) or errors (the project config). */
  unknownKeys?: 'warn' | 'error'
}

/**
 * Parse `text` and validate it against `schema`. Unknown keys get a "did you
 * mean" (warnings, or errors with `unknownKeys: 'error'`); anything else wrong
 * fails `file` (throws).
 */
export function readYaml<Schema extends z.ZodObject>(text: string, schema: Schema, file: VFile, options: ReadYamlOptions): z.output<Schema> {
  const {origin, label} = options
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, {schema: 'core', version: '1.2', lineCounter, uniqueKeys: true, prettyErrors: false})
  const at = (offset: number): Point => {
    const {line, col} = lineCounter.linePos(offset)
    return {line: options.firstLine + line - 1, column: col}
  }
  const start = {line: options.firstLine, column: 1}

  for (const error of doc.errors) {
    const place = at(error.pos[0])
    const hint = yamlHint(error.code, text.split('\n')[place.line - options.firstLine] ?? '')
    file.fail(`Broken YAML ${label}: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}${hint ? `: ${hint}` : ''}`, {place, ruleId: 'yaml-syntax', source: origin})
  }

  visit(doc, (_key, item) => {
    // `? [a, b]: value` — a list or map as a key has no meaning here (and JavaScript cannot keep it).
    if (isPair(item) && item.key !== null && !isScalar(item.key)) {
      file.fail(`YAML keys must be plain text in ${label}`, {place: at(isNode(item.key) ? (item.key.range?.[0] ?? 0) : 0), ruleId: 'yaml-key', source: origin})
    }
    if (isNode(item) && item.tag && !coreTags.has(item.tag)) {
      file.fail(`YAML tag \`${item.tag}\` is not allowed: ${label} is plain data (strings, numbers, lists)`, {place: at(item.range?.[0] ?? 0), ruleId: 'yaml-tag', source: origin})
    }
  })

  let data: unknown
  try {
    data = doc.toJS({maxAliasCount})
  } catch (error) {
    file.fail(`${capitalise(label)} could not be read: ${(error as Error).message}`, {place: start, ruleId: 'yaml-alias', source: origin})
  }
  if (data === null || data === undefined) data = {}
  if (!isMap(doc.contents) && doc.contents !== null) {
    file.fail(`${capitalise(label)} must be a YAML mapping of \`key: value\` lines`, {place: start, ruleId: 'yaml-shape', source: origin})
  }

  checkKeys(doc.contents, schema, [], (key, keyPath, known, node) => {
    const hint = closest(key, known)
    const name = [...keyPath, key].join('.')
    const fatal = options.unknownKeys === 'error'
    const message = file.message(`Unknown ${label} key \`${name}\`${hint ? `: did you mean \`${hint}\`?` : fatal ? `: use one of ${known.map((item) => `\`${item}\``).join(', ')}` : ' is ignored'}`, {
      place: at(isNode(node) ? (node.range?.[0] ?? 0) : 0),
      ruleId: 'yaml-unknown-key',
      source: origin
    })
    if (fatal) message.fatal = true
  })

  const result = schema.safeParse(data)
  if (result.success) return result.data
  const issues = result.error.issues
  issues.forEach((issue, index) => {
    const keyPath = issue.path.map(String)
    const target = nodeAt(doc, keyPath)
    const reason = !doc.hasIn(keyPath)
      ? `Missing ${label} key \`${keyPath.join('.')}\`${keyPath[0] === 'title' ? ': add a line `title: …`' : ''}`
      : `Invalid ${label} \`${keyPath.join('.')}\`: ${issue.message}`
    const place = target === undefined ? start : at(target)
    // Report every invalid key, then stop: the file cannot be used.
    if (index === issues.length - 1) file.fail(reason, {place, ruleId: 'yaml-schema', source: origin})
    file.message(reason, {place, ruleId: 'yaml-schema', source: origin}).fatal = true
  })
  throw new Error('unreachable')
}

/**
 * The likely fix for a YAML syntax error, from its code and the text of its
 * line: most are a value that needs quotes (`title: Why: a question`).
 */
export function yamlHint(code: string, line: string): string | undefined {
  // An unclosed flow list or mapping (`tags: [a, b`) is reported as an indentation error.
  const open = /\[[^\]]*$/.test(line) ? ['[', ']'] : /\{[^}]*$/.test(line) ? ['{', '}'] : undefined
  if (open) return `close the \`${open[0]}\` with \`${open[1]}\` on the same line, or quote the value`
  const pair = /^(\s*-?\s*)([^\s:#][^:#]*?):\s+(.+?)\s*$/.exec(line)
  const quoted = pair ? `\`${pair[1]}${pair[2]}: ${JSON.stringify(pair[3])}\`` : undefined
  switch (code) {
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      if (pair && pair[3]!.includes(': ')) return `a value containing \`: \` must be quoted, e.g. ${quoted}`
      return 'indent the keys of one mapping to the same column, or quote a value that contains `: `'
    case 'BAD_SCALAR_START':
      return `a value starting with \`@\`, \`\`\`, \`%\` or \`|\` must be quoted${quoted ? `, e.g. ${quoted}` : ''}`
    case 'UNEXPECTED_TOKEN':
      return `quote the whole value (inner double quotes as \`\\"\`)${quoted ? `, e.g. ${quoted}` : ''}`
    case 'BAD_INDENT':
    case 'TAB_AS_INDENT':
      return 'indent with spaces, the keys of one mapping at the same column'
    case 'DUPLICATE_KEY':
      return 'each key may appear once: remove or rename one'
    default:
      return undefined
  }
}

/**
 * Call `unknown` for every key of a YAML mapping that its schema object does
 * not name, in nested objects and lists of objects too.
 */
function checkKeys(node: unknown, schema: z.ZodType, keyPath: string[], unknown: (key: string, keyPath: string[], known: string[], node: unknown) => void): void {
  const inner = unwrap(schema)
  if (isSeq(node) && inner instanceof ZodArray) {
    for (const [index, item] of node.items.entries()) checkKeys(item, inner.element as z.ZodType, [...keyPath, String(index)], unknown)
  }
  if (!isMap(node) || !(inner instanceof ZodObject)) return
  const shape = inner.shape as Record<string, z.ZodType>
  const known = Object.keys(shape)
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
    if (known.includes(key)) checkKeys(pair.value, shape[key]!, [...keyPath, key], unknown)
    else unknown(key, keyPath, known, pair.key)
  }
}

/** A schema without its `.optional()` and `.default()` wrappers. */
export function unwrap(schema: z.ZodType): z.ZodType {
  return schema instanceof ZodOptional || schema instanceof ZodDefault ? unwrap(schema.unwrap() as z.ZodType) : schema
}

/** Offset of the YAML node at `keyPath`, or of its nearest existing parent. */
function nodeAt(doc: Document, keyPath: string[]): number | undefined {
  for (let length = keyPath.length; length > 0; length--) {
    const found: unknown = doc.getIn(
      keyPath.slice(0, length).map((key) => (/^\d+$/.test(key) ? Number(key) : key)),
      true
    )
    if (isNode(found) && found.range) return found.range[0]
  }
  return undefined
}

function capitalise(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1)
}

/** The known name within edit distance 2 of `key`, for "did you mean" (config keys, CLI flags). */
export function closest(key: string, candidates: string[]): string | undefined {
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
