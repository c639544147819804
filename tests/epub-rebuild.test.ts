/**
 * Packaging a book's EPUB again after one article changed (watch) does the
 * work of that article's chapter only: epub-gen-memory parses only the
 * chapters whose HTML it has not normalised before (`write-epub.ts`), JSZip
 * deflates only the chapters it has not deflated before
 * (`deflated-entries.ts`), and the EPUB is the same, byte for byte, as one
 * packaged from scratch. EPUB only: no browser.
 */
import fs from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import {afterAll, describe, expect, it, vi} from 'vitest'
import type {Document} from '../scripts/core/types.js'
import {epubFromPublication} from '../scripts/epub/epub-from-document.js'
import {build} from '../scripts/index.js'
import {createProcessor} from '../scripts/markdown/processor.js'
import {parseDocument} from '../scripts/parse/parse-document.js'
import {tempDir, tempProject} from './support/tools.js'

// The HTML parser epub-gen-memory normalises each chapter with.
const fromEpubGen = createRequire(createRequire(import.meta.url).resolve('epub-gen-memory'))
const htmlparser2 = fromEpubGen('htmlparser2') as {parseDocument: (html: string) => unknown}
// The deflate JSZip zips with.
const pako = createRequire(fromEpubGen.resolve('jszip'))('pako') as {Deflate: {prototype: {push: (data: Uint8Array | number[], final: boolean) => boolean}}}

const article = (title: string, body: string) => `---\ntitle: ${title}\ndate: 2024-04-01\n---\n\n## ${title}, first part\n\n${body}\n`
const config = 'publications:\n  - name: bk\n    title: Bk\n    sources: content/*.md\n    sort: name\n    outputs: [book]\n'
const roots: string[] = []
afterAll(() => {
  for (const root of roots) fs.rmSync(root, {recursive: true, force: true})
})

function project(files: Record<string, string>): string {
  const root = tempProject({...files, 'handout.config.yaml': config})
  roots.push(root)
  return root
}

async function bookEpub(root: string): Promise<Buffer> {
  const report = await build({root, formats: ['epub'], cache: false, publication: 'bk'}, {}, {})
  expect(report.ok, JSON.stringify(report.publications.flatMap((book) => book.file.messages.map(String)))).toBe(true)
  return fs.readFileSync(path.join(root, 'dist', 'bk.epub'))
}

async function parse(root: string, name: string, text: string): Promise<Document> {
  const file = path.join(root, `${name}.md`)
  fs.writeFileSync(file, text)
  const {document} = await parseDocument(createProcessor({root}), {path: file, name}, {cwd: root})
  return document!
}

/** Chapters epub-gen-memory parsed, and chapters JSZip deflated, while `run` ran. */
async function chapterWork(run: () => Promise<unknown>): Promise<{parsed: number; deflated: number}> {
  const parse = vi.spyOn(htmlparser2, 'parseDocument')
  const deflate = vi.spyOn(pako.Deflate.prototype, 'push')
  try {
    await run()
    return {
      parsed: parse.mock.calls.filter(([html]) => html.includes('first part')).length,
      // A chapter is smaller than JSZip's chunk: its text is in one push. (Its heading is in the navigation too.)
      deflated: deflate.mock.calls.filter(([data]) => /Plain text|A list|Hebrew too/.test(Buffer.from(data).toString())).length
    }
  } finally {
    parse.mockRestore()
    deflate.mockRestore()
  }
}

describe("a book's EPUB packaged again", {timeout: 120_000}, () => {
  const files = {
    'content/a.md': article('Alpha', 'Plain text, with $x^2 + 1$ as math.'),
    'content/b.md': article('Beta', 'A list:\n\n- one\n- two\n\n```js\nconst x = 1\n```'),
    'content/c.md': article('Gamma', 'Hebrew too: שלום עולם.')
  }

  it('parses and deflates only the chapter that changed, and gives the bytes a first packaging gives', async () => {
    // Its text is this file's own: no earlier test of this process has packaged it.
    const root = project({...files, 'content/a.md': article('Alpha', `Plain text, with $x^2 + 1$ as math. ${process.hrtime.bigint()}`)})
    let first: Buffer | undefined
    expect(await chapterWork(async () => (first = await bookEpub(root)))).toEqual({parsed: 3, deflated: 3})
    let again: Buffer | undefined
    expect(await chapterWork(async () => (again = await bookEpub(root)))).toEqual({parsed: 0, deflated: 0})
    expect(again!.equals(first!)).toBe(true)

    fs.writeFileSync(path.join(root, 'content', 'b.md'), article('Beta', 'A list:\n\n- one\n- two\n- three\n\n```js\nconst x = 2\n```'))
    let edited: Buffer | undefined
    expect(await chapterWork(async () => (edited = await bookEpub(root)))).toEqual({parsed: 1, deflated: 1})
    expect(edited!.equals(first!)).toBe(false)

    // The same project packaged by a process that has normalised none of it.
    vi.resetModules()
    const fresh = (await import('../scripts/index.js')) as typeof import('../scripts/index.js')
    const copy = project({...files, 'content/a.md': fs.readFileSync(path.join(root, 'content', 'a.md'), 'utf8'), 'content/b.md': fs.readFileSync(path.join(root, 'content', 'b.md'), 'utf8')})
    const report = await fresh.build({root: copy, formats: ['epub'], cache: false, publication: 'bk'}, {}, {})
    expect(report.ok).toBe(true)
    expect(fs.readFileSync(path.join(copy, 'dist', 'bk.epub')).equals(edited!)).toBe(true)
  })

  it('embeds the fonts the text needs when the same article models are packaged again with one changed (watch)', async () => {
    const root = tempDir()
    roots.push(root)
    const publication = {name: 'bk', title: 'Bk', lang: 'en'} as Parameters<typeof epubFromPublication>[0]['publication']
    const fontsOf = (documents: Document[]) => epubFromPublication({publication, documents, date: new Date(0), cover: {data: new Uint8Array(), mediaType: 'image/png'}}).fonts
    const files = (fonts: ReturnType<typeof fontsOf>) => (fonts?.files ?? []).map((file) => file.href).sort()
    const hebrew = await parse(root, 'c', article('Gamma', 'Hebrew: שלום עולם.'))
    const code = await parse(root, 'b', article('Beta', '```js\nconst x = 1\n```'))
    const before = fontsOf([hebrew, code])
    expect(files(before).some((href) => href.includes('hebrew'))).toBe(true)
    expect(files(before).some((href) => href.includes('source-code-pro'))).toBe(true)
    expect(fontsOf([hebrew, code])).toEqual(before)
    // The Hebrew article edited to Hindi: its fonts go, Devanagari's come; the code's stay.
    const hindi = await parse(root, 'c', article('Gamma', 'Hindi: नमस्ते दुनिया.'))
    const after = files(fontsOf([hindi, code]))
    expect(after.some((href) => href.includes('hebrew'))).toBe(false)
    expect(after.some((href) => href.includes('devanagari'))).toBe(true)
    expect(after.some((href) => href.includes('source-code-pro'))).toBe(true)
    expect(fontsOf([hindi, code])).toEqual(fontsOf([await parse(root, 'c', article('Gamma', 'Hindi: नमस्ते दुनिया.')), await parse(root, 'b', article('Beta', '```js\nconst x = 1\n```'))]))
  })
})
