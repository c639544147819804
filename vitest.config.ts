import {defineConfig} from 'vitest/config'
import LongestFirstSequencer from './tests/support/sequencer.js'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Tests that run the CLI run the compiled one (bin/handout.js): compile first when scripts/ changed.
    globalSetup: ['tests/support/compile-if-stale.mjs'],
    // Two files at a time, one per core: most of a browser test's time is waiting on
    // Chromium, epubcheck's JVM or the CLI's process, which the other file fills.
    // Files are independent: each has its own temp projects, Chromium and ports, and
    // finds its own processes by parent or environment, never by name.
    fileParallelism: true,
    maxWorkers: 2,
    // Longest files first (see the sequencer), so no long file starts last and runs alone.
    sequence: {sequencer: LongestFirstSequencer},
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', ['json', {outputFile: '.cache/vitest-report.json'}]],
    // Generous: two files share two cores, and a test that builds a book prints it
    // several times; a hang still fails, after five minutes.
    testTimeout: 300_000,
    hookTimeout: 300_000
  }
})
