/**
 * The output folder before and around writing: create it (a file in its place
 * is a usage error), clear temporary files a killed build left in it, and
 * turn file-system errors into one sentence that names the output and says
 * what to do.
 */
import type {Dirent} from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import {isTempName} from './write-atomic.js'

/**
 * The output folder cannot be used (a file stands in its place, or it cannot
 * be created or written). A usage error, meant for exit status 2 in the CLI.
 */
export class OutDirError extends Error {
  override name = 'OutDirError'
  /** The output folder as given. */
  readonly outDir: string

  constructor(outDir: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.outDir = outDir
  }
}

/**
 * Create `outDir` (and its parents) and check that it can be written. Throws
 * an `OutDirError` naming the folder when a file stands in its place or on
 * its path (EEXIST, ENOTDIR), or when it cannot be created or written
 * (EACCES, EPERM, EROFS); other errors as `describeWriteError` words them.
 */
export async function prepareOutDir(outDir: string): Promise<void> {
  try {
    await fs.mkdir(outDir, {recursive: true})
    await fs.access(outDir, fs.constants.W_OK)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw new OutDirError(outDir, `The output folder \`${outDir}\` is a file (or lies below one): move that file, or choose another --out`, {cause: error})
    }
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      throw new OutDirError(outDir, `Cannot create or write the output folder \`${outDir}\` (${code}): make it writable, or choose another --out`, {cause: error})
    }
    throw describeWriteError(error, outDir)
  }
}

/** What `removeStaleTemps` removes. */
export interface StaleTempOptions {
  /**
   * Only temporary files last modified before this time: pass the time this
   * process started, so that a write under way in this process is never
   * touched (one by another build running at the same time in the same
   * folder is seconds old at most; pass an earlier time to leave it more room).
   */
  olderThan: Date
}

/**
 * Remove, from `outDir` itself (not its subfolders), the temporary files of
 * our own naming pattern (`isTempName`) older than `options.olderThan`: what
 * a killed build left behind. No other file is touched, nor symlinks. A
 * missing folder is no error. Resolves with the paths removed.
 */
export async function removeStaleTemps(outDir: string, options: StaleTempOptions): Promise<string[]> {
  let entries: Dirent[]
  try {
    entries = await fs.readdir(outDir, {withFileTypes: true})
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return []
    throw error
  }
  const removed: string[] = []
  for (const entry of entries) {
    if (!entry.isFile() || !isTempName(entry.name)) continue
    const file = path.join(outDir, entry.name)
    try {
      const stat = await fs.lstat(file)
      if (!stat.isFile() || stat.mtimeMs >= options.olderThan.getTime()) continue
      await fs.rm(file)
      removed.push(file)
    } catch {
      // Gone meanwhile (another build cleaned it), or not ours to remove: leave it.
    }
  }
  return removed
}

// What each error code means for an output, and what to do about it.
const advice: Record<string, (target: string) => string> = {
  ENOSPC: (target) => `No space left on device writing \`${target}\`: free some space or choose another --out`,
  EDQUOT: (target) => `Disk quota exceeded writing \`${target}\`: free some space or choose another --out`,
  EACCES: (target) => `Permission denied writing \`${target}\`: make its folder writable or choose another --out`,
  EPERM: (target) => `Not permitted to write \`${target}\`: make it and its folder writable or choose another --out`,
  EEXIST: (target) => `Cannot write \`${target}\`: a file stands where a folder on its path should be: move that file or choose another --out`,
  EROFS: (target) => `Read-only file system writing \`${target}\`: choose another --out on a writable disk`,
  ENOTDIR: (target) => `Cannot write \`${target}\`: part of its path is a file, not a folder: move that file or choose another --out`,
  EISDIR: (target) => `Cannot write \`${target}\`: a folder stands in its place: move that folder or choose another --out`
}

/**
 * An `Error` saying in one sentence why `target` (an output path, as it
 * should be shown) could not be written and what to do, for ENOSPC, EDQUOT,
 * EACCES, EPERM, EEXIST, EROFS, ENOTDIR and EISDIR; other errors get a
 * general sentence with their code. The original error is its `cause`.
 */
export function describeWriteError(error: unknown, target: string): Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  const describe = code !== undefined && Object.hasOwn(advice, code) ? advice[code] : undefined
  const message = describe ? describe(target) : `Cannot write \`${target}\` (${code ?? (error instanceof Error ? error.message : String(error))}): check the output folder or choose another --out`
  return new Error(message, {cause: error})
}
