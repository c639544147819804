/**
 * Load an image file named by content (an `![](…)` path, a `cover:`): by our
 * own code, relative to the file that names it, inside the project (real path,
 * symlinks followed), checked by its bytes and size. SVG is sanitised.
 */
import fs from 'node:fs'
import path from 'node:path'
import type {Asset} from '../core/types.js'
import {digest} from './file-reads.js'
import {sanitizeSvg} from './sanitize-svg.js'
import {imageExtensions, imageSize, sniffImage} from './sniff-image.js'

/** Limits of `loadImage`. */
export interface ImageLimits {
  /** Largest file, in bytes (default: 20 MiB). */
  maxBytes?: number
  /**
   * Most pixels a raster image may have, as its header states (default: 50
   * million, about 200 MB decoded): stops decompression bombs before a decoder sees them.
   */
  maxPixels?: number
  /** Media types accepted (default: PNG, JPEG, GIF, WebP and SVG). */
  accept?: readonly string[]
}

/** A loaded image, or why it cannot be used (a message reason and rule). */
export type LoadedImage = ({ok: true; asset: Asset; removed: string[]} | {ok: false; reason: string; ruleId: string}) & {
  /** The file it looked at (resolved, not followed) and the bytes read there, for the build cache (`file-reads.ts`). */
  read?: {path: string; bytes?: Uint8Array}
}

/** Longest side Chromium's rasteriser (Skia) accepts, in pixels. */
const maxSide = 32_767
const allTypes = [...Object.keys(imageExtensions), 'image/svg+xml']
const names: Record<string, string> = {'image/png': 'PNG', 'image/jpeg': 'JPEG', 'image/gif': 'GIF', 'image/webp': 'WebP', 'image/svg+xml': 'SVG'}

/** Load `src` (a relative path, percent-encoding allowed once) from `base` inside `root`. */
export function loadImage(src: string, base: string, root: string, limits: ImageLimits = {}): LoadedImage {
  const maxBytes = limits.maxBytes ?? 20 * 1024 * 1024
  const maxPixels = limits.maxPixels ?? 50_000_000
  const accept = limits.accept ?? allTypes
  let read: LoadedImage['read']
  const fail = (reason: string, ruleId: string): LoadedImage => ({ok: false, reason, ruleId, ...(read ? {read} : {})})
  const realRoot = fs.realpathSync(root)

  let decoded: string
  try {
    decoded = decodeURIComponent(src.replace(/[?#].*$/, ''))
  } catch {
    return fail(`Image path \`${src}\` is not a valid URL path`, 'image-path')
  }
  if (/%[0-9a-f]{2}/i.test(decoded) || decoded.includes('\0')) return fail(`Image path \`${src}\` is encoded twice: write the plain path`, 'image-path')
  if (path.isAbsolute(decoded) || decoded.startsWith('/')) return fail(`Image path \`${src}\` is absolute: use a path relative to the Markdown file`, 'image-outside')

  read = {path: path.resolve(base, decoded)}
  let real: string
  try {
    real = fs.realpathSync(read.path)
  } catch {
    return fail(`Cannot find image \`${src}\` (looked for \`${path.relative(realRoot, path.resolve(base, decoded))}\`)`, 'image-missing')
  }
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return fail(`Image \`${src}\` is outside the project: copy it into the project folder`, 'image-outside')

  let data: Uint8Array
  try {
    const stat = fs.statSync(real)
    if (!stat.isFile()) return fail(`Image \`${src}\` is not a file`, 'image-missing')
    if (stat.size > maxBytes) return fail(`Image \`${src}\` is ${stat.size} bytes, over the limit of ${maxBytes}`, 'image-too-large')
    data = fs.readFileSync(real)
    read.bytes = data
  } catch (error) {
    return fail(`Cannot read image \`${src}\`: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'image-unreadable')
  }

  const mediaType = sniffImage(data)
  if (!mediaType || !accept.includes(mediaType)) {
    return fail(`\`${src}\` is not ${list(accept.map((type) => names[type] ?? type))} image (checked by its content)`, 'image-type')
  }

  let removed: string[] = []
  if (mediaType === 'image/svg+xml') {
    try {
      const sanitized = sanitizeSvg(data)
      data = sanitized.svg
      removed = sanitized.removed
    } catch (error) {
      return fail(`SVG image \`${src}\` ${(error as Error).message}`, 'image-type')
    }
  } else {
    const size = imageSize(data, mediaType)
    if (!size || size.width === 0 || size.height === 0) return fail(`Cannot read the size of image \`${src}\`: the file is truncated or damaged`, 'image-type')
    if (size.width * size.height > maxPixels || size.width > maxSide || size.height > maxSide) {
      return fail(`Image \`${src}\` is ${size.width} × ${size.height} pixels, over the limit of ${maxPixels / 1e6} million pixels and ${maxSide} per side: scale it down`, 'image-too-large')
    }
  }

  const hash = digest(data).slice(0, 16)
  const href = `assets/${hash}.${mediaType === 'image/svg+xml' ? 'svg' : imageExtensions[mediaType]}`
  return {ok: true, asset: {href, mediaType, data, source: real}, removed, read}
}

function list(items: string[]): string {
  const article = /^[AEIOU]/.test(items[0] ?? '') ? 'an' : 'a'
  return `${article} ${items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`}`
}
