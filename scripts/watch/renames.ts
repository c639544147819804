/**
 * Sources that disappeared between two scans: a source gone while one with
 * the same bytes appeared was renamed (its outputs move at once, and stay
 * valid if the new name fails to build); any other is deleted (its outputs go).
 */
import {createHash} from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import type {Format} from '../config/schema.js'
import type {SourceEntry} from '../content/find-sources.js'

/** What happened to the outputs of sources that went away. */
export interface Renames {
  /** Output base names whose outputs were moved (their source was renamed). */
  moved: Array<{from: string; to: string}>
  /** Output base names whose outputs were deleted (their source is gone). */
  removed: string[]
  /** Source paths that are gone (renamed or deleted). */
  gone: string[]
}

/** The sources of the last scan, with the hash of their bytes when last read. */
export interface KnownSources {
  /** Source path → output base name. */
  names: Map<string, string>
  /** Source path → sha-256 of its bytes. */
  hashes: Map<string, string>
}

/**
 * Compare the new scan `sources` with `known` (updated in place): move the
 * outputs of renamed sources and delete those of deleted ones. `edited` are
 * paths whose bytes changed since they were hashed.
 */
export async function applyRenames(known: KnownSources, sources: readonly SourceEntry[], edited: ReadonlySet<string>, outDir: string, formats: readonly Format[]): Promise<Renames> {
  const next = new Map(sources.map((source) => [source.path, source.name]))
  const nextNames = new Set(next.values())
  const gone = [...known.names].filter(([file]) => !next.has(file))
  const moved: Renames['moved'] = []
  const claimed = new Set<string>()
  for (const source of sources) {
    if (known.names.has(source.path) && !edited.has(source.path) && known.hashes.has(source.path)) continue
    const hash = await hashFile(source.path)
    if (hash !== undefined) known.hashes.set(source.path, hash)
    if (known.names.has(source.path)) continue
    const twin = gone.find(([file, name]) => !claimed.has(file) && known.hashes.get(file) === hash && !nextNames.has(name))
    if (!twin) continue
    claimed.add(twin[0])
    await moveOutputs(outDir, formats, twin[1], source.name)
    moved.push({from: twin[1], to: source.name})
  }
  const removed: string[] = []
  for (const [file, name] of gone) {
    known.hashes.delete(file)
    if (claimed.has(file) || nextNames.has(name)) continue
    await removeOutputs(outDir, formats, name)
    removed.push(name)
  }
  known.names = next
  return {moved, removed, gone: gone.map(([file]) => file)}
}

async function hashFile(file: string): Promise<string | undefined> {
  try {
    return createHash('sha256')
      .update(await fs.readFile(file))
      .digest('hex')
  } catch {
    // Gone again already: the next event deals with it.
    return undefined
  }
}

async function removeOutputs(outDir: string, formats: readonly Format[], name: string): Promise<void> {
  for (const format of formats) await fs.rm(path.join(outDir, `${name}.${format}`), {force: true})
}

async function moveOutputs(outDir: string, formats: readonly Format[], from: string, to: string): Promise<void> {
  for (const format of formats) {
    await fs.rename(path.join(outDir, `${from}.${format}`), path.join(outDir, `${to}.${format}`)).catch((error: NodeJS.ErrnoException) => {
      // A source that never built has nothing to move.
      if (error.code !== 'ENOENT') throw error
    })
  }
}
