/**
 * PDF streams compressed by Node's zlib instead of pako (zlib in JavaScript),
 * where pdf-lib compresses: the object streams and cross-reference stream
 * of a finished PDF, and the streams a document's context makes (the form
 * XObjects of embedded pages: a book's 590 folios). The content streams that
 * `dropSoftHyphenText` rewrites are compressed by Node's zlib already: the
 * same zlib, the same bytes for the same input.
 *
 * A 600-page book's object streams (4 MB before compression) took 260 to 360
 * ms in pako at its level 6, and 85 ms in Node's zlib at the same level.
 * pdf-lib compresses an object stream when its writer first asks for its
 * size (`computeIndirectObjectSize`); there the stream is given a contents
 * cache that calls `zlib.deflateSync`, before anything reads it.
 */
import zlib from 'node:zlib'
import {Cache, type PDFContext, PDFFlateStream, type PDFObject, type PDFRef, PDFStreamWriter, type PDFRawStream} from 'pdf-lib'

/** The part of a `PDFFlateStream` this writer reaches into (pdf-lib declares it protected). */
interface FlateInternals {
  encode: boolean
  contentsCache: Cache<Uint8Array>
  getUnencodedContents(): Uint8Array
}

/** The writer's method that first asks a stream for its size (protected in pdf-lib's types). */
interface SizeOf {
  computeIndirectObjectSize(entry: [PDFRef, PDFObject]): number
}

/** The bytes of `context`'s document, its objects in compressed object streams of `objectsPerStream`, all at once (no yielding). */
export function serializeWithObjectStreams(context: PDFContext, objectsPerStream: number): Promise<Uint8Array> {
  const writer = PDFStreamWriter.forContext(context, Number.POSITIVE_INFINITY, true, objectsPerStream)
  // pdf-lib's constructor is private: the one writer's method is wrapped.
  const sizing = writer as unknown as SizeOf
  const sizeOf = sizing.computeIndirectObjectSize.bind(writer)
  sizing.computeIndirectObjectSize = ([ref, object]) => {
    if (object instanceof PDFFlateStream) {
      const stream = object as unknown as FlateInternals
      if (stream.encode) stream.contentsCache = Cache.populatedBy(() => zlib.deflateSync(stream.getUnencodedContents()))
    }
    return sizeOf([ref, object])
  }
  return writer.serializeToBuffer()
}

/**
 * Make `context.flateStream` (which pdf-lib's page embedding, among others,
 * calls) compress with Node's zlib, for the rest of the context's life.
 */
export function deflateNatively(context: PDFContext): void {
  context.flateStream = (contents, dict = {}): PDFRawStream =>
    context.stream(zlib.deflateSync(typeof contents === 'string' ? Buffer.from(contents, 'latin1') : contents), {...dict, Filter: 'FlateDecode'})
}
