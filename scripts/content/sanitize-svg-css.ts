/**
 * CSS inside SVG images, reduced to drawing: `<style>` sheets, `style=""`
 * attributes and presentation attributes (`fill="…"`, which browsers parse as
 * CSS too). A real CSS parser (css-tree) reads them; only rules with simple
 * selectors and declarations of drawing properties survive, and a value may
 * hold only plain tokens: keywords, numbers, colours, a few functions, and
 * `url(#id)`. Anything else (at-rules such as `@import`, `image-set()`, a
 * `url()` elsewhere, CSS escapes, parse errors) is dropped, so escapes such as
 * `\75 rl(…)` cannot spell a request. What is kept is printed from the parsed
 * tree, never copied from the input.
 */
import {createRequire} from 'node:module'
import type * as CssTree from 'css-tree'

// CSS properties an SVG drawing needs (also the presentation attributes checked here).
const properties = new Set([
  'fill',
  'fill-opacity',
  'fill-rule',
  'clip-rule',
  'clip-path',
  'mask',
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
  'text-rendering',
  'color',
  'display',
  'visibility',
  'overflow',
  'font',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'font-variant',
  'font-stretch',
  'text-anchor',
  'dominant-baseline',
  'alignment-baseline',
  'baseline-shift',
  'letter-spacing',
  'word-spacing',
  'text-decoration',
  'white-space',
  'writing-mode',
  'direction',
  'stop-color',
  'stop-opacity',
  'marker',
  'marker-start',
  'marker-mid',
  'marker-end',
  'filter',
  'flood-color',
  'flood-opacity',
  'lighting-color',
  'color-interpolation',
  'color-interpolation-filters',
  'mix-blend-mode',
  'isolation',
  'transform',
  'transform-origin'
])

// Functions that compute a colour, a transform or a filter effect: none of them loads anything.
const functions = new Set([
  'rgb',
  'rgba',
  'hsl',
  'hsla',
  'hwb',
  'matrix',
  'translate',
  'translatex',
  'translatey',
  'scale',
  'scalex',
  'scaley',
  'rotate',
  'skew',
  'skewx',
  'skewy',
  'blur',
  'brightness',
  'contrast',
  'drop-shadow',
  'grayscale',
  'hue-rotate',
  'invert',
  'saturate',
  'sepia'
])

// Identifiers and units as written without escapes; a backslash anywhere disqualifies.
const plainName = /^-?[A-Za-z_][A-Za-z0-9_-]*$/
const localReference = /^#[A-Za-z_][A-Za-z0-9_.:-]*$/
const fontName = /^[\p{L}\p{N} _.-]*$/u

// css-tree's full entry point also loads its property grammar (a few hundred ms);
// the parser, walker and generator alone suffice, loaded on the first SVG with CSS.
const loadCommonJs = createRequire(import.meta.url)
let cssTree: {parse: typeof CssTree.parse; walk: typeof CssTree.walk; generate: typeof CssTree.generate} | undefined

function css(): NonNullable<typeof cssTree> {
  cssTree ??= {
    parse: loadCommonJs('css-tree/parser') as typeof CssTree.parse,
    walk: loadCommonJs('css-tree/walker') as typeof CssTree.walk,
    generate: loadCommonJs('css-tree/generator') as typeof CssTree.generate
  }
  return cssTree
}

/** CSS that was cleaned, and what was taken out of it (short descriptions). */
export interface CleanedCss {
  css: string
  removed: string[]
}

/**
 * Clean the text of a `<style>` element: keep rules whose selectors are
 * simple (types, classes, ids, combinators, plain pseudo-classes) with their
 * drawing declarations; drop at-rules and everything else.
 */
export function cleanStyleSheet(text: string): CleanedCss {
  const {generate} = css()
  const removed: string[] = []
  const sheet = tryParse(text, {context: 'stylesheet', parseValue: true, parseRulePrelude: true, parseAtrulePrelude: false})
  const rules: string[] = []
  if (sheet?.type !== 'StyleSheet') return {css: '', removed: ['unreadable CSS in <style>']}
  for (const node of sheet.children) {
    if (node.type === 'Atrule') removed.push(`\`@${shorten(node.name)}\` in <style>`)
    else if (node.type !== 'Rule') removed.push('unreadable CSS in <style>')
    else if (!simpleSelector(node.prelude)) removed.push(`selector \`${shorten(generate(node.prelude))}\` in <style>`)
    else {
      const declarations = cleanDeclarations(node.block.children, 'in <style>', removed)
      if (declarations.length > 0) rules.push(`${generate(node.prelude)}{${declarations.join(';')}}`)
    }
  }
  return {css: rules.join('\n'), removed}
}

/** Clean a `style=""` attribute: its drawing declarations, printed anew. */
export function cleanStyleAttribute(text: string): CleanedCss {
  const removed: string[] = []
  let broken = false
  const list = tryParse(text, {context: 'declarationList', parseValue: true, onParseError: () => (broken = true)})
  if (list?.type !== 'DeclarationList') return {css: '', removed: ['unreadable CSS in `style`']}
  const declarations = cleanDeclarations(list.children, 'in `style`', removed)
  if (broken && removed.length === 0) removed.push('unreadable CSS in `style`')
  return {css: declarations.join(';'), removed}
}

/**
 * Whether attribute `name` is a presentation attribute that browsers parse as
 * CSS (`fill`, `filter`, `mask`…): its value must pass `safePresentationValue`.
 */
export function isPresentationAttribute(name: string): boolean {
  return properties.has(name)
}

/**
 * Whether presentation attribute `name` may keep `value` as written: true only
 * for plain tokens with no escape and no comment, so that what the browser
 * reads is what was checked.
 */
export function safePresentationValue(name: string, value: string): boolean {
  if (/\\|\/\*/.test(value)) return false
  let broken = false
  const tree = tryParse(value, {context: 'value', onParseError: () => (broken = true)})
  return !broken && tree?.type === 'Value' && plainValue(name, tree)
}

/** Parse with css-tree, which recovers from most errors but throws on some: `undefined` then. */
function tryParse(text: string, options: CssTree.ParseOptions): CssTree.CssNode | undefined {
  try {
    return css().parse(text, options)
  } catch {
    return undefined
  }
}

/** The declarations of a block or list that pass, printed; the others reported in `removed`. */
function cleanDeclarations(children: CssTree.List<CssTree.CssNode>, where: string, removed: string[]): string[] {
  const kept: string[] = []
  for (const node of children) {
    if (node.type !== 'Declaration') {
      removed.push(`unreadable CSS ${where}`)
      continue
    }
    const property = node.property.toLowerCase()
    if (!plainName.test(node.property) || !properties.has(property) || node.value.type !== 'Value' || !plainValue(property, node.value)) {
      removed.push(`\`${shorten(node.property)}\` ${where}`)
      continue
    }
    kept.push(css().generate(node))
  }
  return kept
}

/** Every node of `value` is a plain token that loads nothing. */
function plainValue(property: string, value: CssTree.Value): boolean {
  let plain = true
  css().walk(value, (node) => {
    if (plain && node !== value && !plainNode(property, node)) plain = false
  })
  return plain
}

function plainNode(property: string, node: CssTree.CssNode): boolean {
  switch (node.type) {
    case 'Identifier':
      return plainName.test(node.name)
    case 'Number':
    case 'Percentage':
    case 'Operator':
    case 'WhiteSpace':
      return true
    case 'Dimension':
      return /^[A-Za-z]+$/.test(node.unit)
    case 'Hash':
      return /^[0-9A-Fa-f]{3,8}$/.test(node.value)
    case 'String':
      return property.startsWith('font') && fontName.test(node.value)
    case 'Url':
      // `url(#gradient)`: a reference inside the image itself.
      return localReference.test(node.value)
    case 'Function':
      return plainName.test(node.name) && functions.has(node.name.toLowerCase())
    default:
      return false
  }
}

/** Simple selectors only: types, classes, ids, combinators, pseudo-classes without arguments. */
function simpleSelector(prelude: CssTree.CssNode): boolean {
  if (prelude.type !== 'SelectorList') return false
  let simple = true
  css().walk(prelude, (node) => {
    if (!simple) return
    if (node.type === 'SelectorList' || node.type === 'Selector' || node.type === 'Combinator') return
    if (node.type === 'TypeSelector') simple = node.name === '*' || plainName.test(node.name)
    else if (node.type === 'ClassSelector' || node.type === 'IdSelector') simple = plainName.test(node.name)
    else if (node.type === 'PseudoClassSelector') simple = node.children === null && plainName.test(node.name)
    else simple = false
  })
  return simple
}

/** A name from the input, short enough for a message. */
function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ')
  return flat.length > 40 ? `${flat.slice(0, 39)}…` : flat
}
