/**
 * The files a parse read besides its source (images, a cover, a bibliography,
 * a citation style), each with the hash of the bytes it read (`null`: missing
 * or unreadable). The build cache keeps a parse while every one of them still
 * has the same bytes.
 */
import {createHash} from 'node:crypto'
import type {VFile} from 'vfile'

declare module 'vfile' {
  interface DataMap {
    /** Path as the source named it, resolved but not followed (a re-pointed symlink changes its bytes) → SHA-256 of what was read, or `null`. */
    reads: Record<string, string | null>
  }
}

/** Note that the parse of `file` read `resolved` and got `data` (`undefined`: nothing). */
export function recordRead(file: VFile, resolved: string | undefined, data: Uint8Array | string | undefined): void {
  if (resolved === undefined) return
  file.data.reads ??= {}
  file.data.reads[resolved] = data === undefined ? null : digest(data)
}

/** SHA-256 of bytes or text, in hex. */
export function digest(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex')
}
