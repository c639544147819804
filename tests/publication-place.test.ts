/**
 * Messages about a publication point at its entry in the config: its
 * `sources` line, in YAML or in a `.mjs` module.
 */
import fs from 'node:fs'
import path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {publicationPlace} from '../scripts/config/publication-place.js'
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
