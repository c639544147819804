/**
 * The EPUB page-list's parts: probes in the print tree, page starts read
 * from a PDF's named destinations, markers inserted before the block in
 * which each page begins. (The whole path, with Chromium: page-list.slow.test.ts.)
 */
import type {Root} from 'hast'
import {toHtml} from 'hast-util-to-html'
import {PDFDocument, PDFName, PDFNumber} from 'pdf-lib'
import {describe, expect, it} from 'vitest'
import {pageStarts} from '../scripts/pdf/page-starts.js'
import {addPageMarkers, pageStartProbes} from '../scripts/render/epub-page-list.js'

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
  it('gives top-level blocks probe ids, an anchor after their last text and links, keeping ids they have', () => {
    const list = {
      type: 'element' as const,
      tagName: 'ul',
      properties: {},
      children: [{type: 'element' as const, tagName: 'li', properties: {}, children: [paragraph(undefined, 'c')]}]
    }
    const rule = {type: 'element' as const, tagName: 'hr', properties: {}, children: []}
    const tree: Root = {type: 'root', children: [paragraph(undefined, 'a'), paragraph('intro', 'b'), list, rule]}
    expect(pageStartProbes(tree)).toEqual([{id: 'page-probe-1', end: 'page-probe-end-1'}, {id: 'intro', end: 'page-probe-end-2'}, {id: 'page-probe-3', end: 'page-probe-end-3'}, {id: 'page-probe-4'}])
    expect(toHtml(tree)).toBe(
      '<p id="page-probe-1">a<a id="page-probe-end-1"></a></p><p id="intro">b<a id="page-probe-end-2"></a></p>' +
        '<ul id="page-probe-3"><li><p>c<a id="page-probe-end-3"></a></p></li></ul><hr id="page-probe-4">' +
        '<div class="page-probes" aria-hidden="true"><a href="#page-probe-1"></a><a href="#page-probe-end-1"></a><a href="#intro"></a><a href="#page-probe-end-2"></a>' +
        '<a href="#page-probe-3"></a><a href="#page-probe-end-3"></a><a href="#page-probe-4"></a></div>'
    )
  })

  it('finds the block each page begins in: one running over from the page before, else the first starting on it', async () => {
    // pb-2 runs from page 1 to 2; pb-4 from page 3 over 4 and 5; page 6 begins at pb-5.
    const pdf = await pdfWith(6, {'pb-1': 1, 'pb-1-end': 1, 'pb-2': 1, 'pb-2-end': 2, 'pb-3': 2, 'pb-3-end': 3, 'pb-4': 3, 'pb-4-end': 5, 'pb-5': 6, 'pb-5-end': 6})
    const probes = [1, 2, 3, 4, 5].map((n) => ({id: `pb-${n}`, end: `pb-${n}-end`}))
    expect(await pageStarts(pdf, probes)).toEqual([
      {page: 2, id: 'pb-2'},
      {page: 3, id: 'pb-3'},
      {page: 4, id: 'pb-4'},
      {page: 5, id: 'pb-4'},
      {page: 6, id: 'pb-5'}
    ])
  })

  it('leaves out a page on which no probe landed', async () => {
    const pdf = await pdfWith(3, {'pb-1': 1, 'pb-2': 3})
    expect(await pageStarts(pdf, [{id: 'pb-1'}, {id: 'pb-2'}])).toEqual([{page: 3, id: 'pb-2'}])
  })

  it('marks each page start in the chapter and lists the pages for the nav', () => {
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
  })

  it('puts the markers of pages that begin in the same block together, in order', () => {
    const tree: Root = {type: 'root', children: [paragraph('pb-1', 'a'), paragraph('pb-2', 'b')]}
    const entries = addPageMarkers(
      tree,
      [
        {page: 2, id: 'pb-2'},
        {page: 3, id: 'pb-2'}
      ],
      'article.xhtml'
    )
    expect(toHtml(tree)).toBe(
      '<span epub:type="pagebreak" role="doc-pagebreak" id="page-1" aria-label="1"></span><p id="pb-1">a</p>' +
        '<span epub:type="pagebreak" role="doc-pagebreak" id="page-2" aria-label="2"></span><span epub:type="pagebreak" role="doc-pagebreak" id="page-3" aria-label="3"></span><p id="pb-2">b</p>'
    )
    expect(entries.map((entry) => entry.href)).toEqual(['article.xhtml#page-1', 'article.xhtml#page-2', 'article.xhtml#page-3'])
  })
})
