/**
 * Slow: the build cache. A second build makes nothing, touches no file and
 * launches no browser; an edited article, image, template or option makes
 * again exactly the outputs that depend on it; `cache: false` makes
 * everything; a deleted cache is only slower.
 */
import {execFileSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {build, type BuildOptionsInput, type BuildReport} from '../scripts/index.js'
import {browser, environment, pdfInfo, pdfText, repo, tempProject} from './support/tools.js'

const article = (title: string, body: string) => `---\ntitle: ${title}\ndate: 2024-04-01\npublisher: Test Press\n---\n\n## Section\n\n${body}\n`
const red = fs.readFileSync(path.join(repo, 'tests/fixtures/markdown/images/pictures/red.png'))

let root: string
const out = (name: string) => path.join(root, 'dist', name)
const outputs = ['a.pdf', 'a.epub', 'b.pdf', 'b.epub', 'monthly.pdf', 'monthly.epub']
const times = () => Object.fromEntries(outputs.map((name) => [name, fs.statSync(out(name)).mtimeMs]))

/** Build; return the names of the outputs made (not reported unchanged) and the report. */
async function made(options: BuildOptionsInput = {}): Promise<{names: string[]; report: BuildReport; launched: number}> {
  let launched = 0
  const report = await build({root, browser, ...options}, {}, {...environment, onLaunch: () => launched++})
  expect(report.ok).toBe(true)
  const names = [...report.sources, ...report.publications].flatMap((item) => item.outputs.filter((output) => !output.unchanged).map((output) => path.basename(output.path)))
  return {names: names.sort(), report, launched}
}

/** `''` when `a` and `b` are equal, else their sizes and the text around their first differing byte. */
function firstDifference(a: Buffer, b: Buffer): string {
  if (a.equals(b)) return ''
  let at = 0
  while (at < a.length && at < b.length && a[at] === b[at]) at++
  const around = (data: Buffer) => JSON.stringify(data.subarray(Math.max(0, at - 120), at + 80).toString('latin1'))
  return `${a.length} vs ${b.length} bytes, first difference at ${at}: ${around(a)} vs ${around(b)}`
}

/** A PNG chunk with its CRC. */
function pngChunk(type: string, text: string): Buffer {
  const body = Buffer.from(type + text, 'latin1')
  let crc = ~0
  for (const byte of body) {
    crc ^= byte
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1))
  }
  const length = Buffer.alloc(4)
  length.writeUInt32BE(body.length - 4)
  const sum = Buffer.alloc(4)
  sum.writeUInt32BE(~crc >>> 0)
  return Buffer.concat([length, body, sum])
}

beforeAll(() => {
  root = tempProject({
    'content/a.md': article('Alpha', 'A short paragraph.'),
    'content/b.md': article('Beta', 'A picture:\n\n![A red square](pictures/red.png)'),
    'content/pictures/red.png': red,
    'handout.config.yaml': 'publications:\n  - name: monthly\n    title: Monthly\n    sources: content/*.md\n    outputs: [handouts, book]\n'
  })
  // Only the project's own override of print.css: the rest comes from the package.
  fs.rmSync(path.join(root, 'templates'), {recursive: true})
  fs.mkdirSync(path.join(root, 'templates'))
  fs.copyFileSync(path.join(repo, 'templates', 'print.css'), path.join(root, 'templates', 'print.css'))
})

afterAll(() => {
  fs.rmSync(root, {recursive: true, force: true})
})

describe('the build cache', {timeout: 600_000}, () => {
  it('makes everything the first time, nothing the second, and touches no output nor launches a browser', async () => {
    const first = await made()
    expect(first.names).toEqual([...outputs].sort())
    expect(first.launched).toBe(1)
    const before = times()
    const second = await made()
    expect(second.names).toEqual([])
    expect(second.launched).toBe(0)
    // Reported as kept, with what the report says of them (pages, where the book's articles start).
    const book = second.report.publications[0]!
    expect(book.outputs.map((output) => [path.basename(output.path), output.unchanged])).toEqual([
      ['monthly.pdf', true],
      ['monthly.epub', true]
    ])
    expect(book.outputs[0]!.pages).toBeGreaterThan(1)
    expect(book.articlePages).toHaveLength(2)
    expect(times()).toEqual(before)
    // The second build parsed nothing: the first parse's messages come back with it.
    expect(second.report.sources.map((source) => source.file.messages.length)).toEqual([0, 0])
  })

  it('an edited article: its handout and the book, nothing else', async () => {
    fs.writeFileSync(path.join(root, 'content', 'a.md'), article('Alpha', 'A changed paragraph.'))
    const edited = await made()
    expect(edited.names).toEqual(['a.epub', 'a.pdf', 'monthly.epub', 'monthly.pdf'])
    expect(edited.launched).toBe(1)
    expect(pdfText(out('monthly.pdf'))).toContain('A changed paragraph.')
  })

  it('an edited image: the handout that shows it and the book', async () => {
    // Another valid PNG with other bytes: a text chunk before IEND changes no pixel.
    const iend = red.length - 12
    fs.writeFileSync(path.join(root, 'content', 'pictures', 'red.png'), Buffer.concat([red.subarray(0, iend), pngChunk('tEXt', 'Comment\0edited'), red.subarray(iend)]))
    expect((await made()).names).toEqual(['b.epub', 'b.pdf', 'monthly.epub', 'monthly.pdf'])
  })

  it("an edited print template: every PDF, and the handouts' EPUBs (their page-list comes from the print), not the book's EPUB", async () => {
    fs.appendFileSync(path.join(root, 'templates', 'print.css'), '\nbody { letter-spacing: 0.01em; }\n')
    expect((await made()).names).toEqual(['a.epub', 'a.pdf', 'b.epub', 'b.pdf', 'monthly.pdf'])
  })

  it('an edited EPUB template: every EPUB, and the handouts printed again for their page-lists', async () => {
    fs.mkdirSync(path.join(root, 'templates', 'epub'))
    fs.copyFileSync(path.join(repo, 'templates', 'epub', 'epub.css'), path.join(root, 'templates', 'epub', 'epub.css'))
    fs.appendFileSync(path.join(root, 'templates', 'epub', 'epub.css'), '\np { orphans: 2; }\n')
    expect((await made()).names).toEqual(['a.epub', 'a.pdf', 'b.epub', 'b.pdf', 'monthly.epub'])
  })

  it("another paper size: every PDF and the handouts' EPUBs, not the book's EPUB", async () => {
    expect((await made({pageSize: 'Letter'})).names).toEqual(['a.epub', 'a.pdf', 'b.epub', 'b.pdf', 'monthly.pdf'])
    expect(pdfInfo(out('a.pdf'))['Page size']).toMatch(/^612 x 792/)
  })

  it('an output changed on disk is made again (an EPUB with its print, for its page-list; the PDF bytes are the same, so not rewritten)', async () => {
    fs.writeFileSync(out('b.epub'), 'not an epub')
    const pdf = fs.statSync(out('b.pdf')).mtimeMs
    expect((await made({pageSize: 'Letter'})).names).toEqual(['b.epub', 'b.pdf'])
    expect(fs.statSync(out('b.pdf')).mtimeMs).toBe(pdf)
  })

  it('cache: false makes everything; a deleted cache only makes again (same bytes: files untouched)', async () => {
    expect((await made({pageSize: 'Letter', cache: false})).names).toEqual([...outputs].sort())
    const before = times()
    const bytes = Object.fromEntries(outputs.map((name) => [name, fs.readFileSync(out(name))]))
    fs.rmSync(path.join(root, '.cache'), {recursive: true})
    expect((await made({pageSize: 'Letter'})).names).toEqual([...outputs].sort())
    // Where a rewritten output first differs, should one ever be (a flaky print would show here).
    for (const name of outputs) expect(firstDifference(bytes[name]!, fs.readFileSync(out(name))), name).toBe('')
    expect(times()).toEqual(before)
    expect((await made({pageSize: 'Letter'})).names).toEqual([])
  })
})

describe('the build cache and a book cover', {timeout: 600_000}, () => {
  it("an edited cover image prints on the book's first page (the print cache keys prints by their assets' names)", async () => {
    const {Resvg} = await import('@resvg/resvg-js')
    const solid = (fill: string) => new Resvg(`<svg xmlns="http://www.w3.org/2000/svg" width="60" height="90"><rect width="60" height="90" fill="${fill}"/></svg>`).render().asPng()
    const project = tempProject({
      'content/a.md': article('Alpha', 'A short paragraph.'),
      'covers/cover.png': solid('#ff0000'),
      'handout.config.yaml': 'publications:\n  - name: bk\n    title: Bk\n    sources: content/*.md\n    outputs: [book]\n    cover: covers/cover.png\n'
    })
    try {
      // The colour in the middle of page 1, as pdftoppm draws it.
      const middle = () => {
        const ppm = execFileSync('pdftoppm', ['-r', '10', '-f', '1', '-l', '1', path.join(project, 'dist', 'bk.pdf')])
        const [, width, height] = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 40).toString('latin1'))!.map(Number) as [number, number, number]
        const header = ppm.length - width * height * 3
        const at = header + (Math.floor(height / 2) * width + Math.floor(width / 2)) * 3
        return [...ppm.subarray(at, at + 3)]
      }
      const built = async () => expect((await build({root: project, browser, formats: ['pdf']}, {}, environment)).ok).toBe(true)
      await built()
      expect(middle()).toEqual([255, 0, 0])
      fs.writeFileSync(path.join(project, 'covers', 'cover.png'), solid('#0000ff'))
      await built()
      expect(middle()).toEqual([0, 0, 255])
    } finally {
      fs.rmSync(project, {recursive: true, force: true})
    }
  })
})

describe('the build cache and links between articles', {timeout: 600_000}, () => {
  it('parses a source again when an article it links to goes or comes back: its warnings follow', async () => {
    const project = tempProject({'content/a.md': article('Alpha', 'A short paragraph.'), 'content/b.md': article('Beta', 'See [Alpha](a.md).')})
    try {
      const missing = async () => {
        const report = await build({root: project, formats: ['epub']}, {}, environment)
        return report.sources.flatMap((source) =>
          source.file.messages.filter((message) => message.ruleId === 'cross-reference-missing').map((message) => `${source.name} ${message.line}:${message.column}`)
        )
      }
      expect(await missing()).toEqual([])
      fs.rmSync(path.join(project, 'content', 'a.md'))
      expect(await missing()).toEqual(['b 9:5'])
      fs.writeFileSync(path.join(project, 'content', 'a.md'), article('Alpha', 'Back again.'))
      expect(await missing()).toEqual([])
    } finally {
      fs.rmSync(project, {recursive: true, force: true})
    }
  })
})
