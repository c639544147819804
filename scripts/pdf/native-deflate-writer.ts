/**
 * pdf-lib's writer with compressed object streams, whose streams are
 * compressed by Node's zlib instead of pako (zlib in JavaScript). pdf-lib
 * compresses an object stream when the writer first asks for its size
 * (`computeIndirectObjectSize`); here that is where the stream is given a
 * contents cache that calls `zlib.deflateSync`, before anything reads it.
 * The content streams that `dropSoftHyphenText` rewrites are compressed by
 * Node's zlib already: the same zlib, the same bytes for the same input.
 *
 * A 600-page book's object streams (4 MB before compression) took 260 to 360
 * ms in pako at its level 6, and 85 ms in Node's zlib at the same level.
 */
import zlib from 'node:zlib'
import {Cache, PDFFlateStream, type PDFObject, type PDFRef, PDFStreamWriter, type PDFContext} from 'pdf-lib'

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
