import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // PDF and EPUB tests share one Chromium and run epubcheck (a JVM): keep them sequential.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000
  }
})
