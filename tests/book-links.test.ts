/**
 * Links between a book's articles that the book cannot follow (to a heading
 * the target lacks, to a file outside the publication) are warnings reported
 * with the book, at the linking article's line (a link to no file at all was
 * reported by the article's parse, and only there), and the EPUB's link goes to
 * the article's start rather than to an id it lacks (epubcheck RSC-012).
 * EPUB only: no browser.
 */
import fs from 'node:fs'
import path from 'node:path'
import JSZip from 'jszip'
import {afterAll, describe, expect, it} from 'vitest'
import {build} from '../scripts/index.js'
import {epubcheck, tempProject} from './support/tools.js'

const article = (title: string, body: string) => `---\ntitle: ${title}\ndate: 2024-04-01\n---\n\n## Hello\n\n${body}\n`
let root: string
afterAll(() => fs.rmSync(root, {recursive: true, force: true}))

describe("a book's links between articles", () => {
  it('reports a link to a missing heading with the book, at its line, and links the EPUB to the article instead', async () => {
    root = tempProject({
      'content/one.md': article('One', 'See [two](two.md#nope) and [outside](../elsewhere.md), [missing](gone.md).'),
      'content/two.md': article('Two', 'Text.'),
      'elsewhere.md': article('Elsewhere', 'Not in the book.'),
      'handout.config.yaml': 'publications:\n  - name: bk\n    title: Bk\n    sources: content/*.md\n    outputs: [book]\n'
    })
    const report = await build({root, formats: ['epub']}, {}, {})
    expect(report.ok).toBe(true)
    const book = report.publications[0]!
    const messages = book.articleFiles.flatMap((file) => file.messages.map((message) => [path.basename(file.path), message.line, message.ruleId]))
    expect(messages).toEqual([
      ['one.md', 8, 'cross-reference-anchor'],
      ['one.md', 8, 'cross-reference-outside']
    ])
    // The article's own report, printed when it was built, is left as its parse made it; it names
    // the link to a file that does not exist, which the book then does not report again.
    expect(report.sources.find((source) => source.name === 'one')!.file.messages.map((message) => message.ruleId)).toEqual(['cross-reference-missing'])

    const epub = path.join(root, 'dist', 'bk.epub')
    const chapter = await (await JSZip.loadAsync(fs.readFileSync(epub))).file('OEBPS/001-one.xhtml')!.async('string')
    expect(chapter).toContain('href="002-two.xhtml"')
    expect(chapter).not.toContain('#nope')
    const result = epubcheck(epub)
    expect(result, result.output).toMatchObject({fatals: 0, errors: 0, warnings: 0})
  }, 120_000)
})
