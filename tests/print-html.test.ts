/**
 * `printHtml`, the pipeline's print HTML without a browser (the benchmark's
 * floor prints it): one page per planned product, a handout's print page and a
 * book's final pass with its stylesheet and generated cover.
 */
import {describe, expect, it} from 'vitest'
import {printHtml} from '../scripts/pipeline/print-html.js'
import {tempProject} from './support/tools.js'

const article = (title: string, date: string) => `---\ntitle: ${title}\ndate: ${date}\n---\n\n## A question?\n\nAn answer.\n`

describe('printHtml', () => {
  it('renders the handouts of explicit paths, with the print stylesheet only', async () => {
    const root = tempProject({'content/a.md': article('Alpha', '2024-04-01'), 'content/b.md': article('Beta', '2024-04-02')})
    const pages = await printHtml({root, inputs: ['content/a.md']})
    expect(pages.map((page) => page.name)).toEqual(['a'])
    expect(pages[0]!.html).toContain('Alpha')
    expect(Object.keys(pages[0]!.styles)).toEqual(['print.css'])
    expect(pages[0]!.cover).toBeUndefined()
  })

  it("renders a book-only publication as the book's final pass, with book.css and a PNG cover", async () => {
    const root = tempProject({
      'content/a.md': article('Alpha', '2024-04-01'),
      'content/b.md': article('Beta', '2024-04-02'),
      'handout.config.yaml': ['publications:', '  - name: book', '    title: The Book', '    sources: content/*.md', '    sort: name', '    outputs: [book]', ''].join('\n')
    })
    const pages = await printHtml({root, publication: 'book'})
    expect(pages.map((page) => page.name)).toEqual(['book'])
    const [page] = pages
    expect(page!.html.indexOf('Alpha')).toBeLessThan(page!.html.indexOf('Beta'))
    expect(Object.keys(page!.styles).sort()).toEqual(['book.css', 'print.css'])
    expect(page!.cover?.href).toBe('cover.png')
    expect([...page!.cover!.data.slice(1, 4)]).toEqual([0x50, 0x4e, 0x47])
  })

  it('rejects a source that does not parse', async () => {
    const root = tempProject({'content/bad.md': '---\ntitle: Bad\ndate: [2024\n---\n\nBody.\n'})
    await expect(printHtml({root, inputs: ['content/bad.md']})).rejects.toThrow(/Cannot parse content\/bad\.md/)
  })
})
