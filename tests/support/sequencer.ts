/**
 * Test file order for `vitest run`: longest first, so that on two workers the
 * long files start at once and the short ones fill the gaps at the end (a long
 * file started last would run alone and set the wall time).
 *
 * Vitest's own sequencer already orders by the durations it cached on earlier
 * runs (node_modules/.vite/vitest/). A clean clone (CI: `npm ci`) has no such
 * cache, and vitest then runs the largest files first, which puts a big file of
 * fast unit tests before a small one that prints PDFs. So files vitest has no
 * duration for are weighed by what they do: files that print with Chromium,
 * run the CLI, pack the package or run epubcheck or Ace come before the others,
 * larger first; the few files known to take minutes come first of all.
 */
import fs from 'node:fs'
import path from 'node:path'
import {BaseSequencer, type TestSpecification} from 'vitest/node'

/** What makes a test file slow: a browser, a child process of the CLI, npm, the JVM, Ace. */
const heavy = /\.slow\.test\.ts$|\bbuild\(|bin\/handout|epubcheck|EpubCheckBatch|\bace\(|npm\(|launchBrowser|watch\(/

/**
 * Files that take minutes on a 2-core machine (spec-suites: 7 books of 100+
 * chapters; security: 33 hostile builds; cli: a CLI process and a browser per
 * call; book: Ace by DAISY on five EPUBs), longest first: on a clean clone they
 * must not start after the others. A name that no longer exists matches nothing.
 */
const knownLong = ['tests/spec-suites.slow.test.ts', 'tests/security.test.ts', 'tests/cli.slow.test.ts', 'tests/book.slow.test.ts']

/** Order: files with a cached duration, longest first; then files without one, heavy ones first. */
export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cache = this.ctx.cache
    const weight = (spec: TestSpecification): number => {
      const key = `${spec.project.name}:${path.relative(this.ctx.config.root, spec.moduleId)}`
      const cached = cache.getFileTestResults(key)
      if (cached && !cached.failed && cached.duration > 0) return cached.duration
      // No duration known (or it failed early, so its duration says nothing): estimate
      // from the source, in the same unit (ms) as a guess of a file's real cost.
      const known = knownLong.indexOf(path.relative(this.ctx.config.root, spec.moduleId))
      if (known !== -1) return 600_000 - known
      const source = fs.readFileSync(spec.moduleId, 'utf8')
      return (heavy.test(spec.moduleId) || heavy.test(source) ? 60_000 : 1000) + source.length / 10
    }
    const weights = new Map(files.map((spec) => [spec, weight(spec)]))
    return [...files].sort((a, b) => weights.get(b)! - weights.get(a)!)
  }
}
