/**
 * Messages about a publication point at its entry in the config: its
 * `sources` line, in YAML or in a `.mjs` module.
 */
import fs from 'node:fs'
import path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {placeOfKey, publicationPlace} from '../scripts/config/publication-place.js'
import {tempDir} from './support/tools.js'

const dir = tempDir()
afterAll(() => fs.rmSync(dir, {recursive: true, force: true}))

function write(name: string, text: string): string {
  const file = path.join(dir, name)
  fs.writeFileSync(file, text)
  return file
}

describe('publicationPlace', () => {
  it("finds the key in the publication's own entry, not in the one before it", () => {
    const yaml = write('a.yaml', 'publications:\n  - name: first\n    sources: content/*.md\n  - name: second\n    title: Second\n    # nothing matches\n    sources: nothing/*.md\n')
    expect(publicationPlace(yaml, 'first', 'sources')).toEqual({line: 3, column: 5})
    expect(publicationPlace(yaml, 'second', 'sources')).toEqual({line: 7, column: 5})
  })

  it("falls back to the publication's name when the key is not written, and to nothing for an unknown one", () => {
    const yaml = write('b.yaml', "publications:\n  - name: 'quoted'\n    title: Q\n  - name: other\n    sources: x/*.md\n")
    expect(publicationPlace(yaml, 'quoted', 'sources')).toEqual({line: 2, column: 5})
    expect(publicationPlace(yaml, 'missing', 'sources')).toBeUndefined()
    expect(publicationPlace(path.join(dir, 'none.yaml'), 'quoted', 'sources')).toBeUndefined()
  })

  it('reads a .mjs config the same way', () => {
    const mjs = write('c.mjs', "export default {\n  publications: [\n    {name: 'monthly', title: 'M',\n     sources: ['content/a.md']}\n  ]\n}\n")
    expect(publicationPlace(mjs, 'monthly', 'sources')).toEqual({line: 4, column: 6})
  })
})

describe('placeOfKey', () => {
  it('finds a nested key under its parent, not a key of the same name elsewhere', () => {
    const text = 'logo: top\npublications:\n  - name: a\n    logo: pub\ntheme:\n  footer: x\n  logo: theme.png\n'
    expect(placeOfKey(text, ['theme', 'logo'])).toEqual({line: 7, column: 3})
    expect(placeOfKey(text, ['theme'])).toEqual({line: 5, column: 1})
    // A key the parent lacks: the parent.
    expect(placeOfKey(text, ['theme', 'stylesheet'])).toEqual({line: 5, column: 1})
    expect(placeOfKey('theme: {}\n', ['nothing'])).toBeUndefined()
  })
})

describe('placeOfKey in blocks', () => {
  it("looks only inside the parent key's block", () => {
    const text = 'theme:\n  footer: x\n  # logo: commented\npublications:\n  - name: a\n    logo: pub\n'
    expect(placeOfKey(text, ['theme', 'logo'])).toEqual({line: 1, column: 1})
    expect(placeOfKey(text, ['theme', 'footer'])).toEqual({line: 2, column: 3})
  })
})
