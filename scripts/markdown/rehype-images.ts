/**
 * Resolve the body's images by our own code: local files only, inside the
 * project, type checked by content. The rendered HTML then refers to
 * `assets/<hash>.<ext>`, which only our request handler and EPUB packager
 * can answer. Remote images are never fetched: the alt text stands in.
 */
import {createHash} from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type {Element, ElementContent, Root} from 'hast'
import {visit} from 'unist-util-visit'
import type {VFile} from 'vfile'
import {imageExtensions, imageSize, sniffImage} from '../content/sniff-image.js'
import type {Asset} from '../model/types.js'

declare module 'vfile' {
  interface DataMap {
    /** Images of the body by `href` (set by `rehypeImages`). */
    assets: globalThis.Map<string, Asset>
  }
}

/** Options of `rehypeImages`. */
export interface Options {
  /** Project root; no image may resolve outside it (required). */
  root: string
  /** Largest image accepted, in bytes (default: 20 MiB). */
  maxBytes?: number
  /**
   * Most pixels an image may have, as its header states (default: 50 million,
   * about 200 MB decoded). Stops decompression bombs before a decoder sees them.
   */
  maxPixels?: number
}

/** Longest side Chromium's rasteriser (Skia) accepts, in pixels. */
const maxSide = 32_767

const origin = 'handout:images'

/** Resolve local images into `file.data.assets`; replace unusable ones by their alt text. */
export default function rehypeImages(options: Options) {
  const maxBytes = options.maxBytes ?? 20 * 1024 * 1024
  const maxPixels = options.maxPixels ?? 50_000_000
  const realRoot = fs.realpathSync(options.root)

  return function (tree: Root, file: VFile) {
    const assets = new Map<string, Asset>()
    file.data.assets = assets
    const base = file.path ? path.dirname(file.path) : realRoot

    visit(tree, 'element', (node, index, parent) => {
      if (node.tagName !== 'img' || !parent || index === undefined) return
      const place = node.position
      const src = typeof node.properties.src === 'string' ? node.properties.src : ''
      const alt = typeof node.properties.alt === 'string' ? node.properties.alt.trim() : ''
      const replaceWithAlt = () => {
        const stand: ElementContent = {type: 'element', tagName: 'span', properties: {className: ['image-missing']}, children: [{type: 'text', value: alt ? `[${alt}]` : '[image]'}]}
        parent.children[index] = stand
      }
      const fail = (reason: string, ruleId: string) => {
        file.message(reason, {place, ruleId, source: origin}).fatal = true
        replaceWithAlt()
      }

      if (!alt) {
        file.message('Image has no alt text: describe it in `![…](…)` for readers who cannot see it', {place, ruleId: 'image-alt', source: origin})
      }
      if (!src) return fail('Image has no usable source: use a relative path to an image inside the project (other URL schemes are removed)', 'image-src')
      if (/^[a-z][a-z0-9+.-]*:/i.test(src) || src.startsWith('//')) {
        if (/^https?:|^\/\//i.test(src)) {
          file.message(`Remote image \`${src}\` is not fetched (builds are offline); its alt text is shown instead`, {place, ruleId: 'image-remote', source: origin})
          replaceWithAlt()
          return
        }
        return fail(`Image URL \`${src}\` is not allowed: use a path to a file inside the project`, 'image-protocol')
      }

      let decoded: string
      try {
        decoded = decodeURIComponent(src.replace(/[?#].*$/, ''))
      } catch {
        return fail(`Image path \`${src}\` is not a valid URL path`, 'image-path')
      }
      if (/%[0-9a-f]{2}/i.test(decoded) || decoded.includes('\0')) {
        return fail(`Image path \`${src}\` is encoded twice: write the plain path`, 'image-path')
      }
      if (path.isAbsolute(decoded) || decoded.startsWith('/')) {
        return fail(`Image path \`${src}\` is absolute: use a path relative to the Markdown file`, 'image-outside')
      }

      let real: string
      try {
        real = fs.realpathSync(path.resolve(base, decoded))
      } catch {
        return fail(`Cannot find image \`${src}\` (looked for \`${path.relative(realRoot, path.resolve(base, decoded))}\`)`, 'image-missing')
      }
      if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
        return fail(`Image \`${src}\` is outside the project: copy it into the project folder`, 'image-outside')
      }

      let data: Uint8Array
      try {
        const stat = fs.statSync(real)
        if (!stat.isFile()) return fail(`Image \`${src}\` is not a file`, 'image-missing')
        if (stat.size > maxBytes) return fail(`Image \`${src}\` is ${stat.size} bytes, over the limit of ${maxBytes}`, 'image-too-large')
        data = fs.readFileSync(real)
      } catch (error) {
        return fail(`Cannot read image \`${src}\`: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'image-unreadable')
      }

      const mediaType = sniffImage(data)
      if (!mediaType) return fail(`\`${src}\` is not a PNG, JPEG, GIF or WebP image (checked by its content)`, 'image-type')
      if (mediaType === 'image/svg+xml') {
        return fail(`SVG image \`${src}\` is not supported yet: convert it to PNG`, 'image-type')
      }
      const size = imageSize(data, mediaType)
      if (!size || size.width === 0 || size.height === 0) {
        return fail(`Cannot read the size of image \`${src}\`: the file is truncated or damaged`, 'image-type')
      }
      if (size.width * size.height > maxPixels || size.width > maxSide || size.height > maxSide) {
        return fail(
          `Image \`${src}\` is ${size.width} × ${size.height} pixels, over the limit of ${maxPixels / 1e6} million pixels and ${maxSide} per side: scale it down`,
          'image-too-large'
        )
      }

      const hash = createHash('sha256').update(data).digest('hex').slice(0, 16)
      const href = `assets/${hash}.${imageExtensions[mediaType]}`
      assets.set(href, {href, mediaType, data, source: real})
      node.properties.src = href
      if (!alt) node.properties.alt = ''

      // `![alt](src "Caption")` alone in a paragraph becomes a figure with a caption.
      const title = typeof node.properties.title === 'string' ? node.properties.title : ''
      if (title && parent.type === 'element' && parent.tagName === 'p' && parent.children.every((child) => child === node || (child.type === 'text' && !child.value.trim()))) {
        delete node.properties.title
        const caption: Element = {type: 'element', tagName: 'figcaption', properties: {}, children: [{type: 'text', value: title}]}
        parent.tagName = 'figure'
        parent.properties = {}
        parent.children = [node, caption]
        return 'skip'
      }
    })
  }
}
