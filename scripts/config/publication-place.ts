/**
 * Where a publication's key is written in the project config, for messages
 * about that publication ("has no articles", "lists a missing source") to
 * point at its `sources` line rather than the file's start. Found in the
 * text (YAML or a `.mjs` module alike): the publication's `name:` entry, then
 * the first `key:` after it and before the next `name:`.
 */
import fs from 'node:fs'

/** Line and column (1-based) of `key` in the entry of publication `name`, else of its name, else `undefined`. */
export function publicationPlace(configPath: string, name: string, key: string): {line: number; column: number} | undefined {
  let text: string
  try {
    text = fs.readFileSync(configPath, 'utf8')
  } catch {
    return undefined
  }
  const literal = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const named = new RegExp(`(^|[\\s{,-])name['"]?\\s*:\\s*['"]?${literal(name)}['"]?\\s*(?=$|[,}#])`, 'm').exec(text)
  if (!named) return undefined
  const start = named.index + named[1]!.length
  const next = /(^|[\s{,-])name['"]?\s*:/m.exec(text.slice(start + 4))
  const end = next ? start + 4 + next.index : text.length
  const keyed = new RegExp(`(^|[\\s{,])${literal(key)}['"]?\\s*:`, 'm').exec(text.slice(start, end))
  const offset = keyed ? start + keyed.index + keyed[1]!.length : start
  const before = text.slice(0, offset)
  return {line: before.split('\n').length, column: offset - before.lastIndexOf('\n')}
}
