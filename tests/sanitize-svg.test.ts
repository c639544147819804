/**
 * CSS in SVG images (issue 11): `<style>`, `style=""` and presentation
 * attributes, written every way CSS lets one spell `url(`, `@import` or
 * `image-set(` (escapes with and without a trailing space, six-digit and
 * uppercase escapes, escaped newlines, comments, CDATA and XML comments
 * splitting a token, entities). Whatever survives must load nothing: no
 * backslash, no comment, no `url()` but `url(#id)`, no at-rule, no
 * `image-set`, and nothing of the hostile host; what a drawing needs stays.
 */
import fc from 'fast-check'
import {describe, expect, test} from 'vitest'
import {sanitizeSvg} from '../scripts/content/sanitize-svg.js'

const host = 'evil.invalid'
const remote = `http://${host}/x.png`

// Ways to write `url(` that CSS decodes to a url token (or that a lax reader might).
const urlSpellings = [
  'url(',
  'URL(',
  'uRl(',
  '\\75 rl(',
  '\\75rl(',
  '\\000075rl(',
  '\\000075 rl(',
  '\\55 RL(',
  'u\\72 l(',
  'u\\rl(',
  'U\\52 L(',
  '\\75\\72\\6c(',
  '\\75 \\72 \\6C (',
  'u\\\nrl(',
  'u/**/rl(',
  '\\u\\r\\l('
]

// Values that would fetch `remote` in a CSS engine, for a paint property.
const hostileValues = [
  ...urlSpellings.map((spelling) => `${spelling}${remote})`),
  ...urlSpellings.map((spelling) => `${spelling}'${remote}')`),
  `url( "${remote}" )`,
  `url(//${host}/x.png)`,
  `url(${remote}#frag)`,
  `url(#ok) , url(${remote})`,
  `url(data:image/svg+xml,%3Csvg%3E)`,
  `image-set("${remote}" 1x)`,
  `-webkit-image-set(url(${remote}) 1x)`,
  `\\69mage-set("${remote}" 1x)`,
  `IMAGE-SET(url(${remote}) 2x)`,
  `cross-fade(url(${remote}), red)`,
  `element(#x)`,
  `src("${remote}")`,
  `var(--leak)`,
  `red; background: url(${remote})`,
  `red !important; cursor: url(${remote}), auto`
]

// Properties that load images in CSS, whatever their value's spelling.
const loadingDeclarations = [
  `background: url(${remote})`,
  `background-image: url(${remote})`,
  `b\\61 ckground: url(${remote})`,
  `cursor: url(${remote}), auto`,
  `list-style: url(${remote})`,
  `border-image: url(${remote}) 30`,
  `mask-image: url(${remote})`,
  `content: url(${remote})`,
  `--leak: url(${remote})`,
  `shape-outside: url(${remote})`,
  `behavior: url(${remote})`,
  `-moz-binding: url(${remote})`
]

// At-rules, however spelled.
const hostileSheets = [
  `@import url(${remote});`,
  `@import "${remote}";`,
  `@IMPORT "${remote}";`,
  `@\\69mport "${remote}";`,
  `@\\69 mport "${remote}";`,
  `@\\000069mport url(${remote});`,
  `@im\\70 ort "${remote}";`,
  `@import/**/"${remote}";`,
  `@font-face { font-family: x; src: url(${remote}) }`,
  `@media all { .a { fill: url(${remote}) } }`,
  `@supports (fill: red) { .a { fill: url(${remote}) } }`,
  `@namespace url(${remote});`,
  `.a { .b { fill: url(${remote}) } }`,
  `.a[href="${remote}"] { fill: red }`,
  `.a:not(.b) { fill: url(${remote}) }`,
  `\\2e a { fill: red } .b { fill: url(${remote}) }`
]

function svg(body: string, rootAttributes = ''): Uint8Array {
  return new TextEncoder().encode(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"${rootAttributes}>${body}</svg>`)
}

function sanitize(body: string, rootAttributes?: string): {text: string; removed: string[]} {
  const result = sanitizeSvg(svg(body, rootAttributes))
  return {text: new TextDecoder().decode(result.svg), removed: result.removed}
}

/** Everything in `text` (a sanitised SVG) that a CSS engine could fetch with, or that hides a token. */
function leaks(text: string): string[] {
  const found: string[] = []
  if (text.includes(host)) found.push('the hostile host')
  if (text.includes('\\')) found.push('a backslash')
  if (text.includes('/*')) found.push('a CSS comment')
  if (/@/.test(text)) found.push('an at-rule')
  if (/image-set|cross-fade|element\(|src\(|var\(/i.test(text)) found.push('a loading function')
  for (const match of text.matchAll(/url\s*\(\s*['"]?([^'")\s]*)/gi)) if (!match[1]!.startsWith('#')) found.push(`url(${match[1]})`)
  return found
}

describe('SVG CSS: hostile values are dropped', () => {
  for (const value of hostileValues) {
    test(`in a <style> rule, a style attribute and a fill attribute: ${JSON.stringify(value)}`, () => {
      const attribute = value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;')
      const {text, removed} = sanitize(
        `<style>.a { fill: ${value} } .kept { stroke: #123456 }</style>` +
          `<rect class="a kept" width="5" height="5" style="fill: ${attribute}; stroke-width: 2"/>` +
          `<circle r="2" fill="${attribute}" stroke="${attribute}" filter="${attribute}" mask="${attribute}" clip-path="${attribute}" marker-end="${attribute}"/>`
      )
      expect(leaks(text), text).toEqual([])
      expect(removed.length, text).toBeGreaterThan(0)
      // The drawing survives around what was dropped.
      expect(text).toContain('.kept{stroke:#123456}')
      expect(text).toMatch(/style="[^"]*stroke-width:2"/)
      expect(text).toMatch(/<circle r="2"/)
    })
  }
})

describe('SVG CSS: properties that load are dropped, in either form', () => {
  for (const declaration of loadingDeclarations) {
    test(JSON.stringify(declaration), () => {
      const attribute = declaration.replaceAll('"', '&quot;')
      const {text, removed} = sanitize(`<style>.a { ${declaration}; fill: red }</style><rect class="a" width="5" height="5" style="${attribute}; fill: blue"/>`)
      expect(leaks(text), text).toEqual([])
      expect(
        removed.some((item) => item.includes('in <style>')),
        removed.join(', ')
      ).toBe(true)
      expect(
        removed.some((item) => item.includes('in `style`')),
        removed.join(', ')
      ).toBe(true)
      expect(text).toContain('.a{fill:red}')
      expect(text).toContain('style="fill:blue"')
    })
  }
})

describe('SVG CSS: at-rules and complex selectors are dropped', () => {
  for (const sheet of hostileSheets) {
    test(JSON.stringify(sheet), () => {
      const {text, removed} = sanitize(`<style>${sheet} .kept { fill: #00ff00 }</style><rect class="kept" width="5" height="5"/>`)
      expect(leaks(text), text).toEqual([])
      expect(removed.length).toBeGreaterThan(0)
      expect(text).toContain('.kept{fill:#00ff00}')
    })
  }
})

describe('SVG CSS: tokens split across XML nodes are judged joined', () => {
  const cases = {
    'CDATA in the middle of url(': `<style>.a { fill: u<![CDATA[rl(${remote})]]> }</style>`,
    'an XML comment in the middle of url(': `<style>.a { fill: u<!-- split -->rl(${remote}) }</style>`,
    'CDATA around @import': `<style><![CDATA[@import "${remote}";]]></style>`,
    'an entity for the backslash': `<style>.a { fill: &#92;75 rl(${remote}) }</style>`,
    'an entity for the backslash, in an attribute': `<rect width="5" height="5" fill="&#92;75 rl(${remote})" style="fill:&#x5C;000075rl(${remote})"/>`,
    'an entity for the at sign': `<style>&#64;import "${remote}";</style>`,
    'markup inside <style>': `<style>.a { fill: u<g>rl(${remote})</g> }</style>`,
    'an escaped newline in the style attribute': `<rect width="5" height="5" style="fill: u\\&#10;rl(${remote})"/>`,
    'the root element': `<rect width="5" height="5"/>`
  }
  for (const [name, body] of Object.entries(cases)) {
    test(name, () => {
      const rootStyle = name === 'the root element' ? ` style="background: \\75 rl(${remote})" fill="url(${remote})"` : ''
      const {text, removed} = sanitize(body, rootStyle)
      expect(leaks(text), text).toEqual([])
      expect(removed.length, text).toBeGreaterThan(0)
    })
  }
})

describe('SVG CSS: a drawing keeps its styling', () => {
  test('classes, ids, local references, colours, fonts and transforms survive, printed as parsed', () => {
    const {text, removed} = sanitize(
      '<defs><linearGradient id="g"><stop offset="0" stop-color="#1c4a7a"/></linearGradient><filter id="f"><feGaussianBlur stdDeviation="1"/></filter></defs>' +
        '<style>.bar, #main > rect:first-child { fill: url(#g); stroke: rgb(28, 74, 122); stroke-width: 2px !important } text { font: italic 12px/1.5 "Source Sans 3", sans-serif }</style>' +
        '<g id="main"><rect class="bar" width="5" height="5" fill="url(#g)" filter="url(#f)" transform="rotate(45 5 5)" style="opacity: .5; stroke-dasharray: 2 1"/></g>' +
        '<text x="1" y="9" font-family="\'Source Sans 3\', sans-serif" font-size="4" fill="currentColor">Hi</text>'
    )
    expect(removed).toEqual([])
    expect(text).toContain('.bar,#main>rect:first-child{fill:url(#g);stroke:rgb(28,74,122);stroke-width:2px!important}')
    expect(text).toContain('text{font:italic 12px/1.5"Source Sans 3",sans-serif}')
    expect(text).toContain('fill="url(#g)" filter="url(#f)" transform="rotate(45 5 5)" style="opacity:.5;stroke-dasharray:2 1"')
    expect(text).toContain('font-family="\'Source Sans 3\', sans-serif"')
  })

  test('the report names what was dropped, once each', () => {
    const {removed} = sanitize(
      `<style>@import "${remote}"; .a { background: url(${remote}); fill: \\75 rl(${remote}) } .b { fill: url(${remote}) }</style>` +
        `<rect width="5" height="5" style="cursor: url(${remote})" fill="url(${remote})" cursor="pointer"/>`
    )
    expect(removed).toEqual(['`@import` in <style>', '`background` in <style>', '`fill` in <style>', '`cursor` in `style`', '`fill` with url(), image-set() or a CSS escape', '`cursor`'])
  })
})

/**
 * One character of a CSS name as an engine may receive it: itself in either
 * case, a hex escape (one to six digits, leading zeros, then nothing, a
 * space, a tab or a newline), or a backslash before the character itself.
 */
function spelledCharacter(character: string): fc.Arbitrary<string> {
  const code = character.codePointAt(0)!.toString(16)
  return fc.oneof(
    fc.constantFrom(character.toLowerCase(), character.toUpperCase()),
    fc
      .tuple(fc.integer({min: 0, max: 6 - code.length}), fc.boolean(), fc.constantFrom('', ' ', '\t', '\n', '\r\n'))
      .map(([zeros, upper, end]) => `\\${'0'.repeat(zeros)}${upper ? code.toUpperCase() : code}${end}`),
    fc.constant(/[0-9a-f]/i.test(character) ? character : `\\${character}`)
  )
}

/** `name` spelled character by character, sometimes with a comment between two characters. */
function spelled(name: string): fc.Arbitrary<string> {
  return fc.tuple(...[...name].map(spelledCharacter), fc.integer({min: -1, max: name.length})).map((parts) => {
    const comment = parts.pop() as number
    const characters = parts as string[]
    if (comment > 0 && comment < characters.length) characters.splice(comment, 0, '/**/')
    return characters.join('')
  })
}

describe('SVG CSS: random spellings of url(, image-set( and @import (fast-check)', () => {
  const where = fc.constantFrom('element', 'attribute', 'presentation')
  const value = fc.oneof(
    spelled('url').map((name) => `${name}(${remote})`),
    spelled('url').map((name) => `${name}("${remote}")`),
    spelled('image-set').map((name) => `${name}("${remote}" 1x)`),
    spelled('-webkit-image-set').map((name) => `${name}(url(${remote}) 1x)`)
  )

  test('a value, in a <style> rule, a style attribute or a presentation attribute, never survives with its reference', () => {
    fc.assert(
      fc.property(value, where, (hostile, place) => {
        const attribute = hostile.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('\n', '&#10;').replaceAll('\r', '&#13;').replaceAll('\t', '&#9;')
        const body =
          place === 'element'
            ? `<style>.a { fill: ${hostile} }</style><rect class="a" width="1" height="1"/>`
            : place === 'attribute'
              ? `<rect width="1" height="1" style="fill: ${attribute}"/>`
              : `<rect width="1" height="1" fill="${attribute}"/>`
        const {text, removed} = sanitize(body)
        expect(leaks(text), text).toEqual([])
        expect(removed.length, text).toBeGreaterThan(0)
      }),
      {numRuns: 400}
    )
  })

  test('an at-rule name, however spelled, never survives', () => {
    fc.assert(
      fc.property(spelled('import'), fc.constantFrom(`"${remote}"`, `url(${remote})`, `'${remote}'`), (name, target) => {
        const {text, removed} = sanitize(`<style>@${name} ${target}; .kept { fill: red }</style>`)
        expect(leaks(text), text).toEqual([])
        expect(removed.length, text).toBeGreaterThan(0)
        expect(text).toContain('.kept{fill:red}')
      }),
      {numRuns: 200}
    )
  })
})
