/**
 * Slow: real READMEs and a CHANGELOG of npm packages (vendored unchanged in
 * `tests/fixtures/readmes/`, with their licences) build as they are, with no
 * front matter: a PDF and an EPUB each, epubcheck 0/0 on every EPUB (one JVM),
 * and only warnings (remote images, relative links) among the messages.
 */
import {execFile as execFileCallback} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {build, type BuildReport} from '../scripts/index.js'
import {browser, environment, pdfText, tempProject} from './support/tools.js'

const execFile = promisify(execFileCallback)
const epubcheckBatch = fileURLToPath(new URL('./support/EpubCheckBatch.java', import.meta.url))
const fixtures = path.join(import.meta.dirname, 'fixtures', 'readmes')
let root: string
let report: BuildReport

beforeAll(async () => {
  root = tempProject({})
  for (const name of fs.readdirSync(fixtures)) {
    if (fs.statSync(path.join(fixtures, name)).isDirectory()) fs.cpSync(path.join(fixtures, name), path.join(root, 'content', name), {recursive: true})
  }
  report = await build({root, browser, sourceDateEpoch: 1_700_000_000}, {}, environment)
}, 300_000)

afterAll(() => fs.rmSync(root, {recursive: true, force: true}))

describe('real READMEs', () => {
  it('build as they are, with warnings only', () => {
    expect(report.sources).toHaveLength(5)
    expect(report.sources.flatMap((source) => source.file.messages.filter((message) => message.fatal).map(String))).toEqual([])
    expect(report.ok).toBe(true)
    const mitt = report.sources.find((source) => source.file.path.includes('mitt'))!
    expect(pdfText(mitt.outputs.find((output) => output.format === 'pdf')!.path)).toContain('Tiny 200b functional event emitter')
  })

  it('pass epubcheck with no error and no warning', async () => {
    const epubs = report.sources.flatMap((source) => source.outputs.filter((output) => output.format === 'epub').map((output) => output.path))
    expect(epubs).toHaveLength(5)
    const {stdout} = await execFile('java', ['-XX:TieredStopAtLevel=1', '-cp', '/usr/share/java/epubcheck.jar', epubcheckBatch, ...epubs], {maxBuffer: 64 * 1024 * 1024}).catch(
      (error: {stdout?: string; message: string}) => ({stdout: error.stdout ?? error.message})
    )
    expect(stdout.split('\n').filter((line) => /^(ERROR|WARNING|FATAL)/.test(line))).toEqual([])
    expect([...stdout.matchAll(/^EPUBCHECK-RESULT (\d+) /gm)].map((match) => match[1])).toEqual(epubs.map(() => '0'))
  }, 300_000)
})
