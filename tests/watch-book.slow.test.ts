/**
 * Slow: watch mode with a publication. Editing one article rebuilds that
 * article's handout and the book that includes it, nothing else; a broken
 * article keeps the previous book.
 */
import fs from 'node:fs'
import path from 'node:path'
import JSZip from 'jszip'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {watch, type Rebuild, type WatchEvent, type Watcher} from '../scripts/index.js'
import {browser, environment, pdfText, repo, tempProject} from './support/tools.js'

const article = (title: string, date: string, body = 'A short paragraph.') => `---\ntitle: ${title}\ndate: ${date}\npublisher: Test Press\n---\n\n## Section\n\n${body}\n`
const config = 'publications:\n  - name: monthly\n    title: Monthly\n    sources: content/*.md\n'

let root: string
let watcher: Watcher
let waiting: Array<(event: WatchEvent) => void> = []
const out = (name: string) => path.join(root, 'dist', name)
const mtime = (name: string) => fs.statSync(out(name)).mtimeMs

/** The next `count` rebuilds after `change`: a change's handouts report first, its books on their own line after. */
async function rebuildsAfter(change: () => void, count: number): Promise<Rebuild[]> {
  const rebuilds: Rebuild[] = []
  const done = new Promise<void>((resolve, reject) => {
    const listen = (event: WatchEvent) => {
      if (event.type !== 'rebuild') return reject(new Error(`expected a rebuild, got ${event.type}`))
      rebuilds.push(event.rebuild)
      if (rebuilds.length < count) waiting.push(listen)
      else resolve()
    }
    waiting.push(listen)
  })
  change()
  await done
  return rebuilds
}

beforeAll(async () => {
  root = tempProject({'content/a.md': article('Alpha', '2024-04-01'), 'content/b.md': article('Beta', '2024-04-02'), 'handout.config.yaml': config})
  watcher = await watch(
    {root, browser},
    {
      onEvent(event) {
        if (event.type === 'building') return
        const listeners = waiting
        waiting = []
        for (const listener of listeners) listener(event)
      }
    },
    environment
  )
})

afterAll(async () => {
  await watcher?.close()
  fs.rmSync(root, {recursive: true, force: true})
})

describe('watch with a publication', () => {
  it('builds the handouts and the book at start', () => {
    expect(fs.readdirSync(path.join(root, 'dist')).sort()).toEqual(['a.epub', 'a.pdf', 'b.epub', 'b.pdf', 'monthly.epub', 'monthly.pdf'])
  })

  it('rebuilds the edited article, then its book, not the other article', async () => {
    const before = {a: mtime('a.pdf'), book: mtime('monthly.pdf')}
    const [handout, rebuild] = await rebuildsAfter(() => fs.writeFileSync(path.join(root, 'content', 'b.md'), article('Beta, revised', '2024-04-02')), 2)
    // The handout is written and reported before the book is printed: it never waits for the book.
    expect(handout!.report.sources.map((source) => source.name)).toEqual(['b'])
    expect(handout!.report.publications).toEqual([])
    expect(handout!.summary).toMatch(/rebuilt b in /)
    expect(rebuild!.report.sources).toEqual([])
    expect(rebuild!.report.publications.map((book) => [book.name, book.failed])).toEqual([['monthly', false]])
    expect(rebuild!.summary).toMatch(/rebuilt book monthly in /)
    expect(mtime('b.pdf')).toBeLessThanOrEqual(mtime('monthly.pdf'))
    expect(mtime('a.pdf')).toBe(before.a)
    expect(mtime('monthly.pdf')).toBeGreaterThan(before.book)
    expect(pdfText(out('monthly.pdf'))).toContain('Beta, revised')
  })

  it('keeps the previous book when an article breaks, and rebuilds it when fixed', async () => {
    const book = fs.readFileSync(out('monthly.pdf'))
    const [articleRebuild, broken] = await rebuildsAfter(() => fs.writeFileSync(path.join(root, 'content', 'a.md'), '---\ntitle: [\n---\n'), 2)
    // The article's error, then the book's: not built, as `build` says it.
    expect(articleRebuild!.errors).toBe(1)
    expect(broken!.errors).toBe(1)
    expect(broken!.report.publications.map((book) => [book.name, book.failed, book.file.messages.map((message) => message.ruleId)])).toEqual([['monthly', true, ['publication-member-failed']]])
    expect(fs.readFileSync(out('monthly.pdf')).equals(book)).toBe(true)
    const [, fixed] = await rebuildsAfter(() => fs.writeFileSync(path.join(root, 'content', 'a.md'), article('Alpha, fixed', '2024-04-01')), 2)
    expect(fixed!.report.publications.map((report) => report.name)).toEqual(['monthly'])
    expect(pdfText(out('monthly.pdf'))).toContain('Alpha, fixed')
  })

  it('rebuilds the book when the config changes', async () => {
    const [rebuild] = await rebuildsAfter(() => fs.writeFileSync(path.join(root, 'handout.config.yaml'), config.replace('title: Monthly', 'title: Monthly Digest')), 1)
    expect(rebuild!.report.sources).toEqual([])
    expect(rebuild!.report.publications.map((report) => report.name)).toEqual(['monthly'])
    expect(pdfText(out('monthly.pdf'))).toContain('Monthly Digest')
  })

  it("rebuilds the book when its own cover image changes, and an article when its front matter's cover does", async () => {
    const image = (name: string) => fs.readFileSync(path.join(repo, 'content', 'images', name))
    const epubCover = async (name: string) => {
      const zip = await JSZip.loadAsync(fs.readFileSync(out(name)))
      return Buffer.from(await zip.file('OEBPS/cover.png')!.async('uint8array'))
    }
    fs.mkdirSync(path.join(root, 'art'))
    fs.writeFileSync(path.join(root, 'art', 'book.png'), image('supply-chain.png'))
    const withCover = config.replace('title: Monthly\n', 'title: Monthly Digest\n    cover: art/book.png\n')
    await rebuildsAfter(() => fs.writeFileSync(path.join(root, 'handout.config.yaml'), withCover), 1)
    expect((await epubCover('monthly.epub')).equals(image('supply-chain.png'))).toBe(true)
    // The cover file alone changes: the book is made again, no handout.
    const [book] = await rebuildsAfter(() => fs.writeFileSync(path.join(root, 'art', 'book.png'), image('monsoon-rainfall.png')), 1)
    expect(book!.report.sources).toEqual([])
    expect(book!.report.publications.map((report) => [report.name, report.failed])).toEqual([['monthly', false]])
    expect((await epubCover('monthly.epub')).equals(image('monsoon-rainfall.png'))).toBe(true)
    // An article's own cover (front matter): its handout is made again, then its book.
    fs.writeFileSync(path.join(root, 'art', 'alpha.png'), image('supply-chain.png'))
    await rebuildsAfter(() => fs.writeFileSync(path.join(root, 'content', 'a.md'), article('Alpha', '2024-04-01').replace('publisher:', 'cover: ../art/alpha.png\npublisher:')), 2)
    expect((await epubCover('a.epub')).equals(image('supply-chain.png'))).toBe(true)
    const [handout, again] = await rebuildsAfter(() => fs.writeFileSync(path.join(root, 'art', 'alpha.png'), image('monsoon-rainfall.png')), 2)
    expect(handout!.report.sources.map((source) => source.name)).toEqual(['a'])
    expect(again!.report.publications.map((report) => report.name)).toEqual(['monthly'])
    expect((await epubCover('a.epub')).equals(image('monsoon-rainfall.png'))).toBe(true)
  })

  it('parses an article again when an article it links to goes or comes back: its warnings follow', async () => {
    const missing = (rebuild: Rebuild | undefined) =>
      rebuild!.report.sources.flatMap((source) =>
        source.file.messages.filter((message) => message.ruleId === 'cross-reference-missing').map((message) => `${source.name} ${message.line}:${message.column}`)
      )
    await rebuildsAfter(() => fs.writeFileSync(path.join(root, 'content', 'c.md'), article('Gamma', '2024-04-03', 'See [Beta](b.md).')), 2)
    const beta = fs.readFileSync(path.join(root, 'content', 'b.md'))
    const [gone] = await rebuildsAfter(() => fs.rmSync(path.join(root, 'content', 'b.md')), 2)
    expect(gone!.report.sources.map((source) => source.name)).toEqual(['c'])
    expect(missing(gone)).toEqual(['c 9:5'])
    const [back] = await rebuildsAfter(() => fs.writeFileSync(path.join(root, 'content', 'b.md'), beta), 2)
    expect(back!.report.sources.map((source) => source.name).sort()).toEqual(['b', 'c'])
    expect(missing(back)).toEqual([])
  })
})
