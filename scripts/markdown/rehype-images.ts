/**
 * Resolve the body's images by our own code: local files only, inside the
 * project, type checked by content (`content/load-image.ts`), SVG sanitised. The rendered HTML then refers to
 * `assets/<hash>.<ext>`, which only our request handler and EPUB packager
 * can answer. Remote images are never fetched: the alt text stands in.
 */
import fs from 'node:fs'
import path from 'node:path'
import type {Element, ElementContent, Root} from 'hast'
import {visit} from 'unist-util-visit'
import type {VFile} from 'vfile'
import {recordRead} from '../content/file-reads.js'
import {loadImage} from '../content/load-image.js'
import type {Asset} from '../core/types.js'

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

const origin = 'handout:images'

/** Resolve local images into `file.data.assets`; replace unusable ones by their alt text. */
export default function rehypeImages(options: Options) {
  const maxBytes = options.maxBytes ?? 20 * 1024 * 1024
  const maxPixels = options.maxPixels ?? 50_000_000
  const realRoot = fs.realpathSync(options.root)

  return (tree: Root, file: VFile) => {
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

      const loaded = loadImage(src, base, realRoot, {maxBytes, maxPixels})
      recordRead(file, loaded.read?.path, loaded.read?.bytes)
      if (!loaded.ok) return fail(loaded.reason, loaded.ruleId)
      if (loaded.removed.length > 0) {
        file.message(`Removed from SVG image \`${src}\`: ${loaded.removed.join(', ')} (images draw, they do not run or load anything)`, {place, ruleId: 'svg-sanitized', source: origin})
      }
      const {href} = loaded.asset
      assets.set(href, loaded.asset)
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

    // A `<picture>` whose image was replaced by its alt text holds only `<source>`s and
    // that text, which XHTML forbids (epubcheck RSC-005): the text takes its place.
    visit(tree, 'element', (node, index, parent) => {
      if (node.tagName !== 'picture' || !parent || index === undefined) return
      if (node.children.some((child) => child.type === 'element' && child.tagName === 'img')) return
      const kept = node.children.filter((child) => !(child.type === 'element' && child.tagName === 'source'))
      parent.children.splice(index, 1, ...kept)
      return index
    })
  }
}
