/**
 * Slow: images through both outputs — a sanitised SVG figure and a cover
 * image given in front matter — checked by epubcheck and by the outputs' bytes.
 */
import fs from 'node:fs'
import path from 'node:path'
import JSZip from 'jszip'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {build, type BuildReport} from '../scripts/index.js'
import {browser, environment, epubcheck, pdfText, repo, tempProject} from './support/tools.js'

const fixtures = path.join(repo, 'tests', 'fixtures', 'markdown')
const svg = fs.readFileSync(path.join(fixtures, 'images-svg', 'pictures', 'diagram.svg'))
const png = fs.readFileSync(path.join(fixtures, 'images', 'pictures', 'red.png'))
let project: string
let report: BuildReport

beforeAll(async () => {
  project = tempProject({
    'content/a.md': '---\ntitle: Figures\ncover: images/cover.png\n---\n\n![A diagram with two bars](images/diagram.svg "Two bars.")\n',
    'content/images/diagram.svg': svg,
    'content/images/cover.png': png,
    'content/bad-cover.md': '---\ntitle: Bad cover\ncover: images/diagram.svg\n---\n\nText.\n'
  })
  report = await build({root: project, browser}, {}, environment)
})
afterAll(() => fs.rmSync(project, {recursive: true, force: true}))

describe('images', () => {
  it('embeds a sanitised SVG in the EPUB, which passes epubcheck', async () => {
    const source = report.sources.find((item) => item.name === 'a')!
    expect(source.failed).toBe(false)
    expect(source.file.messages.map((message) => message.ruleId)).toEqual(['svg-sanitized'])
    const zip = await JSZip.loadAsync(fs.readFileSync(path.join(project, 'dist', 'a.epub')))
    const opf = await zip.file('OEBPS/content.opf')!.async('string')
    const item = /<item id="image-0" href="(assets\/[0-9a-f]{16}\.svg)" media-type="image\/svg\+xml"\/>/.exec(opf)
    expect(item).not.toBeNull()
    const embedded = await zip.file(`OEBPS/${item![1]}`)!.async('string')
    expect(embedded).toContain('<rect class="bar"')
    expect(embedded).not.toMatch(/script|onload|foreignObject|example\.org|file:/)
    const result = epubcheck(path.join(project, 'dist', 'a.epub'))
    expect(result, result.output).toMatchObject({fatals: 0, errors: 0, warnings: 0})
  })

  it('uses the front matter cover image, byte for byte, as the EPUB cover', async () => {
    const zip = await JSZip.loadAsync(fs.readFileSync(path.join(project, 'dist', 'a.epub')))
    expect(Buffer.from(await zip.file('OEBPS/cover.png')!.async('uint8array')).equals(png)).toBe(true)
  })

  it('prints the SVG figure with its caption', () => {
    expect(pdfText(path.join(project, 'dist', 'a.pdf'))).toContain('Two bars.')
  })

  it('refuses a cover that is not PNG or JPEG, at the front matter line', () => {
    const source = report.sources.find((item) => item.name === 'bad-cover')!
    expect(source.failed).toBe(true)
    expect(source.file.messages.map(String)).toEqual([expect.stringMatching(/bad-cover\.md:3:1: Front matter `cover`: `images\/diagram\.svg` is not a PNG or JPEG image/)])
    expect(fs.existsSync(path.join(project, 'dist', 'bad-cover.epub'))).toBe(false)
  })
})
