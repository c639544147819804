/**
 * Write outputs so that a reader never sees half a file: write a temporary
 * file beside the target, flush it, then rename it into place. A failure
 * leaves the previous output as it was and no temporary file behind; a killed
 * process can leave one, which `removeStaleTemps` (in `out-dir.ts`) clears at
 * the next start, recognising it by `isTempName`.
 */
import {randomBytes} from 'node:crypto'
import fsSync from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'

const pending = new Set<string>()

// `.<target name>.<12 hex digits>.handout.tmp`: the one definition of our temp names.
const tempSuffix = '.handout.tmp'
const tempPattern = /^\..+\.[0-9a-f]{12}\.handout\.tmp$/

/** The name of a fresh temporary file for `target` (same folder, hidden, ours by its suffix). */
export function tempNameFor(target: string): string {
  return `.${path.basename(target)}.${randomBytes(6).toString('hex')}${tempSuffix}`
}

/** Whether a file name is one of our temporary files (and so ours to remove). */
export function isTempName(name: string): boolean {
  return tempPattern.test(name)
}

/** Atomically replace `target` with `data`. */
export async function writeAtomic(target: string, data: Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(target), {recursive: true})
  const temp = path.join(path.dirname(target), tempNameFor(target))
  pending.add(temp)
  try {
    const handle = await fs.open(temp, 'wx', 0o644)
    try {
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await fs.rename(temp, target)
  } catch (error) {
    await fs.rm(temp, {force: true})
    throw error
  } finally {
    pending.delete(temp)
  }
}

/**
 * Remove temporary files of writes still under way (on Ctrl-C or SIGTERM,
 * before the process exits). Synchronous so it can run in an exit handler.
 */
export function removePendingTemps(): void {
  for (const temp of pending) fsSync.rmSync(temp, {force: true})
  pending.clear()
}
