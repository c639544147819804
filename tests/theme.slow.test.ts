/**
 * Slow: the config's `theme` in real PDFs: any CSS page size, margins, the
 * brand colour, a logo (checked by content) and an extra stylesheet, with
 * front matter and `--page-size` still winning.
 */
import fs from 'node:fs'
import path from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import type {ConfigError} from '../scripts/config/load-config.js'
import {build} from '../scripts/index.js'
import {browser, environment, pdfInfo, pdfText, repo, run, tempProject} from './support/tools.js'

const png = fs.readFileSync(path.join(repo, 'tests/fixtures/markdown/images/pictures/red.png'))
const article = (extra = '') => `---\ntitle: Themed\ndate: 2024-04-05\n${extra}---\n\n## A question?\n\nAn answer.\n`
const theme = 'theme:\n  pageSize: B5\n  margins: 15mm 20mm\n  brandColor: "#aa0000"\n  logo: brand/logo.png\n  stylesheet: brand/extra.css\n'

let project: string
afterEach(() => fs.rmSync(project, {recursive: true, force: true}))

function pageSize(file: string): number[] {
  return /^([\d.]+) x ([\d.]+) pts/.exec(pdfInfo(file)['Page size']!)!.slice(1).map(Number)
}

describe('theme', () => {
  it('prints on B5 with the logo and the extra stylesheet; front matter and --page-size still win', async () => {
    project = tempProject({
      'handout.config.yaml': theme,
      'brand/logo.png': png,
      'brand/extra.css': 'h2::before { content: "Styled: "; }\n',
      'content/b5.md': article(),
      'content/a5.md': article('pageSize: A5\n')
    })
    const report = await build({root: project, outDir: 'dist', browser, formats: ['pdf']}, {}, environment)
    expect(report.ok, report.sources.flatMap((source) => source.file.messages.map(String)).join('\n')).toBe(true)
    const [width, height] = pageSize(path.join(project, 'dist', 'b5.pdf'))
    // B5 is 176 × 250 mm = 498.9 × 708.7 pt, set exactly (Chromium alone rounds to 1/300 inch).
    expect(width!.toFixed(1)).toBe('498.9')
    expect(height!.toFixed(1)).toBe('708.7')
    expect(pdfText(path.join(project, 'dist', 'b5.pdf'))).toContain('Styled: A question?')
    expect(
      run('pdfimages', ['-list', path.join(project, 'dist', 'b5.pdf')])
        .trim()
        .split('\n').length - 2
    ).toBe(1)
    expect(pdfInfo(path.join(project, 'dist', 'a5.pdf'))['Page size']).toMatch(/\(A5\)/)
    await build({root: project, outDir: 'letter', browser, formats: ['pdf'], pageSize: 'Letter'}, {}, environment)
    expect(pdfInfo(path.join(project, 'letter', 'b5.pdf'))['Page size']).toMatch(/^612 x 792 pts/)
  })

  it('refuses a logo that is no image, or is outside the project, at the key in the config', async () => {
    const refusal = async (logo: string) => {
      project = tempProject({'handout.config.yaml': `publications: []\ntheme:\n  footer: x\n  logo: ${logo}\n`, 'logo.png': 'not an image', 'content/a.md': article()})
      const error = (await build({root: project, outDir: 'dist', browser, formats: ['pdf']}, {}, environment).catch((caught: unknown) => caught)) as ConfigError
      expect(error.name).toBe('ConfigError')
      return error.file.messages.map((message) => `${path.basename(message.file ?? '')}:${message.line}:${message.column} ${message.ruleId} ${message.reason}`)
    }
    expect(await refusal('logo.png')).toEqual(["handout.config.yaml:4:3 config-image-type The config's `theme.logo` `logo.png` is no PNG, JPEG, GIF, WebP or SVG image: point it at an image file"])
    expect(await refusal('/etc/passwd')).toEqual(["handout.config.yaml:4:3 config-file-outside The config's `theme.logo` `/etc/passwd` is outside the project root: move it into the project"])
    expect(await refusal('none.png')).toEqual(["handout.config.yaml:4:3 config-file-missing The config's `theme.logo` `none.png` does not exist: fix the path (relative to the config file)"])
  })
})

describe('theme footer', () => {
  it("prints on a handout's pages and on the book's", async () => {
    project = tempProject({
      'handout.config.yaml': 'theme:\n  footer: Tidewater Press · test\npublications:\n  - name: bk\n    title: Bk\n    sources: content/*.md\n    outputs: [handouts, book]\n',
      'content/a.md': article()
    })
    const report = await build({root: project, outDir: 'dist', browser, formats: ['pdf']}, {}, environment)
    expect(report.ok).toBe(true)
    expect(pdfText(path.join(project, 'dist', 'a.pdf'))).toContain('Tidewater Press · test')
    // The book's body page (after cover, title page and contents).
    const pages = pdfText(path.join(project, 'dist', 'bk.pdf')).split('\f')
    expect(pages[3]).toContain('Tidewater Press · test')
  })
})

describe('publication page size', () => {
  it('takes any CSS page size, as the theme does, set exactly on the book and its handouts', async () => {
    project = tempProject({
      'handout.config.yaml': 'publications:\n  - name: bk\n    title: Bk\n    sources: content/*.md\n    outputs: [handouts, book]\n    pageSize: B5\n',
      'content/a.md': article()
    })
    const report = await build({root: project, outDir: 'dist', browser, formats: ['pdf']}, {}, environment)
    expect(report.ok, report.publications.flatMap((book) => book.file.messages.map(String)).join('\n')).toBe(true)
    for (const name of ['a.pdf', 'bk.pdf']) {
      const [width, height] = pageSize(path.join(project, 'dist', name))
      expect([width!.toFixed(1), height!.toFixed(1)], name).toEqual(['498.9', '708.7'])
    }
  })
})
