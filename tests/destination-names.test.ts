/**
 * Destination names over the 127 bytes a PDF name may have (a heading in
 * Devanagari, percent-encoded by Chromium) are shortened, in the document's
 * `Dests` and in the links and bookmarks that name them; short ones stay.
 */
import {PDFArray, PDFDict, PDFDocument, PDFName} from 'pdf-lib'
import {describe, expect, it} from 'vitest'
import {maxNameBytes, shortenDestinationNames} from '../scripts/pdf/destination-names.js'

const long = encodeURIComponent('संविधान-की-प्रस्तावना-और-मौलिक-अधिकार')
const short = 'user-content-fn-1'

async function documentWithLinks(): Promise<PDFDocument> {
  const document = await PDFDocument.create()
  const page = document.addPage()
  const context = document.context
  const target = () => context.obj([page.ref, PDFName.of('XYZ'), 0, 800, 0])
  document.catalog.set(PDFName.of('Dests'), context.obj({[long]: target(), [short]: target()}))
  // A link by `Dest`, a link by a GoTo action, and a bookmark.
  const annots = context.obj([
    context.register(context.obj({Type: 'Annot', Subtype: 'Link', Rect: [0, 0, 10, 10], Dest: PDFName.of(long)})),
    context.register(context.obj({Type: 'Annot', Subtype: 'Link', Rect: [0, 20, 10, 30], A: {S: 'GoTo', D: PDFName.of(long)}})),
    context.register(context.obj({Type: 'Annot', Subtype: 'Link', Rect: [0, 40, 10, 50], Dest: PDFName.of(short)}))
  ])
  page.node.set(PDFName.of('Annots'), annots)
  const outline = context.register(context.obj({Title: 'x', Dest: PDFName.of(long)}))
  document.catalog.set(PDFName.of('Outlines'), context.obj({Type: 'Outlines', First: outline, Last: outline, Count: 1}))
  return document
}

describe('shortenDestinationNames', () => {
  it('renames only names over the limit, the same way every time, and every link and bookmark follows', async () => {
    expect(long.length).toBeGreaterThan(maxNameBytes)
    const document = await documentWithLinks()
    expect(shortenDestinationNames(document)).toBe(1)
    const dests = document.catalog.lookup(PDFName.of('Dests'), PDFDict)
    const names = dests.keys().map((name) => name.decodeText())
    expect(names).toContain(short)
    expect(names).not.toContain(long)
    const renamed = names.find((name) => name !== short)!
    expect(renamed).toMatch(/^d-[0-9a-f]{24}$/)

    const annots = document.getPage(0).node.lookup(PDFName.of('Annots'), PDFArray)
    const links = annots.asArray().map((ref) => document.context.lookup(ref, PDFDict))
    expect(links[0]!.get(PDFName.of('Dest'))).toBe(PDFName.of(renamed))
    expect(links[1]!.lookup(PDFName.of('A'), PDFDict).get(PDFName.of('D'))).toBe(PDFName.of(renamed))
    expect(links[2]!.get(PDFName.of('Dest'))).toBe(PDFName.of(short))
    const outline = document.catalog.lookup(PDFName.of('Outlines'), PDFDict).lookup(PDFName.of('First'), PDFDict)
    expect(outline.get(PDFName.of('Dest'))).toBe(PDFName.of(renamed))

    // Deterministic: another document with the same names gets the same short name.
    const again = await documentWithLinks()
    shortenDestinationNames(again)
    expect(
      again.catalog
        .lookup(PDFName.of('Dests'), PDFDict)
        .keys()
        .map((name) => name.decodeText())
    ).toEqual(names)
  })

  it('leaves a document with short names alone', async () => {
    const document = await PDFDocument.create()
    document.addPage()
    document.catalog.set(PDFName.of('Dests'), document.context.obj({[short]: [document.getPage(0).ref, PDFName.of('Fit')]}))
    expect(shortenDestinationNames(document)).toBe(0)
    expect(shortenDestinationNames(await PDFDocument.create())).toBe(0)
  })
})
