/**
 * Write outputs so that a reader never sees half a file: write a temporary
 * file beside the target, flush it, then rename it into place. A failure
 * leaves the previous output as it was and no temporary file behind.
 */
import {randomBytes} from 'node:crypto'
import fs from 'node:fs/promises'
import fsSync from 'node:fs'
import path from 'node:path'

const pending = new Set<string>()

/** Atomically replace `target` with `data`. */
export async function writeAtomic(target: string, data: Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(target), {recursive: true})
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`)
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
