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
 * List sources for `inputs` (files or folders, relative to `root`; default
 * `content`). Output names that would collide get a numeric suffix so that no
 * output overwrites another.
 *
 * Every input is checked by its real path (symlinks followed), like images:
 * one outside the project root (`../notes.md`, or a symlink in the project
 * that points out of it) is refused, so no file from elsewhere on the machine
 * is read into an output. Folder scans skip symlinks and dot files, so what
 * they find stays inside. Publications select from this list (see
 * `selectPublication`), so config globs and listed files are bound the same way.
 *
 * Throws a `SourcePathError` (a usage error, meant for exit status 2) whose
 * message names the input and says what to do, when an input does not exist
 * or is outside the project root; nothing of such a file is read.
 */
export async function findSources(root: string, inputs: readonly string[]): Promise<SourceEntry[]> {
  const files: string[] = []
  for (const input of inputs.length > 0 ? inputs : ['content']) {
    const absolute = path.resolve(root, input)
    let stat: Awaited<ReturnType<typeof fs.stat>>
    try {
      stat = await fs.stat(absolute)
    } catch (error) {
      throw new SourcePathError(input, `Cannot find \`${input}\`: pass a Markdown file or a folder that exists`, {cause: error})
    }
    await assertInside(root, input, absolute)
    if (stat.isDirectory()) {
      const entries = await fs.readdir(absolute, {recursive: true, withFileTypes: true})
      for (const entry of entries) {
        // A symlink's entry is no file (`isFile()` does not follow it), and symlinked folders are not entered.
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
 * A source path that cannot be built: missing, or outside the project root.
 * A usage error (the path is wrong, not the content); `input` is the path as given.
 */
export class SourcePathError extends Error {
  override name = 'SourcePathError'
  /** The input as given (relative to the root, or absolute). */
  readonly input: string

  constructor(input: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.input = input
  }
}

/** Throw unless the real path of `absolute` (given as `input`) is inside the real path of `root`. */
async function assertInside(root: string, input: string, absolute: string): Promise<void> {
  const [realRoot, real] = await Promise.all([fs.realpath(root), fs.realpath(absolute)])
  if (real === realRoot || real.startsWith(realRoot + path.sep)) return
  throw new SourcePathError(input, `Source \`${input}\` is outside the project root \`${root}\` (following symlinks): copy it into the project, or build from a folder that contains it`)
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
