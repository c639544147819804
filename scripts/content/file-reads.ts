/**
 * The files a parse read besides its source (images, a cover, a bibliography,
 * a citation style), each with the hash of the bytes it read (`null`: missing
 * or unreadable), and the files whose existence alone it checked (the
 * articles its links go to). The build cache keeps a parse while every one of
 * them still has the same bytes, and each of the others still exists or not.
 */
import {createHash} from 'node:crypto'
import type {VFile} from 'vfile'

declare module 'vfile' {
  interface DataMap {
    /** Path as the source named it, resolved but not followed (a re-pointed symlink changes its bytes) → SHA-256 of what was read, or `null`. */
    reads: Record<string, string | null>
    /** Path the parse only checked for (a linked article), resolved → whether it was there. */
    found: Record<string, boolean>
  }
}

/** Note that the parse of `file` read `resolved` and got `data` (`undefined`: nothing). */
export function recordRead(file: VFile, resolved: string | undefined, data: Uint8Array | string | undefined): void {
  if (resolved === undefined) return
  file.data.reads ??= {}
  file.data.reads[resolved] = data === undefined ? null : digest(data)
}

/** Note that the parse of `file` looked for `resolved` (without reading it) and found it, or not. */
export function recordFound(file: VFile, resolved: string, found: boolean): void {
  file.data.found ??= {}
  file.data.found[resolved] = found
}

/** SHA-256 of bytes or text, in hex. */
export function digest(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex')
}
