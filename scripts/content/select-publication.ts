/**
 * Which sources make up a publication: an explicit list in reading order, or
 * a glob over the project's sources (sorted later, once dates are known).
 */
import path from 'node:path'
import type {Publication} from '../config/schema.js'
import type {SourceEntry} from './find-sources.js'

/** A publication's sources, or the problems that stop it. */
export interface SelectedSources {
  sources: SourceEntry[]
  /** Listed files that are not among the project's sources. */
  missing: string[]
}

/**
 * Select the sources of `publication` from `all` (every source of the
 * project). Paths and globs are relative to `root`.
 */
export function selectPublication(publication: Publication, all: readonly SourceEntry[], root: string): SelectedSources {
  const byPath = new Map(all.map((source) => [source.path, source]))
  if (typeof publication.sources === 'string') {
    const pattern = globToRegExp(publication.sources.replace(/^\.\//, ''))
    const sources = all.filter((source) => pattern.test(toPosix(path.relative(root, source.path))))
    return {sources, missing: []}
  }
  const sources: SourceEntry[] = []
  const missing: string[] = []
  for (const listed of publication.sources) {
    const source = byPath.get(path.resolve(root, listed))
    if (source) sources.push(source)
    else missing.push(listed)
  }
  return {sources, missing}
}

/** A glob (`*`, `**`, `?`, `{a,b}`) as a regular expression over POSIX paths. */
export function globToRegExp(glob: string): RegExp {
  let pattern = ''
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index]!
    if (char === '*' && glob[index + 1] === '*') {
      const slash = glob[index + 2] === '/'
      pattern += slash ? '(?:[^/]*/)*' : '.*'
      index += slash ? 2 : 1
    } else if (char === '*') pattern += '[^/]*'
    else if (char === '?') pattern += '[^/]'
    else if (char === '{') {
      const end = glob.indexOf('}', index)
      if (end === -1) pattern += '\\{'
      else {
        pattern += `(?:${glob
          .slice(index + 1, end)
          .split(',')
          .map(escape)
          .join('|')})`
        index = end
      }
    } else pattern += escapeRegExp(char)
  }
  return new RegExp(`^${pattern}$`)
}

function escapeRegExp(value: string): string {
  return value.replace(/[.+^${}()|[\]\\]/g, '\\$&')
}

function toPosix(value: string): string {
  return value.split(path.sep).join('/')
}
