/**
 * Make an SVG image safe to embed: parse it as XML and keep only drawing
 * elements and attributes from an allowlist. No scripts, event handlers,
 * `<foreignObject>`, external references (`href` only to `#fragments`,
 * `url()` only to `url(#id)`), `@import`, or elements of other vocabularies
 * (editors' metadata). What was removed is reported.
 */
import type {Element, ElementContent, Root} from 'xast'
import {fromXml} from 'xast-util-from-xml'
import {toXml} from 'xast-util-to-xml'

const svgNamespace = 'http://www.w3.org/2000/svg'

const elements = new Set([
  'svg',
  'g',
  'defs',
  'symbol',
  'use',
  'title',
  'desc',
  'metadata',
  'style',
  'switch',
  'path',
  'rect',
  'circle',
  'ellipse',
  'line',
  'polyline',
  'polygon',
  'text',
  'tspan',
  'textPath',
  'linearGradient',
  'radialGradient',
  'stop',
  'pattern',
  'clipPath',
  'mask',
  'marker',
  'filter',
  'feBlend',
  'feColorMatrix',
  'feComponentTransfer',
  'feComposite',
  'feDropShadow',
  'feFlood',
  'feFuncA',
  'feFuncB',
  'feFuncG',
  'feFuncR',
  'feGaussianBlur',
  'feMerge',
  'feMergeNode',
  'feMorphology',
  'feOffset'
])

// Everything a drawing needs; not `on*`, not `xml:base`, not editors' namespaced attributes.
const attributes = new Set([
  'xmlns',
  'xmlns:xlink',
  'xml:space',
  'xml:lang',
  'lang',
  'id',
  'class',
  'style',
  'version',
  'role',
  'aria-label',
  'aria-hidden',
  'focusable',
  'viewBox',
  'preserveAspectRatio',
  'width',
  'height',
  'x',
  'y',
  'x1',
  'y1',
  'x2',
  'y2',
  'cx',
  'cy',
  'r',
  'rx',
  'ry',
  'fx',
  'fy',
  'fr',
  'd',
  'points',
  'pathLength',
  'transform',
  'href',
  'xlink:href',
  'fill',
  'fill-opacity',
  'fill-rule',
  'clip-rule',
  'clip-path',
  'clipPathUnits',
  'mask',
  'maskUnits',
  'maskContentUnits',
  'opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-linecap',
  'stroke-linejoin',
  'stroke-miterlimit',
  'stroke-dasharray',
  'stroke-dashoffset',
  'vector-effect',
  'paint-order',
  'shape-rendering',
  'color',
  'display',
  'visibility',
  'overflow',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'font-variant',
  'text-anchor',
  'dominant-baseline',
  'alignment-baseline',
  'baseline-shift',
  'letter-spacing',
  'word-spacing',
  'text-decoration',
  'dx',
  'dy',
  'rotate',
  'textLength',
  'lengthAdjust',
  'startOffset',
  'gradientUnits',
  'gradientTransform',
  'spreadMethod',
  'offset',
  'stop-color',
  'stop-opacity',
  'patternUnits',
  'patternContentUnits',
  'patternTransform',
  'markerWidth',
  'markerHeight',
  'markerUnits',
  'refX',
  'refY',
  'orient',
  'marker-start',
  'marker-mid',
  'marker-end',
  'filter',
  'filterUnits',
  'primitiveUnits',
  'in',
  'in2',
  'result',
  'mode',
  'type',
  'values',
  'stdDeviation',
  'operator',
  'k1',
  'k2',
  'k3',
  'k4',
  'radius',
  'flood-color',
  'flood-opacity',
  'tableValues',
  'slope',
  'intercept',
  'amplitude',
  'exponent',
  'color-interpolation-filters',
  'requiredFeatures',
  'systemLanguage'
])

// What a `<use>` may refer to.
const graphics = new Set(['svg', 'g', 'symbol', 'use', 'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'text'])

/** A sanitised SVG, and what was taken out of it. */
export interface SanitizedSvg {
  svg: Uint8Array
  /** Short descriptions such as `<script>` or `onload` (each once). */
  removed: string[]
}

/** Sanitise `data`; throws an `Error` with a reason when it is not well-formed SVG. */
export function sanitizeSvg(data: Uint8Array): SanitizedSvg {
  let tree: Root
  try {
    tree = fromXml(new TextDecoder('utf-8', {fatal: true}).decode(data).replace(/^\uFEFF/, ''))
  } catch (error) {
    throw new Error(`is not well-formed SVG (${String((error as Error).message).split('\n')[0]})`, {cause: error})
  }
  const root = tree.children.find((node): node is Element => node.type === 'element')
  if (root?.name !== 'svg') throw new Error('has no `<svg>` root element')

  const removed = new Set<string>()
  const clean = (element: Element): Element | undefined => {
    if (!elements.has(element.name)) {
      removed.add(`<${element.name}>`)
      return undefined
    }
    const kept: Element['attributes'] = {}
    for (const [name, value] of Object.entries(element.attributes)) {
      if (value === null || value === undefined) continue
      const text = String(value)
      if (!attributes.has(name)) {
        removed.add(/^on/i.test(name) ? name : `\`${name}\``)
        continue
      }
      if ((name === 'href' || name === 'xlink:href') && !text.startsWith('#')) {
        removed.add('external `href`')
        continue
      }
      if (!safeCss(text)) {
        removed.add(`\`${name}\` with url() or @import`)
        continue
      }
      kept[name] = text
    }
    const children: ElementContent[] = []
    for (const child of element.children) {
      if (child.type === 'element') {
        const cleaned = clean(child)
        if (cleaned) children.push(cleaned)
      } else if (child.type === 'text' || child.type === 'cdata') {
        if (element.name === 'style' && !safeCss(child.value)) {
          removed.add('<style> with url() or @import')
          continue
        }
        children.push({type: 'text', value: child.value})
      }
      // Comments and processing instructions are dropped.
    }
    return {type: 'element', name: element.name, attributes: kept, children}
  }

  const svg = clean(root)!

  // `<use>` may only show graphics (epubcheck RSC-014 rejects a `<use>` of a gradient, say).
  const kinds = new Map<string, string>()
  const collect = (element: Element) => {
    if (typeof element.attributes.id === 'string') kinds.set(element.attributes.id, element.name)
    for (const child of element.children) if (child.type === 'element') collect(child)
  }
  collect(svg)
  const dropBadUses = (element: Element) => {
    element.children = element.children.filter((child) => {
      if (child.type !== 'element') return true
      if (child.name === 'use') {
        const target = String(child.attributes.href ?? child.attributes['xlink:href'] ?? '').slice(1)
        if (!graphics.has(kinds.get(target) ?? '')) {
          removed.add('<use> of something that is not a graphic')
          return false
        }
      }
      dropBadUses(child)
      return true
    })
  }
  dropBadUses(svg)
  svg.attributes.xmlns = svgNamespace
  if (Object.values(svg.attributes).length > 0 && JSON.stringify(svg).includes('xlink:href')) svg.attributes['xmlns:xlink'] = 'http://www.w3.org/1999/xlink'
  const xml = '<?xml version="1.0" encoding="UTF-8"?>\n' + toXml({type: 'root', children: [svg]})
  return {svg: new TextEncoder().encode(xml), removed: [...removed]}
}

/** CSS (or an attribute value) with no `@import` and no `url()` other than `url(#id)`. */
function safeCss(text: string): boolean {
  if (/@import|expression\s*\(|javascript:/i.test(text)) return false
  for (const match of text.matchAll(/url\s*\(\s*(['"]?)([^'")]*)\1\s*\)/gi)) {
    if (!match[2]!.startsWith('#')) return false
  }
  return true
}
