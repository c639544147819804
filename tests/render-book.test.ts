/**
 * The book's renderer remembers each article as it rendered it (a watch
 * session keeps the documents it did not parse again): a rebuild gives the
 * same HTML as a first render, and an article is rendered again when its
 * place in the book or where its links go changes. No browser.
 */
import fs from 'node:fs'
import path from 'node:path'
import JSZip from 'jszip'
import {describe, expect, it} from 'vitest'
import type {Document} from '../scripts/core/types.js'
import {epubFromPublication} from '../scripts/epub/epub-from-document.js'
import {writeEpub} from '../scripts/epub/write-epub.js'
import {createProcessor} from '../scripts/markdown/processor.js'
import {parseDocument} from '../scripts/parse/parse-document.js'
import {renderBook} from '../scripts/render/render-book.js'
import {loadTemplates} from '../scripts/render/templates.js'
import {repo, tempDir} from './support/tools.js'

const templates = await loadTemplates(path.join(repo, 'templates'))
const publication = {name: 'book', title: 'The Book', lang: 'en'} as Parameters<typeof renderBook>[1]['publication']

async function parse(root: string, name: string, text: string): Promise<Document> {
  const file = path.join(root, `${name}.md`)
  fs.writeFileSync(file, text)
  const {document} = await parseDocument(createProcessor({root}), {path: file, name}, {cwd: root})
  return document!
}

const render = (documents: Document[]) => renderBook(templates, {publication, documents, date: new Date(0), cover: {href: 'cover.png', alt: ''}, pageSize: 'A4'}).html

const linking = '---\ntitle: Linking\n---\n\nSee [the method](target.md#method) for more.\n'
const target = (heading: string) => `---\ntitle: Target\n---\n\n## ${heading}\n\nText.\n`

describe('the book renderer', () => {
  it('renders a kept article again when the heading its link points at is gone, or when it moves', async () => {
    const root = tempDir()
    fs.writeFileSync(path.join(root, 'target.md'), target('Method'))
    const links = await parse(root, 'linking', linking)
    const withHeading = await parse(root, 'target', target('Method'))
    const first = render([links, withHeading])
    expect(first).toContain('href="#a2-method"')
    // The same documents again: the same page.
    expect(render([links, withHeading])).toBe(first)

    // The target edited (its heading renamed), the linking article kept: the link now goes to the article's start.
    const renamed = await parse(root, 'target', target('Approach'))
    const edited = render([links, renamed])
    expect(edited).not.toContain('#a2-method')
    expect(edited).toContain('href="#a2"')
    expect(edited).toContain('id="a2-approach"')

    // The linking article moved to second place: its ids and its link change with it.
    const moved = render([renamed, links])
    expect(moved).toContain('href="#a1"')
    expect(moved).toContain('id="a1-approach"')
    expect(moved).not.toContain('id="a2-approach"')
    expect(moved).toMatch(/id="a2"/)
    expect(moved.indexOf('Target')).toBeLessThan(moved.indexOf('See '))
  })

  it('prints the contents list of an article with `toc: true` after its masthead, its links into the article', async () => {
    const root = tempDir()
    const plain = await parse(root, 'plain', '---\ntitle: Plain\n---\n\n## Not listed\n\nText.\n')
    const listed = await parse(root, 'listed', '---\ntitle: Listed\ntoc: true\n---\n\n## First question\n\nText.\n\n## Second question\n\nText.\n')
    const html = render([plain, listed])
    expect(html.match(/<nav class="contents-list"/g)).toHaveLength(1)
    expect(html).toContain('<li><a href="#a2-first-question">First question</a></li><li><a href="#a2-second-question">Second question</a></li>')
    expect(html.indexOf('class="contents-list"')).toBeGreaterThan(html.indexOf('Listed'))
    expect(html.indexOf('class="contents-list"')).toBeLessThan(html.indexOf('id="a2-first-question"'))
  })

  it('gives the same HTML from remembered articles as from fresh ones', async () => {
    const root = tempDir()
    const a = await parse(root, 'a', '---\ntitle: Alpha\nlang: en\n---\n\n## One\n\nA justified paragraph about information and philosophy.[^1]\n\n[^1]: A note.\n')
    const b = await parse(root, 'b', '---\ntitle: Beta\n---\n\nSee [Alpha](a.md#one).\n')
    const warm = render([a, b])
    expect(render([a, b])).toBe(warm)
    const fresh = render([await parse(root, 'a', fs.readFileSync(path.join(root, 'a.md'), 'utf8')), await parse(root, 'b', fs.readFileSync(path.join(root, 'b.md'), 'utf8'))])
    expect(fresh).toBe(warm)
  })
})

describe('an article in another language than the book', () => {
  const red = fs.readFileSync(path.join(repo, 'tests/fixtures/markdown/images/pictures/red.png'))
  const article = (title: string, lang: string, heading: string) => `---\ntitle: ${title}\nlang: ${lang}\n---\n\n## ${heading}\n\nText.\n`

  it("keeps its language and direction in the book's contents page and in the EPUB's navigation, where the others have none of their own", async () => {
    const root = tempDir()
    const documents = [await parse(root, 'english', article('Plain English', 'en', 'Why')), await parse(root, 'hebrew', article('עברית ו-English', 'he', 'למה'))]
    const front = renderBook(templates, {publication, documents, date: new Date(0), cover: {href: 'cover.png', alt: ''}, pageSize: 'A4', part: 'front'}).html
    expect(front).toContain('<span class="toc-title">Plain English</span>')
    expect(front).toContain('<span class="toc-title" lang="he" dir="rtl">עברית ו-English</span>')

    const book = epubFromPublication({publication, documents, date: new Date(0), cover: {data: red, mediaType: 'image/png'}})
    const zip = await JSZip.loadAsync(await writeEpub(templates, book))
    const nav = await zip.file('OEBPS/toc.xhtml')!.async('string')
    expect(nav).toMatch(/<a href="001-english\.xhtml">Plain English<\/a>/)
    expect(nav).toMatch(/<a href="001-english\.xhtml#why">Why<\/a>/)
    // The article's headings too, each link isolated in its own direction.
    expect(nav).toContain('<a href="002-hebrew.xhtml" xml:lang="he" lang="he" dir="rtl">עברית ו-English</a>')
    expect(nav).toMatch(/<a href="002-hebrew\.xhtml#[^"]+" xml:lang="he" lang="he" dir="rtl">למה<\/a>/)
  })
})
