/**
 * A stable UUID from text: the same text gives the same id on every build
 * (an EPUB's identifier). Kept apart from the parser so that the packagers
 * can use it without loading the Markdown stack.
 */
import {createHash} from 'node:crypto'

/**
 * A name-based UUID (RFC 9562 version 8 layout over SHA-256): the same article
 * (publisher, title, date, name) keeps its identifier across edits, so readers
 * update the book instead of adding a second copy.
 */
export function uuidFrom(value: string): string {
  const bytes = createHash('sha256').update(value).digest().subarray(0, 16)
  bytes[6] = (bytes[6]! & 0x0f) | 0x80
  bytes[8] = (bytes[8]! & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
