/**
 * Which sources make up a publication: an explicit list in reading order, or
 * a glob over the project's sources (sorted later, once dates are known).
 */
import path from 'node:path'
import {braceExpand, Minimatch} from 'minimatch'
import {maxGlobLength, type WrittenPublication} from '../config/schema.js'
import type {SourceEntry} from './find-sources.js'

/** A publication's sources, or the problems that stop it. */
export interface SelectedSources {
  sources: SourceEntry[]
  /** Listed files that are not among the project's sources. */
  missing: string[]
  /** Listed files listed again (the book has each once, where first listed). */
  repeated: string[]
}

/**
 * Select the sources of `publication` from `all` (every source of the
 * project, as `findSources` found them: real paths inside the root, so
 * neither a glob nor a listed file can reach outside it). Paths and globs are
 * relative to `root`. Throws a `RangeError` naming the publication when its
 * glob is too long (the config schema refuses it first) or expands to too
 * many alternatives (see `globMatcher`).
 */
export function selectPublication(publication: Pick<WrittenPublication, 'name' | 'sources'>, all: readonly SourceEntry[], root: string): SelectedSources {
  const byPath = new Map(all.map((source) => [source.path, source]))
  if (typeof publication.sources === 'string') {
    const matches = globMatcher(publication.sources, `the \`sources\` glob of publication \`${publication.name}\``)
    const sources = all.filter((source) => matches(toPosix(path.relative(root, source.path))))
    return {sources, missing: [], repeated: []}
  }
  const sources: SourceEntry[] = []
  const missing: string[] = []
  const repeated: string[] = []
  for (const listed of publication.sources) {
    const source = byPath.get(path.resolve(root, listed))
    if (!source) missing.push(listed)
    else if (sources.includes(source)) repeated.push(listed)
    else sources.push(source)
  }
  return {sources, missing, repeated}
}

/** At most this many patterns from `{a,b}` alternatives: a real glob has a handful. */
const maxBraceExpansions = 1000

/**
 * A test for POSIX paths relative to the root against `glob` (`*`, `**`, `?`,
 * `[…]`, `{a,b}`, extglobs; a leading `./` is ignored). minimatch (11 and
 * later) matches without regular expressions, so no pattern backtracks;
 * `what` names the pattern in the `RangeError` thrown when it is longer than
 * `maxGlobLength` characters or its `{a,b}` alternatives expand to more than
 * a thousand patterns.
 */
export function globMatcher(glob: string, what: string): (file: string) => boolean {
  if (glob.length > maxGlobLength) {
    throw new RangeError(`Glob too long: ${what} has ${glob.length} characters, at most ${maxGlobLength} are allowed; list the files or use a shorter pattern`)
  }
  // minimatch would match only the first alternatives of a larger expansion: refuse rather than miss articles.
  if (braceExpand(glob, {braceExpandMax: maxBraceExpansions + 1}).length > maxBraceExpansions) {
    throw new RangeError(`Glob too large: ${what} expands to more than ${maxBraceExpansions} patterns through its \`{…}\` alternatives; list the files or use fewer alternatives`)
  }
  const matcher = new Minimatch(glob.replace(/^\.\//, ''), {
    // Dot folders were matched before minimatch; findSources already leaves out dot files.
    dot: true,
    // A `!` or `#` at the start is part of a file name, as it always was here.
    nonegate: true,
    nocomment: true,
    braceExpandMax: maxBraceExpansions
  })
  return (file) => matcher.match(file)
}

function toPosix(value: string): string {
  return value.split(path.sep).join('/')
}
