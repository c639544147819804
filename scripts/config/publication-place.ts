/**
 * Where a publication or its key is written in the project config, for
 * messages about that publication ("has no articles", "lists a missing
 * source", "name used twice") to point at its line rather than the file's
 * start. Found in the text (YAML or a `.mjs` module alike): the publication's
 * `name:` entry, then the first `key:` after it and before the next `name:`.
 */
import fs from 'node:fs'
import {location} from 'vfile-location'

/** A 1-based line and column. */
export interface Place {
  line: number
  column: number
}

const literal = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Line and column of `offset` in `text`. */
export function placeAt(text: string, offset: number): Place {
  const point = location(text).toPoint(offset)
  return point ? {line: point.line, column: point.column} : {line: 1, column: 1}
}

/**
 * Place of the `occurrence`-th (from 1) entry of publication `name` in the
 * config's `text`, or of its `key` when given and written; `undefined` when
 * there is no such entry.
 */
export function placeInConfig(text: string, name: string, options: {key?: string; occurrence?: number} = {}): Place | undefined {
  const entries = new RegExp(`(^|[\\s{,-])name['"]?\\s*:\\s*['"]?${literal(name)}['"]?\\s*(?=$|[,}#])`, 'gm')
  let named: RegExpExecArray | null = null
  for (let count = 0; count < (options.occurrence ?? 1); count++) {
    named = entries.exec(text)
    if (!named) return undefined
  }
  const start = named!.index + named![1]!.length
  if (options.key === undefined) return placeAt(text, start)
  const next = /(^|[\s{,-])name['"]?\s*:/m.exec(text.slice(start + 4))
  const end = next ? start + 4 + next.index : text.length
  const keyed = new RegExp(`(^|[\\s{,])${literal(options.key)}['"]?\\s*:`, 'm').exec(text.slice(start, end))
  return placeAt(text, keyed ? start + keyed.index + keyed[1]!.length : start)
}

/**
 * Line and column of a nested key of a YAML config (`['theme', 'logo']`):
 * each key looked for in its parent's block (the lines after it indented
 * deeper); the deepest key found, or `undefined` when not even the first is.
 */
export function placeOfKey(text: string, keys: readonly string[]): Place | undefined {
  let [from, to] = [0, text.length]
  let found: number | undefined
  for (const key of keys) {
    const match = new RegExp(`^([ \\t]*)['"]?${literal(key)}['"]?\\s*:`, 'm').exec(text.slice(from, to))
    if (!match) break
    found = from + match.index + match[1]!.length
    const indent = match[1]!.length
    // Its block: up to the next line as little indented as it, not blank or a comment.
    from = from + match.index + match[0].length
    const next = new RegExp(`\\n(?=[ \\t]{0,${indent}}[^ \\t\\n#])`).exec(text.slice(from, to))
    to = next ? from + next.index : to
  }
  return found === undefined ? undefined : placeAt(text, found)
}

/** Line and column of `key` in the entry of publication `name` of the config at `configPath`, else of its name, else `undefined`. */
export function publicationPlace(configPath: string, name: string, key: string): Place | undefined {
  let text: string
  try {
    text = fs.readFileSync(configPath, 'utf8')
  } catch {
    return undefined
  }
  return placeInConfig(text, name, {key})
}
