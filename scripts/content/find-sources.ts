/**
 * Find Markdown sources: explicit files, or every `*.md` below a folder, in a
 * stable order, each with the safe output name it will get in `dist/`.
 */
import fs from 'node:fs/promises'
import path from 'node:path'

/** A source to build and the base name of its outputs. */
export interface SourceEntry {
  /** Absolute path of the Markdown file. */
  path: string
  /** Output base name: `dist/<name>.pdf`. */
  name: string
}

/**
 * List sources for `inputs` (files or folders, relative to `root`).
 * Throws when an input does not exist; output names that would collide get a
 * numeric suffix so that no output overwrites another.
 */
export async function findSources(root: string, inputs: readonly string[]): Promise<SourceEntry[]> {
  const files: string[] = []
  for (const input of inputs.length > 0 ? inputs : ['content']) {
    const absolute = path.resolve(root, input)
    let stat: Awaited<ReturnType<typeof fs.stat>>
    try {
      stat = await fs.stat(absolute)
    } catch (error) {
      throw new Error(`Cannot find \`${input}\`: pass a Markdown file or a folder that exists`, {cause: error})
    }
    if (stat.isDirectory()) {
      const entries = await fs.readdir(absolute, {recursive: true, withFileTypes: true})
      for (const entry of entries) {
        if (entry.isFile() && /\.(md|markdown)$/i.test(entry.name) && !entry.name.startsWith('.')) {
          files.push(path.join(entry.parentPath, entry.name))
        }
      }
    } else {
      files.push(absolute)
    }
  }

  const unique = [...new Set(files)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const taken = new Set<string>()
  return unique.map((file) => {
    const base = safeName(path.basename(file).replace(/\.(md|markdown)$/i, ''))
    let name = base
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}-${n}`
    taken.add(name.toLowerCase())
    return {path: file, name}
  })
}

/**
 * Make a file name safe on every file system: ASCII letters, digits, `-`, `_`
 * and `.`, no leading dot, at most 100 characters.
 */
export function safeName(value: string): string {
  const name = value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 100)
  return name || 'untitled'
}

/** One part of a split build: part `index` (1-based) of `count`. */
export interface Shard {
  index: number
  count: number
}

/**
 * The sources of one shard: every `count`-th source of the sorted list,
 * starting at the `index`-th, so n machines given `1/n` … `n/n` build disjoint
 * parts that together cover every source, with sizes differing by at most one.
 * Output names are assigned before splitting, so they do not depend on the shard.
 */
export function shardSources<T>(sources: readonly T[], shard: Shard | undefined): T[] {
  if (!shard) return [...sources]
  if (!Number.isInteger(shard.count) || !Number.isInteger(shard.index) || shard.count < 1 || shard.index < 1 || shard.index > shard.count) {
    throw new RangeError(`Invalid shard \`${shard.index}/${shard.count}\`: use i/n with 1 ≤ i ≤ n, such as \`1/3\``)
  }
  return sources.filter((_, position) => position % shard.count === shard.index - 1)
}

/** Parse `i/n` (as given to `--shard`); `undefined` when malformed. */
export function parseShard(value: string): Shard | undefined {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim())
  if (!match) return undefined
  const shard = {index: Number(match[1]), count: Number(match[2])}
  return shard.count >= 1 && shard.index >= 1 && shard.index <= shard.count ? shard : undefined
}
