/**
 * Generated covers, cached by what they are made from: a rebuild (or
 * watch-mode save) of an article whose title, date and publisher did not
 * change reuses its cover without setting its text (fontkit) or rasterising
 * it (resvg) again.
 */
import {createHash} from 'node:crypto'
import fs from 'node:fs/promises'
import {createRequire} from 'node:module'
import path from 'node:path'
import {writeAtomic} from '../output/write-atomic.js'
import {toolVersion} from '../core/version.js'

/** What the cover template shows (the template data of an article or a publication). */
export interface CoverData {
  lang: string
  /** `rtl` for a right-to-left language: the template sets its lines flush right. */
  dir?: string | undefined
  title: string
  subtitle?: string | undefined
  kicker?: string | undefined
  /** A book's period, shown where an article's kicker goes. */
  period?: string | undefined
  publisher?: string | undefined
  authors?: string | undefined
  dateText?: string | undefined
}

/** Cover PNGs by key (`coverKey`, or the filled SVG when there is none). */
export interface CoverCache {
  get(key: string): Promise<Uint8Array | undefined>
  set(key: string, png: Uint8Array): Promise<void>
}

const require = createRequire(import.meta.url)
// What else decides the pixels: the rasteriser's version and ours (the template and the
// data are in the key; system fonts, for characters the shipped fonts lack, are not).
const salt = [toolVersion, 'resvg', (require('@resvg/resvg-js/package.json') as {version: string}).version].join('\n')

/**
 * The key of a cover made by the template known as `template` (see
 * `Templates.coverKey`) from `data`, all of which the template may show (an
 * article's or a publication's template data; functions are left out);
 * `undefined` when the template has no such key (then the filled SVG is
 * the key).
 */
export function coverKey(template: string | undefined, data: CoverData): string | undefined {
  return template === undefined ? undefined : `template ${template}\n${JSON.stringify(data)}`
}

/**
 * A cache in memory, and in `dir` on disk when given (a cache that cannot be
 * read or written is skipped: it only saves time). `code` names the code
 * that sets and draws the text (the build cache's code fingerprint): a key
 * made from the data alone must change with it.
 */
export function createCoverCache(dir: string | undefined, code = ''): CoverCache {
  const memory = new Map<string, Uint8Array>()
  const keyOf = (key: string) => createHash('sha256').update(salt).update('\0').update(code).update('\0').update(key).digest('hex')
  return {
    async get(key) {
      const hashed = keyOf(key)
      const known = memory.get(hashed)
      if (known || !dir) return known
      try {
        const png = new Uint8Array(await fs.readFile(path.join(dir, `${hashed}.png`)))
        memory.set(hashed, png)
        return png
      } catch {
        return undefined
      }
    },
    async set(key, png) {
      const hashed = keyOf(key)
      memory.set(hashed, png)
      if (dir) await writeAtomic(path.join(dir, `${hashed}.png`), png).catch(() => {})
    }
  }
}
