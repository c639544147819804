/**
 * What the slow tests need from the machine: Chromium, poppler, epubcheck.
 * Missing tools fail the tests (CI installs them); nothing is skipped.
 */
import {execFileSync, spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll} from 'vitest'
import type {BrowserSession} from '../../scripts/pdf/browser.js'
import {findBrowser} from '../../scripts/pdf/find-browser.js'

/** The browser the tests print with: found the way a build finds it (none is an error, not a skip). */
export const browser = process.env.HANDOUT_BROWSER || (await findBrowser({cacheDir: process.env.PUPPETEER_CACHE_DIR})).executablePath
/** Running as root, Chromium needs its sandbox off. */
export const environment = {sandbox: process.getuid?.() !== 0}
/** `shared` as a build may hold it: it prints with it, and its `close()` and `kill()` leave it running. */
export function borrow(shared: BrowserSession): BrowserSession {
  return {executablePath: shared.executablePath, withPage: (site, task) => shared.withPage(site, task), close: async () => {}, kill: () => {}}
}

/** The repository root. */
export const repo = path.resolve(import.meta.dirname, '..', '..')

/** Temporary folders made by this test file: all removed after its last test (a test may remove its own sooner). */
const made: string[] = []
afterAll(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, {recursive: true, force: true})
})

/** A fresh temporary folder, removed after the test file's last test at the latest. */
export function tempDir(prefix = 'handout-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  made.push(dir)
  return dir
}

/** A temp project: `templates/` copied from the repo and the given content files. */
export function tempProject(files: Record<string, string | Uint8Array>): string {
  const root = tempDir()
  fs.cpSync(path.join(repo, 'templates'), path.join(root, 'templates'), {recursive: true})
  for (const [name, value] of Object.entries(files)) {
    const file = path.join(root, name)
    fs.mkdirSync(path.dirname(file), {recursive: true})
    fs.writeFileSync(file, value)
  }
  return root
}

/** Run a tool and return its standard output; throws with its stderr on failure. */
export function run(command: string, args: string[]): string {
  return execFileSync(command, args, {encoding: 'utf8', maxBuffer: 64 * 1024 * 1024})
}

/** Text of a PDF, layout kept (poppler's pdftotext). */
export function pdfText(file: string): string {
  return run('pdftotext', ['-layout', file, '-'])
}

/** `pdfinfo` fields as a record. */
export function pdfInfo(file: string): Record<string, string> {
  const info: Record<string, string> = {}
  for (const line of run('pdfinfo', ['-isodates', file]).split('\n')) {
    const match = /^([^:]+):\s*(.*)$/.exec(line)
    if (match) info[match[1]!] = match[2]!
  }
  return info
}

/** Result of epubcheck: its counts and full output. */
export interface EpubcheckResult {
  fatals: number
  errors: number
  warnings: number
  output: string
}

/** Run epubcheck (Debian's jar) on `file`. */
export function epubcheck(file: string): EpubcheckResult {
  const result = spawnSync('java', ['-XX:TieredStopAtLevel=1', '-jar', '/usr/share/java/epubcheck.jar', file], {encoding: 'utf8'})
  const output = `${result.stdout}\n${result.stderr}`
  const counts = /Messages: (\d+) fatals? \/ (\d+) errors? \/ (\d+) warnings?/.exec(output)
  if (!counts) throw new Error(`epubcheck did not run (is it installed? apt-get install epubcheck):\n${output}`)
  return {fatals: Number(counts[1]), errors: Number(counts[2]), warnings: Number(counts[3]), output}
}
