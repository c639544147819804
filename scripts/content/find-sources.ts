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
    let stat
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
