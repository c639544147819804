/**
 * Generated covers, cached by what they show: a rebuild (or watch-mode save)
 * of an article whose title, date and publisher did not change reuses its
 * cover, and an EPUB-only build with all covers cached never starts a browser.
 */
import {createHash} from 'node:crypto'
import fs from 'node:fs/promises'
import {createRequire} from 'node:module'
import path from 'node:path'
import {writeAtomic} from '../output/write-atomic.js'
import {toolVersion} from '../version.js'

/** Covers by the HTML they were rendered from. */
export interface CoverCache {
  get(html: string): Promise<Uint8Array | undefined>
  set(html: string, png: Uint8Array): Promise<void>
}

const require = createRequire(import.meta.url)
// What else decides the pixels: the fonts' versions and ours (templates are in the HTML).
const salt = [
  toolVersion,
  ...['source-serif-4', 'source-sans-3'].map((name) => (require(`@fontsource/${name}/package.json`) as {version: string}).version)
].join('\n')

/**
 * A cache in memory, and in `dir` on disk when given (a cache that cannot be
 * read or written is skipped: it only saves time).
 */
export function createCoverCache(dir: string | undefined): CoverCache {
  const memory = new Map<string, Uint8Array>()
  const keyOf = (html: string) => createHash('sha256').update(salt).update('\0').update(html).digest('hex')
  return {
    async get(html) {
      const key = keyOf(html)
      const known = memory.get(key)
      if (known || !dir) return known
      try {
        const png = new Uint8Array(await fs.readFile(path.join(dir, `${key}.png`)))
        memory.set(key, png)
        return png
      } catch {
        return undefined
      }
    },
    async set(html, png) {
      const key = keyOf(html)
      memory.set(key, png)
      if (dir) await writeAtomic(path.join(dir, `${key}.png`), png).catch(() => {})
    }
  }
}
