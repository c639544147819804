/**
 * The date of a source, for its outputs: front matter `date`, else
 * `SOURCE_DATE_EPOCH`, else the last git commit that touched the file (in a
 * checkout), else its modification time. A README has no front matter, but its
 * last commit says when it was written better than a fresh clone's mtime.
 */
import {execFile} from 'node:child_process'
import fs from 'node:fs/promises'
import path from 'node:path'

/** Options of `sourceDate`. */
export interface SourceDateOptions {
  /** Front matter `date`, `YYYY-MM-DD` (default: none). */
  date?: string | undefined
  /** Seconds since 1970 (`SOURCE_DATE_EPOCH`), used when no `date` is written (default: none). */
  sourceDateEpoch?: number | undefined
  /** Ask git for the file's last commit (default: `true`). */
  git?: boolean
  /** Time allowed for git, in ms (default: `3000`): a slow or huge repository falls back to the mtime. */
  gitTimeout?: number
}

/** Resolve the date of the source at `filePath`, to the second. */
export async function sourceDate(filePath: string, options: SourceDateOptions = {}): Promise<Date> {
  if (options.date !== undefined) return new Date(`${options.date}T00:00:00Z`)
  if (options.sourceDateEpoch !== undefined) return new Date(options.sourceDateEpoch * 1000)
  if (options.git !== false) {
    const seconds = await lastCommitSeconds(filePath, options.gitTimeout ?? 3000)
    if (seconds !== undefined) return new Date(seconds * 1000)
  }
  const stat = await fs.stat(filePath)
  return new Date(Math.floor(stat.mtimeMs / 1000) * 1000)
}

/**
 * Commit time (seconds) of the last commit that touched `filePath`, or
 * `undefined` outside a checkout, for an uncommitted file, without git, or
 * after `timeout` ms. No shell: the path is one argument after `--`.
 */
export function lastCommitSeconds(filePath: string, timeout: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['log', '-1', '--format=%ct', '--', path.basename(filePath)], {cwd: path.dirname(filePath), timeout, maxBuffer: 1024, windowsHide: true}, (error, stdout) => {
      const seconds = Number(String(stdout).trim())
      resolve(error || !Number.isSafeInteger(seconds) || seconds <= 0 ? undefined : seconds)
    })
  })
}
