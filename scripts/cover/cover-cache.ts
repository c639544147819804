/**
 * Generated covers, cached by what they show (the filled SVG): a rebuild (or
 * watch-mode save) of an article whose title, date and publisher did not
 * change reuses its cover instead of rasterising it again.
 */
import {createHash} from 'node:crypto'
import fs from 'node:fs/promises'
import {createRequire} from 'node:module'
import path from 'node:path'
import {writeAtomic} from '../output/write-atomic.js'
import {toolVersion} from '../core/version.js'

/** Covers by the SVG they were rendered from. */
export interface CoverCache {
  get(svg: string): Promise<Uint8Array | undefined>
  set(svg: string, png: Uint8Array): Promise<void>
}

const require = createRequire(import.meta.url)
// What else decides the pixels: the rasteriser's version and ours (templates and glyph
// outlines are in the SVG; system fonts, for characters the shipped fonts lack, are not).
const salt = [toolVersion, 'resvg', (require('@resvg/resvg-js/package.json') as {version: string}).version].join('\n')

/**
 * A cache in memory, and in `dir` on disk when given (a cache that cannot be
 * read or written is skipped: it only saves time).
 */
export function createCoverCache(dir: string | undefined): CoverCache {
  const memory = new Map<string, Uint8Array>()
  const keyOf = (svg: string) => createHash('sha256').update(salt).update('\0').update(svg).digest('hex')
  return {
    async get(svg) {
      const key = keyOf(svg)
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
    async set(svg, png) {
      const key = keyOf(svg)
      memory.set(key, png)
      if (dir) await writeAtomic(path.join(dir, `${key}.png`), png).catch(() => {})
    }
  }
}
