/**
 * Appending a tagged document to another (a book's runs, `merge-front.ts`):
 * both name their elements from the same counter (`node…`), so the copies'
 * ids take a prefix, in the elements' `ID`, in table cells' `Headers` and in
 * the id tree, and every `Headers` still names the header cell of its own
 * document; a string that is not an id reference (an element's `T`, `Alt`) is
 * left as it was even when it reads like an id.
 */
import {PDFArray, PDFDict, PDFDocument, PDFName, PDFString} from 'pdf-lib'
import {describe, expect, it} from 'vitest'
import {appendDocument} from '../scripts/pdf/merge-front.js'

/** One page, tagged: Document > Table > [TH (id `thId`), TD (headers `headers`, title "node1")]. */
async function taggedTable(caption: string, thId = 'node1', headers = 'node1'): Promise<PDFDocument> {
  const document = await PDFDocument.create()
  const page = document.addPage()
  const context = document.context
  const root = context.nextRef()
  const documentElement = context.nextRef()
  const table = context.nextRef()
  const th = context.register(context.obj({Type: 'StructElem', S: 'TH', P: table, Pg: page.ref, ID: PDFString.of(thId), K: 0}))
  const td = context.register(
    context.obj({Type: 'StructElem', S: 'TD', P: table, Pg: page.ref, T: PDFString.of('node1'), Alt: PDFString.of(caption), A: {O: 'Table', Headers: [PDFString.of(headers)]}, K: 1})
  )
  context.assign(table, context.obj({Type: 'StructElem', S: 'Table', P: documentElement, K: [th, td]}))
  context.assign(documentElement, context.obj({Type: 'StructElem', S: 'Document', P: root, K: [table]}))
  context.assign(root, context.obj({Type: 'StructTreeRoot', K: documentElement, IDTree: {Names: [PDFString.of(thId), th]}, ParentTree: {Nums: []}, ParentTreeNextKey: 0}))
  document.catalog.set(PDFName.of('StructTreeRoot'), root)
  return document
}

const text = (value: unknown) => (value instanceof PDFString ? value.decodeText() : undefined)

describe('appendDocument', () => {
  it("prefixes the appended elements' ids and the headers that name them, and nothing else", async () => {
    const book = await taggedTable('first')
    appendDocument(book, await taggedTable('second'), 1)
    const cells = book.context
      .enumerateIndirectObjects()
      .map(([, object]) => object)
      .filter((object): object is PDFDict => object instanceof PDFDict && object.get(PDFName.of('Type')) === PDFName.of('StructElem'))
    const ths = cells.filter((cell) => cell.get(PDFName.of('S')) === PDFName.of('TH'))
    const tds = cells.filter((cell) => cell.get(PDFName.of('S')) === PDFName.of('TD'))
    expect(ths.map((th) => text(th.get(PDFName.of('ID'))))).toEqual(['node1', 'part1-node1'])
    const headers = tds.map((td) => (td.lookup(PDFName.of('A'), PDFDict).lookup(PDFName.of('Headers'), PDFArray).asArray() as PDFString[]).map(text))
    expect(headers).toEqual([['node1'], ['part1-node1']])
    // A title that reads like an id is text, not a reference.
    expect(tds.map((td) => text(td.get(PDFName.of('T'))))).toEqual(['node1', 'node1'])
    expect(tds.map((td) => text(td.get(PDFName.of('Alt'))))).toEqual(['first', 'second'])
    // The id tree names both header cells, each under its own id.
    const root = book.catalog.lookup(PDFName.of('StructTreeRoot'), PDFDict)
    const names = root.lookup(PDFName.of('IDTree'), PDFDict).lookup(PDFName.of('Names'), PDFArray).asArray()
    expect(names.filter((_, index) => index % 2 === 0).map(text)).toEqual(['node1', 'part1-node1'])
    expect(book.context.lookup(names[3]!)).toBe(ths[1])
  })

  it("prefixes a header reference that names no element of its own document, so it cannot name one of the other's", async () => {
    const book = await taggedTable('first', 'node9', 'node9')
    // The appended cell's header names `node9`, which its document does not have; the book does.
    appendDocument(book, await taggedTable('second', 'node1', 'node9'), 1)
    const tds = book.context
      .enumerateIndirectObjects()
      .map(([, object]) => object)
      .filter((object): object is PDFDict => object instanceof PDFDict && object.get(PDFName.of('S')) === PDFName.of('TD'))
    const headers = tds.map((td) => (td.lookup(PDFName.of('A'), PDFDict).lookup(PDFName.of('Headers'), PDFArray).asArray() as PDFString[]).map(text))
    expect(headers).toEqual([['node9'], ['part1-node9']])
  })
})
