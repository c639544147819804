/**
 * The EPUB page-list's parts: page starts read from a PDF's named
 * destinations, markers inserted before each page's first block, the nav.
 */
import type {Root} from 'hast'
import {toHtml} from 'hast-util-to-html'
import {PDFDocument, PDFName, PDFNumber} from 'pdf-lib'
import {describe, expect, it} from 'vitest'
import {pageStarts} from '../scripts/pdf/page-starts.js'
import {addPageMarkers, pageListNav, pageStartProbes} from '../scripts/render/epub-page-list.js'

const paragraph = (id: string | undefined, text: string) => ({type: 'element' as const, tagName: 'p', properties: id ? {id} : {}, children: [{type: 'text' as const, value: text}]})

/** A PDF of `pageCount` pages with a named destination per id, on the given page. */
async function pdfWith(pageCount: number, dests: Record<string, number>): Promise<Uint8Array> {
  const document = await PDFDocument.create()
  const pages = Array.from({length: pageCount}, () => document.addPage())
  const dict = document.context.obj({})
  for (const [name, page] of Object.entries(dests)) {
    dict.set(PDFName.of(name), document.context.obj([pages[page - 1]!.ref, PDFName.of('XYZ'), PDFNumber.of(0), PDFNumber.of(800), PDFNumber.of(0)]))
  }
  document.catalog.set(PDFName.of('Dests'), dict)
  return document.save()
}

describe('EPUB page-list', () => {
  it('gives top-level blocks probe ids and links, keeping ids they have', () => {
    const tree: Root = {type: 'root', children: [paragraph(undefined, 'a'), paragraph('intro', 'b')]}
    expect(pageStartProbes(tree)).toEqual(['page-probe-1', 'intro'])
    expect(toHtml(tree)).toBe('<p id="page-probe-1">a</p><p id="intro">b</p><div class="page-probes" aria-hidden="true"><a href="#page-probe-1"></a><a href="#intro"></a></div>')
  })

  it('finds the first block starting on each page; a page inside one long block has none', async () => {
    const pdf = await pdfWith(4, {'pb-1': 1, 'pb-2': 1, 'pb-3': 2, 'pb-4': 4})
    expect(await pageStarts(pdf, ['pb-1', 'pb-2', 'pb-3', 'pb-4'])).toEqual([
      {page: 1, id: 'pb-1'},
      {page: 2, id: 'pb-3'},
      {page: 4, id: 'pb-4'}
    ])
  })

  it('marks each page start in the chapter and lists the pages in a nav', () => {
    const tree: Root = {type: 'root', children: [paragraph('pb-1', 'a'), paragraph('pb-2', 'b'), paragraph('pb-3', 'c')]}
    const entries = addPageMarkers(
      tree,
      [
        {page: 1, id: 'pb-1'},
        {page: 2, id: 'pb-3'}
      ],
      'article.xhtml'
    )
    expect(toHtml(tree)).toBe(
      '<span epub:type="pagebreak" role="doc-pagebreak" id="page-1" aria-label="1"></span><p id="pb-1">a</p><p id="pb-2">b</p><span epub:type="pagebreak" role="doc-pagebreak" id="page-2" aria-label="2"></span><p id="pb-3">c</p>'
    )
    expect(entries).toEqual([
      {label: '1', href: 'article.xhtml#page-1'},
      {label: '2', href: 'article.xhtml#page-2'}
    ])
    expect(pageListNav(entries, 'Pages')).toBe(
      '<nav epub:type="page-list" role="doc-pagelist" aria-label="Pages" hidden="hidden"><ol><li><a href="article.xhtml#page-1">1</a></li><li><a href="article.xhtml#page-2">2</a></li></ol></nav>'
    )
  })
})
