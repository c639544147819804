/**
 * Ace by DAISY, the accessibility checker EPUB publishers use. Installed on
 * first use into `.cache/ace` (npm, `--ignore-scripts`: its Electron download
 * fails offline and the Puppeteer runner does not need it), then run with the
 * tests' Chromium.
 */
import {execFile, execFileSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {browser, repo, tempDir} from './tools.js'

/** The Ace version the tests use. */
export const aceVersion = '1.4.6'
const prefix = path.join(repo, '.cache', 'ace')
const bin = path.join(prefix, 'node_modules', '.bin', 'ace-puppeteer')

/** Install Ace if it is not there yet; returns the runner's path. */
export function ensureAce(): string {
  const manifest = path.join(prefix, 'node_modules', '@daisy', 'ace', 'package.json')
  const installed = fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as {version: string}).version === aceVersion
  if (!installed) {
    // Test files run two at a time: one installs, the other waits for it.
    withLock(`${prefix}.lock`, () => {
      const done = fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as {version: string}).version === aceVersion
      if (done) return
      fs.mkdirSync(prefix, {recursive: true})
      execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--no-save', '--prefix', prefix, `@daisy/ace@${aceVersion}`], {stdio: 'inherit'})
    })
  }
  return bin
}

/** Run `task` holding `lock` (a folder: `mkdir` is atomic); a lock older than 10 minutes is a killed run's. */
function withLock(lock: string, task: () => void): void {
  fs.mkdirSync(path.dirname(lock), {recursive: true})
  for (;;) {
    try {
      fs.mkdirSync(lock)
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const age = Date.now() - (fs.statSync(lock, {throwIfNoEntry: false})?.mtimeMs ?? Date.now())
      if (age > 600_000) fs.rmSync(lock, {recursive: true, force: true})
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500)
    }
  }
  try {
    task()
  } finally {
    fs.rmSync(lock, {recursive: true, force: true})
  }
}

/** One Ace finding. */
export interface AceViolation {
  rule: string
  impact: string
  file: string
  description: string
}

/**
 * Run Ace on `epub`; its violations (empty when it passes). Asynchronous, so a
 * test can check several EPUBs at once: most of a run is Ace starting Node and
 * its own Chromium.
 */
export async function ace(epub: string): Promise<AceViolation[]> {
  const runner = ensureAce()
  const out = tempDir('ace-')
  const run = (flags: string[]) =>
    new Promise<{code: number | string | null; stdout: string; stderr: string}>((resolve) => {
      execFile(
        runner,
        [...flags, '-o', out, epub],
        {encoding: 'utf8', env: {...process.env, PUPPETEER_EXECUTABLE_PATH: browser}, timeout: 180_000, maxBuffer: 64 * 1024 * 1024},
        (error, stdout, stderr) => resolve({code: error ? (error.code ?? error.signal ?? null) : 0, stdout, stderr})
      )
    })
  try {
    const reportFile = path.join(out, 'report.json')
    // Ace itself crashed twice in 2026-11-29's full runs (exit 1, no report, on a loaded
    // machine; not reproduced alone): a crash is not a finding, so it runs once more,
    // verbose, and a second crash fails with the end of its log.
    if ((await run(['-s'])).code !== 0 && !fs.existsSync(reportFile)) {
      const again = await run(['--verbose'])
      if (!fs.existsSync(reportFile)) throw new Error(`Ace wrote no report, twice (exit ${again.code}):\n${again.stdout.split('\n').slice(-40).join('\n')}\n${again.stderr}`)
    }
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as {
      assertions: Array<{'earl:testSubject': {url: string}; assertions: Array<{'earl:test': {'dct:title': string; 'earl:impact': string}; 'earl:result': {'dct:description': string}}>}>
    }
    return report.assertions.flatMap((subject) =>
      subject.assertions.map((assertion) => ({
        rule: assertion['earl:test']['dct:title'],
        impact: assertion['earl:test']['earl:impact'],
        file: subject['earl:testSubject'].url,
        description: assertion['earl:result']['dct:description']
      }))
    )
  } finally {
    fs.rmSync(out, {recursive: true, force: true})
  }
}
