/** A PDF page's content, as a reader of its operators sees it. */
import zlib from 'node:zlib'
import {PDFArray, type PDFDocument, PDFName, PDFRawStream} from 'pdf-lib'

/** The content streams of page `index` (0-based) of `document`, inflated and joined; throws on a content that is not a stream. */
export function pageContent(document: PDFDocument, index: number): string {
  const contents = document.getPage(index).node.get(PDFName.of('Contents'))
  const refs = contents instanceof PDFArray ? contents.asArray() : [contents]
  return refs
    .map((ref) => {
      const stream = ref ? document.context.lookup(ref) : undefined
      if (!(stream instanceof PDFRawStream)) throw new Error(`page ${index + 1}: a content that is not a stream`)
      return zlib.inflateSync(stream.contents).toString('latin1')
    })
    .join('\n')
}
