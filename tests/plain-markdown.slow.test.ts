/**
 * Slow: a plain Markdown file (no front matter, `#` sections, a table with
 * inline code, a long code block) builds, and its outputs nest every heading
 * level under the article in the bookmarks and the EPUB nav, with no kicker.
 */
import fs from 'node:fs'
import path from 'node:path'
import JSZip from 'jszip'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {build, type BuildReport} from '../scripts/index.js'
import {browser, environment, pdfText, run, tempProject} from './support/tools.js'

type OutlineItem = {title: string; kids: OutlineItem[]}

const code = Array.from({length: 90}, (_, index) => `line ${index} = compute(value_${index})`).join('\n')
const markdown = `# Plain notes\n\nIntro with a long word ${'x'.repeat(150)}.\n\n# Part one\n\n## A question\n\n| name | code |\n| --- | --- |\n| a | \`${'y'.repeat(120)}\` |\n\n### Deeper\n\n\`\`\`\n${code}\n\`\`\`\n\n# Part two\n\n## Another question\n\nEnd.\n`
let root: string
let report: BuildReport

beforeAll(async () => {
  root = tempProject({'content/plain-notes.md': markdown})
  report = await build({root, browser, sourceDateEpoch: 1_700_000_000}, {}, environment)
})

afterAll(() => fs.rmSync(root, {recursive: true, force: true}))

describe('a Markdown file without front matter', () => {
  it('builds with its first heading as the title and no kicker', () => {
    expect(report.sources.flatMap((source) => source.file.messages.map(String))).toEqual([])
    expect(report.ok).toBe(true)
    const text = pdfText(path.join(root, 'dist', 'plain-notes.pdf'))
    expect(text).toContain('Plain notes')
    expect(text).not.toMatch(/EXPLAINER/i)
    expect(text).toContain('line 89 = compute(value_89)')
  })

  it('nests the bookmarks article → # → ## → ###', () => {
    const json = JSON.parse(run('qpdf', ['--json', '--json-key=outlines', path.join(root, 'dist', 'plain-notes.pdf')])) as {outlines: OutlineItem[]}
    const shape = (items: OutlineItem[]): unknown => items.map((item) => (item.kids.length ? {[item.title]: shape(item.kids)} : item.title))
    expect(shape(json.outlines)).toEqual([{'Plain notes': [{'Part one': [{'A question': ['Deeper']}]}, {'Part two': ['Another question']}]}])
  })

  it('nests the EPUB navigation the same way', async () => {
    const zip = await JSZip.loadAsync(fs.readFileSync(path.join(root, 'dist', 'plain-notes.epub')))
    const name = Object.keys(zip.files).find((file) => /toc\.xhtml$/.test(file))!
    const nav = (await zip.file(name)!.async('string')).replace(/\s+/g, ' ')
    expect(nav).toMatch(/Plain notes<\/a> ?<ol> ?<li><a[^>]*>Part one<\/a> ?<ol> ?<li><a[^>]*>A question<\/a> ?<ol> ?<li><a[^>]*>Deeper/)
    expect(nav).not.toContain('href="article.xhtml#"')
  })
})
