import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Tests that run the CLI run the compiled one (bin/handout.js): compile first when scripts/ changed.
    globalSetup: ['tests/support/compile-if-stale.mjs'],
    // PDF and EPUB tests share one Chromium and run epubcheck (a JVM): keep them sequential.
    fileParallelism: false,
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', ['json', {outputFile: '.cache/vitest-report.json'}]],
    testTimeout: 120_000,
    hookTimeout: 120_000
  }
})
