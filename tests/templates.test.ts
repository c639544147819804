/**
 * A project's templates/ overrides single files of the package's templates
 * (partials included), and the files those templates reference are served
 * from it by real path and by content.
 */
import fs from 'node:fs'
import path from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {templateFontSheets} from '../scripts/content/shipped-fonts.js'
import {fontResource, templateFile} from '../scripts/pdf/print-pdf.js'
import {loadTemplates, packageTemplatesDir} from '../scripts/render/templates.js'
import {repo, tempDir} from './support/tools.js'

const png = fs.readFileSync(path.join(repo, 'tests/fixtures/markdown/images/pictures/red.png'))
let dir: string
afterEach(() => fs.rmSync(dir, {recursive: true, force: true}))

function write(files: Record<string, string | Uint8Array>): string {
  dir = tempDir()
  for (const [name, value] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), {recursive: true})
    fs.writeFileSync(path.join(dir, name), value)
  }
  return dir
}

describe('loadTemplates', () => {
  it("takes every file from the package's templates when the project has none", async () => {
    const templates = await loadTemplates(path.join(write({}), 'templates'))
    expect(packageTemplatesDir).toBe(path.join(repo, 'templates'))
    expect(templates.printCss).toBe(fs.readFileSync(path.join(repo, 'templates', 'print.css'), 'utf8'))
  })

  it('overrides single files; includes look in the project first, then the package', async () => {
    const root = write({
      'templates/print.css': 'body { color: red }',
      'templates/print.html': "<%- include('partials/fonts.html') %>|<%- include('partials/mine.html') %>",
      'templates/partials/mine.html': 'mine'
    })
    const templates = await loadTemplates(path.join(root, 'templates'))
    expect(templates.printCss).toBe('body { color: red }')
    expect(templates.bookCss).toBe(fs.readFileSync(path.join(repo, 'templates', 'book.css'), 'utf8'))
    expect(templates.epubCss).toBe(fs.readFileSync(path.join(repo, 'templates', 'epub', 'epub.css'), 'utf8'))
    const html = templates.print({})
    expect(html).toContain('href="fonts/source.css"')
    expect(html).toMatch(/\|mine$/)
    fs.writeFileSync(path.join(root, 'templates', 'partials', 'fonts.html'), 'my fonts')
    expect((await loadTemplates(path.join(root, 'templates'))).print({})).toBe('my fonts|mine')
  })
})

describe('templateFile', () => {
  it('serves images, fonts and CSS of the folder, told by content', () => {
    const root = write({
      'logo.png': png,
      'fonts/brand.woff2': Buffer.concat([Buffer.from('wOF2'), Buffer.alloc(60)]),
      'fonts/brand.ttf': Buffer.concat([Buffer.from([0, 1, 0, 0]), Buffer.alloc(60)]),
      'custom.css': 'h2 { color: teal }'
    })
    expect(templateFile(root, 'logo.png')?.contentType).toBe('image/png')
    expect(templateFile(root, 'fonts/brand.woff2')?.contentType).toBe('font/woff2')
    expect(templateFile(root, 'fonts/brand.ttf')?.contentType).toBe('font/ttf')
    expect(templateFile(root, 'custom.css')?.contentType).toBe('text/css; charset=utf-8')
  })

  it('refuses a file whose bytes are no image or font, and anything outside the folder by real path', () => {
    const root = write({'templates/fake.png': 'not a picture', 'templates/print.html': '<p>', 'secret.png': png})
    fs.symlinkSync(path.join(root, 'secret.png'), path.join(root, 'templates', 'link.png'))
    const templates = path.join(root, 'templates')
    expect(templateFile(templates, 'fake.png')).toBeUndefined()
    expect(templateFile(templates, 'print.html')).toBeUndefined()
    expect(templateFile(templates, '../secret.png')).toBeUndefined()
    expect(templateFile(templates, '..%2Fsecret.png')).toBeUndefined()
    expect(templateFile(templates, 'link.png')).toBeUndefined()
    expect(templateFile(templates, 'missing.png')).toBeUndefined()
  })
})

describe('fonts/source.css', () => {
  it("is every template font sheet's faces, each url() a font file the print page is served", () => {
    const css = fontResource('fonts/source.css')
    expect(css?.contentType).toBe('text/css; charset=utf-8')
    const text = Buffer.from(css!.body).toString('utf8')
    // The same faces as the sheets one by one: as many rules, in the same order.
    const faces = templateFontSheets.flatMap(
      (sheet) =>
        Buffer.from(fontResource(`fonts/${sheet}`)!.body)
          .toString('utf8')
          .match(/@font-face/g) ?? []
    )
    expect(text.match(/@font-face/g)).toHaveLength(faces.length)
    expect(faces.length).toBeGreaterThan(templateFontSheets.length)
    const urls = [...text.matchAll(/url\(([^)]+)\)/g)].map((match) => match[1]!)
    expect(urls.length).toBeGreaterThanOrEqual(faces.length)
    for (const url of urls) {
      expect(url).toMatch(/^\/fonts\/source-(serif-4|sans-3|code-pro)\/files\/[a-z0-9-]+\.woff2?$/)
      expect(fontResource(url.slice(1))?.contentType, url).toMatch(/^font\/woff2?$/)
    }
  })
})
