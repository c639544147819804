/**
 * Make an SVG image safe to embed: parse it as XML and keep only drawing
 * elements and attributes from an allowlist. No scripts, event handlers,
 * `<foreignObject>`, external references (`href` only to `#fragments`,
 * `url()` only to `url(#id)`), or elements of other vocabularies (editors'
 * metadata). CSS (`<style>`, `style=""`, presentation attributes such as
 * `fill`) is read with a CSS parser and reduced to drawing properties
 * (`sanitize-svg-css.ts`), so escapes cannot hide `url()` or `@import`. What
 * was removed is reported.
 */
import type {Element, ElementContent, Root} from 'xast'
import {fromXml} from 'xast-util-from-xml'
import {toXml} from 'xast-util-to-xml'
import {cleanStyleAttribute, cleanStyleSheet, isPresentationAttribute, safePresentationValue} from './sanitize-svg-css.js'

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
  const svg = cleanElement(root, removed)!

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

/** `element` with only allowed elements and attributes, or `undefined` when it goes entirely. */
function cleanElement(element: Element, removed: Set<string>): Element | undefined {
  if (!elements.has(element.name)) {
    removed.add(`<${element.name}>`)
    return undefined
  }
  const attributes = cleanAttributes(element, removed)
  if (element.name === 'style') {
    const style = cleanStyleElement(element, removed)
    return style ? {type: 'element', name: 'style', attributes, children: [{type: 'text', value: style}]} : undefined
  }
  const children: ElementContent[] = []
  for (const child of element.children) {
    if (child.type === 'element') {
      const cleaned = cleanElement(child, removed)
      if (cleaned) children.push(cleaned)
    } else if (child.type === 'text' || child.type === 'cdata') {
      children.push({type: 'text', value: child.value})
    }
    // Comments and processing instructions are dropped.
  }
  return {type: 'element', name: element.name, attributes, children}
}

/** The allowed attributes of `element` whose values load nothing. */
function cleanAttributes(element: Element, removed: Set<string>): Element['attributes'] {
  const kept: Element['attributes'] = {}
  for (const [name, value] of Object.entries(element.attributes)) {
    if (value === null || value === undefined) continue
    const text = String(value)
    if (!attributes.has(name)) {
      removed.add(/^on/i.test(name) ? name : `\`${name}\``)
    } else if (name === 'href' || name === 'xlink:href') {
      if (text.startsWith('#')) kept[name] = text
      else removed.add('external `href`')
    } else if (name === 'style') {
      const style = cleanStyleAttribute(text)
      for (const item of style.removed) removed.add(item)
      if (style.css !== '') kept[name] = style.css
    } else if (isPresentationAttribute(name) ? safePresentationValue(name, text) : safeText(name, text)) {
      kept[name] = text
    } else {
      removed.add(`\`${name}\` with url(), image-set() or a CSS escape`)
    }
  }
  return kept
}

/**
 * The CSS of a `<style>` element, cleaned, or `undefined` when nothing is
 * left. Browsers join its text and CDATA children (comments between them
 * vanish), so they are joined before parsing; markup inside is dropped.
 */
function cleanStyleElement(element: Element, removed: Set<string>): string | undefined {
  let text = ''
  for (const child of element.children) {
    if (child.type === 'text' || child.type === 'cdata') text += child.value
    else if (child.type === 'element') removed.add(`<${child.name}> in <style>`)
  }
  const style = cleanStyleSheet(text)
  for (const item of style.removed) removed.add(item)
  return style.css === '' ? undefined : style.css
}

/**
 * An attribute that is no CSS property (`d`, `offset`, `in`…): no `url()` but
 * `url(#id)`, no `@import`, and no backslash (never part of a drawing, and a
 * CSS escape should an engine read it as CSS), but in the text of `aria-label`.
 */
function safeText(name: string, text: string): boolean {
  return safeCss(text) && (name === 'aria-label' || !text.includes('\\'))
}

/** Text with no `@import` and no `url()` other than `url(#id)`. */
function safeCss(text: string): boolean {
  if (/@import|expression\s*\(|javascript:/i.test(text)) return false
  for (const match of text.matchAll(/url\s*\(\s*(['"]?)([^'")]*)\1\s*\)/gi)) {
    if (!match[2]!.startsWith('#')) return false
  }
  return true
}
