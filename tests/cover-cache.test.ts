/**
 * The cover cache knows a generated cover by what it is made from (the cover
 * template and the template data), so a rebuild finds it without setting its
 * text: a changed template, title or date still makes a new cover, and a
 * template that includes other files is known by its filled SVG instead.
 * EPUB only: no browser.
 */
import fs from 'node:fs'
import path from 'node:path'
import JSZip from 'jszip'
import {describe, expect, it} from 'vitest'
import {coverKey, createCoverCache} from '../scripts/cover/cover-cache.js'
import {build} from '../scripts/index.js'
import {loadTemplates} from '../scripts/render/templates.js'
import {repo, tempDir, tempProject} from './support/tools.js'

const article = (title: string) => `---\ntitle: ${title}\ndate: 2024-04-05\npublisher: Test Press\n---\n\nA paragraph of text.\n`

async function coverOf(root: string, cache: boolean): Promise<Buffer> {
  const report = await build({root, formats: ['epub'], cache})
  expect(report.ok).toBe(true)
  const zip = await JSZip.loadAsync(fs.readFileSync(path.join(root, 'dist', 'a.epub')))
  return zip.file('OEBPS/cover.png')!.async('nodebuffer')
}

const coverFiles = (root: string) => fs.readdirSync(path.join(root, '.cache', 'handout', 'covers')).filter((name) => name.endsWith('.png'))

describe('cover keys', () => {
  it("change with the template's source and with any field of the data; a template with include() has none", async () => {
    const own = path.join(tempDir(), 'templates')
    fs.mkdirSync(own, {recursive: true})
    const source = fs.readFileSync(path.join(repo, 'templates', 'cover.svg'), 'utf8')
    const packaged = (await loadTemplates(own)).coverKey
    expect(packaged).toMatch(/^[0-9a-f]{64}$/)
    fs.writeFileSync(path.join(own, 'cover.svg'), source.replace('#1c4a7a', '#7a1c1c'))
    const edited = (await loadTemplates(own)).coverKey
    expect(edited).toMatch(/^[0-9a-f]{64}$/)
    expect(edited).not.toBe(packaged)
    fs.writeFileSync(path.join(own, 'cover.svg'), `${source}\n<%- include('partials/extra.svg') %>`)
    expect((await loadTemplates(own)).coverKey).toBeUndefined()

    const data = {lang: 'en', title: 'A title', dateText: '5 April 2024'}
    expect(coverKey(undefined, data)).toBeUndefined()
    expect(coverKey('k', data)).toBe(coverKey('k', {...data}))
    for (const changed of [
      {...data, title: 'Another'},
      {...data, dateText: '6 April 2024'},
      {...data, lang: 'fr'},
      {...data, subtitle: 'New'}
    ]) {
      expect(coverKey('k', changed)).not.toBe(coverKey('k', data))
    }
    expect(coverKey('k2', data)).not.toBe(coverKey('k', data))
  })

  it('are salted with the code: a cache kept by other code does not answer', async () => {
    const dir = tempDir()
    await createCoverCache(dir, 'code one').set('key', new Uint8Array([1, 2, 3]))
    expect(await createCoverCache(dir, 'code one').get('key')).toEqual(new Uint8Array([1, 2, 3]))
    expect(await createCoverCache(dir, 'code two').get('key')).toBeUndefined()
  })
})

describe('a rebuild with the cover cache', () => {
  it('reuses an unchanged cover, and makes a new one for a new title or an edited cover template, the same as without the cache', async () => {
    const root = tempProject({'content/a.md': article('First title')})
    const first = await coverOf(root, true)
    expect(coverFiles(root)).toHaveLength(1)
    // Unchanged: the same cover, no new file.
    expect((await coverOf(root, true)).equals(first)).toBe(true)
    expect(coverFiles(root)).toHaveLength(1)

    // A new title: a new cover, as a build without the cache makes it.
    fs.writeFileSync(path.join(root, 'content', 'a.md'), article('Second title'))
    const retitled = await coverOf(root, true)
    expect(retitled.equals(first)).toBe(false)
    expect(retitled.equals(await coverOf(root, false))).toBe(true)

    // The project's cover template edited (the band's colour): a new cover again.
    const template = path.join(root, 'templates', 'cover.svg')
    fs.writeFileSync(template, fs.readFileSync(template, 'utf8').replace('#1c4a7a', '#7a1c1c'))
    const recoloured = await coverOf(root, true)
    expect(recoloured.equals(retitled)).toBe(false)
    expect(recoloured.equals(await coverOf(root, false))).toBe(true)

    // A template that includes a file: known by its SVG, so an edit of the included file shows.
    fs.writeFileSync(path.join(root, 'templates', 'cover-mark.svg'), '<rect x="0" y="0" width="300" height="300" fill="#00aa00"/>')
    const source = fs.readFileSync(template, 'utf8')
    fs.writeFileSync(template, source.replace(/<\/svg>\s*$/, "<%- include('cover-mark.svg') %>\n</svg>\n"))
    const marked = await coverOf(root, true)
    expect(marked.equals(recoloured)).toBe(false)
    fs.writeFileSync(path.join(root, 'templates', 'cover-mark.svg'), '<rect x="0" y="0" width="300" height="300" fill="#0000aa"/>')
    const remarked = await coverOf(root, true)
    expect(remarked.equals(marked)).toBe(false)
    expect(remarked.equals(await coverOf(root, false))).toBe(true)
  }, 120_000)
})
