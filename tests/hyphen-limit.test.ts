import {PDFDocument, PDFName} from 'pdf-lib'
import {describe, expect, it} from 'vitest'
import {hyphenRuns} from '../scripts/pdf/hyphen-runs.js'
import {countSoftHyphens, keepWordsWhole, softHyphenOffsets, wordSoftHyphens} from '../scripts/pdf/limit-hyphen-runs.js'
import {cleanPart} from '../scripts/pdf/book-part.js'
import {pageContent} from './support/page-content.js'

const SHY = '\u00AD'

describe('soft hyphens of the HTML', () => {
  const html = `<!doctype html><html><head><title>Ener${SHY}gie</title><style>p::after{content:"${SHY}"}</style></head><body><p title="a${SHY}b > c">Ener${SHY}gie${SHY}wende und Kern${SHY}ener${SHY}gie</p><!-- x${SHY}y --><p><em>Spei${SHY}cher</em>${SHY}tech${SHY}nik</p></body></html>`

  it('are counted in the body’s text only (not the head, attributes, comments or styles)', () => {
    expect(countSoftHyphens(html)).toBe(7)
    expect(softHyphenOffsets(html).map((offset) => html.slice(offset + 1, offset + 4))).toEqual(['gie', 'wen', 'ene', 'gie', 'che', 'tec', 'nik'])
  })

  it('are taken out of the whole word around the given ones, and reported by ordinal', () => {
    const {html: whole, removed} = keepWordsWhole(html, new Set([1]))
    expect(removed).toEqual([0, 1])
    expect(whole).toContain('>Energiewende und Kern\u00ADener\u00ADgie<')
    expect(whole).toContain(`title="a${SHY}b > c"`)
    expect(countSoftHyphens(whole)).toBe(5)
    // A word split by a tag: the part on the hyphen's side only.
    expect(keepWordsWhole(html, new Set([5])).html).toContain(`<em>Spei${SHY}cher</em>technik`)
    expect(keepWordsWhole(html, new Set([99]))).toEqual({html, removed: []})
  })

  it('of one word are found from any of them, not across a space or a tag', () => {
    const offsets = softHyphenOffsets(html)
    expect([0, 1, 2, 3, 4, 5, 6, 99].map((ordinal) => wordSoftHyphens(html, offsets, ordinal))).toEqual([[0, 1], [0, 1], [2, 3], [2, 3], [4], [5, 6], [5, 6], []])
  })
})

/** A one-page PDF whose content is `content`, with a composite font `F1` (glyph 1 is 500/1000 wide, the rest 600). */
async function pdfWith(content: string): Promise<Uint8Array> {
  const document = await PDFDocument.create()
  const page = document.addPage([600, 800])
  const {context} = document
  const descendant = context.obj({Type: 'Font', Subtype: 'CIDFontType2', DW: 600, W: [1, [500]]})
  const font = context.obj({Type: 'Font', Subtype: 'Type0', DescendantFonts: [context.register(descendant)]})
  page.node.setFontDictionary(PDFName.of('F1'), context.register(font))
  page.node.set(PDFName.of('Contents'), context.register(context.flateStream(content)))
  return document.save()
}

/** A body line at `y` as Chromium writes it: glyphs placed by `Td`, a soft hyphen's span, and the drawn hyphen when `hyphenated`. */
function line(y: number, hyphenated: boolean, gap = 0): string {
  const glyphs = `1 0 0 -1 0 ${y} Tm\n<0002> Tj\n${6 + gap} 0 Td <0001> Tj\n${5 + gap} 0 Td <0002> Tj\n`
  const softHyphen = '/Span<</ActualText <FEFF00AD> >> BDC\n6 0 Td <0001> Tj\nEMC\n'
  const drawn = hyphenated ? `BT\n/F1 10 Tf\n1 0 0 -1 500 ${y} Tm\n<0003> Tj\nET\n` : ''
  return `BT\n/F1 10 Tf\n${glyphs}${softHyphen}ET\n${drawn}`
}

describe('runs of hyphenated lines in the PDF', () => {
  it('are the lines ending at a drawn soft hyphen, in a row, by soft hyphen ordinal', async () => {
    const content = ['/NonStruct <</MCID 0 >>BDC\n', line(100, true), line(120, true), line(140, true), line(160, false), line(180, true), line(200, true), 'EMC\n'].join('')
    const read = await hyphenRuns(await pdfWith(content), 2)
    expect(read.softHyphens).toBe(6)
    expect(read.runs).toEqual([[0, 1, 2]])
    expect((await hyphenRuns(await pdfWith(content), 1)).runs).toEqual([
      [0, 1, 2],
      [4, 5]
    ])
  })

  it('are not split by a smaller superscript between two lines', async () => {
    const superscript = 'BT\n/F1 7 Tf\n1 0 0 -1 300 112 Tm\n<0002> Tj\nET\n'
    const read = await hyphenRuns(await pdfWith(line(100, true) + superscript + line(120, true) + line(140, true)), 2)
    expect(read.runs).toEqual([[0, 1, 2]])
  })

  it('measure how far a line was stretched beyond its glyphs, in ems', async () => {
    const tight = await hyphenRuns(await pdfWith(line(100, false)), 2)
    expect(tight.looseness).toBeCloseTo(0, 5)
    const loose = await hyphenRuns(await pdfWith(line(100, false) + line(120, false, 15)), 2)
    // 15 units beyond a 10-unit font's advances: 1.5 em, after the first line's soft hyphen.
    expect(loose.looseness).toBeCloseTo(1.5, 5)
    expect(loose.stretches).toEqual([[1, 1.5]])
  })
})

/** The first page's content stream, inflated. */
async function contentOf(pdf: Uint8Array): Promise<string> {
  return pageContent(await PDFDocument.load(pdf), 0)
}

describe('soft hyphens out of a printed part', () => {
  it("empty their spans' ActualText, and leave the content of a part without any as it was", async () => {
    const hyphenated = await pdfWith(line(100, true) + line(120, false))
    expect(await contentOf(hyphenated)).toContain('<FEFF00AD>')
    const cleaned = await cleanPart(hyphenated)
    const text = await contentOf(cleaned)
    expect(text).not.toMatch(/00ad/i)
    expect(text.match(/\/ActualText <feff>/g)).toHaveLength(2)
    // The glyphs are all still there.
    expect(text.match(/Tj/g)).toHaveLength((await contentOf(hyphenated)).match(/Tj/g)!.length)
    const plain = await pdfWith('BT\n/F1 10 Tf\n1 0 0 -1 0 100 Tm\n<0002> Tj\nET\n')
    expect(await contentOf(await cleanPart(plain))).toBe(await contentOf(plain))
  })
})
