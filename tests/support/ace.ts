/**
 * Ace by DAISY, the accessibility checker EPUB publishers use. Installed on
 * first use into `.cache/ace` (npm, `--ignore-scripts`: its Electron download
 * fails offline and the Puppeteer runner does not need it), then run with the
 * tests' Chromium.
 */
import {execFileSync, spawnSync} from 'node:child_process'
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
    fs.mkdirSync(prefix, {recursive: true})
    execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--no-save', '--prefix', prefix, `@daisy/ace@${aceVersion}`], {stdio: 'inherit'})
  }
  return bin
}

/** One Ace finding. */
export interface AceViolation {
  rule: string
  impact: string
  file: string
  description: string
}

/** Run Ace on `epub`; its violations (empty when it passes). */
export function ace(epub: string): AceViolation[] {
  const runner = ensureAce()
  const out = tempDir('ace-')
  try {
    const result = spawnSync(runner, ['-s', '-o', out, epub], {encoding: 'utf8', env: {...process.env, PUPPETEER_EXECUTABLE_PATH: browser}, timeout: 180_000})
    const reportFile = path.join(out, 'report.json')
    if (!fs.existsSync(reportFile)) throw new Error(`Ace wrote no report (exit ${result.status}):\n${result.stdout}\n${result.stderr}`)
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
