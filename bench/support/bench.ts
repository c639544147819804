/**
 * What every case shares: where things are, the run's settings, the compiled
 * CLI it drives, the corpus, and the notes that end the report.
 */
import fs from 'node:fs'
import path from 'node:path'
import type {Corpus} from '../corpus.js'

/** The repository's root. */
export const root = path.resolve(import.meta.dirname, '..', '..')
/** Everything generated (ignored by git). */
export const scratch = path.join(root, 'bench', 'scratch')
export const rel = (file: string) => path.relative(root, file)
export const log = (line: string) => process.stderr.write(line + '\n')
/** The sample article of case (a). */
export const sample = path.join(root, 'content', 'is-k-resurgence.md')
export const node = process.execPath

/** One benchmark run. */
export interface Bench {
  started: Date
  /** Articles in the corpus; runs of each sample command; runs of each batch command. */
  articles: number
  runs: number
  batchRuns: number
  /** (d): edits of the sample, and of one article of the book. */
  edits: number
  bookEdits: number
  /** Run md-to-pdf, Vivliostyle and pandoc; install them when missing. */
  peers: boolean
  install: boolean
  chromium: string
  isRoot: boolean
  /** `bin/handout.js` of the compiled snapshot (what `npm install` gives). */
  bin: string
  /** `--baseline`: another compiled copy's `bin/handout.js`. */
  baseline?: string | undefined
  corpus: Corpus
  /** Lines of the report's Notes section. */
  notes: string[]
}

/** A fresh, empty output folder for run `n` of the command labelled `label`. */
export function outDir(label: string, n: number): string {
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
  const dir = path.join(scratch, 'out', slug, String(n))
  fs.rmSync(dir, {recursive: true, force: true})
  fs.mkdirSync(dir, {recursive: true})
  return dir
}

/** A project of its own with `files` in `content/` and `config` as its `handout.config.yaml`. */
export function writeProject(dir: string, files: string[], config: string[]): void {
  fs.rmSync(dir, {recursive: true, force: true})
  fs.mkdirSync(path.join(dir, 'content'), {recursive: true})
  for (const file of files) fs.copyFileSync(file, path.join(dir, 'content', path.basename(file)))
  fs.writeFileSync(path.join(dir, 'handout.config.yaml'), [...config, ''].join('\n'))
}

/** The templates a build uses: a `--baseline` copy's own (`baseline` is its `bin/handout.js`) when it has them, else the repository's. */
export function templatesOf(baseline: string | undefined): string {
  const own = baseline === undefined ? undefined : path.join(path.dirname(path.dirname(baseline)), 'templates')
  return own !== undefined && fs.existsSync(own) ? own : path.join(root, 'templates')
}

/**
 * `items` in the order of round `round` of an interleaved comparison:
 * forwards in even rounds, backwards in odd ones (A B, B A, …), so that none
 * always runs first (the first of a pair measured 3 to 7 % more CPU).
 */
export function inTurn<T>(items: readonly T[], round: number): T[] {
  return round % 2 === 0 ? [...items] : [...items].reverse()
}
