/**
 * Hostile-fixture suite (issue 5), slow: every folder under
 * `tests/fixtures/hostile/` is built with the real `build()` (PDF + EPUB,
 * Chromium) in a project of its own, and for every one of them the same
 * guarantees are checked automatically:
 *
 * - a canary HTTP server on 127.0.0.1 receives no request at all;
 * - a canary file beside the project (a secret string, also inside a real PNG)
 *   never shows in the PDF's text nor in any EPUB entry, nor does /etc/passwd;
 * - every PDF parses (`pdfinfo`), every EPUB passes epubcheck (one JVM, batch
 *   over all fixtures' EPUBs in the last test);
 * - no temporary file and no Chromium process is left behind. The first
 *   fixture's build launches its own browser and must close it; the others
 *   print through one session of this file, as the sources of one build do
 *   (a build given a session launches none of its own, and any Chromium a
 *   build started would carry this file's marker);
 * - every message has a line, and the report has no stack trace.
 *
 * A fixture is `input.md` (plus any files it needs) and `expected.json`:
 * whether the build fails, messages by `ruleId` (and a `reason` substring and
 * `line` when given; with `onlyThese`, no other message), text the PDF must show, at most how many pages, and
 * symlinks to make at run time; optionally the paths to build (`inputs`,
 * instead of the whole project) and `rejects`: the build must refuse to start
 * with an error saying so (a usage error such as a source outside the
 * project), with no output, no request and no canary in the message.
 * Placeholders in `input.md`: `CANARY_URL`
 * (`http://127.0.0.1:<port>/<case>`) and `CANARY_DIR` (absolute path of the
 * folder holding the canary files); `../../canary/` reaches it from `content/`.
 */
import {execFile as execFileCallback} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import {afterAll, beforeAll, expect, test} from 'vitest'
import {reporter} from 'vfile-reporter'
import {build} from '../scripts/index.js'
import {type BrowserSession, launchBrowser} from '../scripts/pdf/browser.js'
import {greyPng} from './support/png.js'
import {borrow} from './support/tools.js'

const execFile = promisify(execFileCallback)
const fixturesDir = fileURLToPath(new URL('./fixtures/hostile/', import.meta.url))
const templatesDir = fileURLToPath(new URL('../templates/', import.meta.url))
const epubcheckBatch = fileURLToPath(new URL('./support/EpubCheckBatch.java', import.meta.url))
const browser = '/usr/bin/chromium'

interface ExpectedMessage {
  ruleId: string
  reason?: string
  line?: number
}

interface Expected {
  description: string
  fails: boolean
  messages: ExpectedMessage[]
  /** No message but those of `messages` (one each). */
  onlyThese?: boolean
  /** Strings `pdftotext` must find. */
  pdfText?: string[]
  maxPages?: number
  /** Link (relative to the project) → target (`CANARY_DIR` substituted). */
  symlinks?: Record<string, string>
  /** Paths to build, relative to the project (default: the whole project). */
  inputs?: string[]
  /** The build must reject with an error whose message contains this. */
  rejects?: string
}

const cases = fs
  .readdirSync(fixturesDir, {withFileTypes: true})
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort()

let base = ''
let canaryDir = ''
let secret = ''
let port = 0
let server: http.Server | undefined
const requests: string[] = []
// Every Chromium we start inherits this variable: how we find ours among other test runs'.
const processMarker = `HANDOUT_SECURITY_RUN=${randomBytes(8).toString('hex')}`
const epubs: Array<{name: string; path: string}> = []
/** The browser every fixture prints with (launched before the marker is set: it is not counted as left behind). */
let shared: BrowserSession | undefined
/** What a build is given: the shared session, which the build's `close()` leaves open. */
const borrowed = (): {sandbox: false; session: Promise<BrowserSession>} => ({
  sandbox: false,
  session: Promise.resolve(borrow(shared!))
})

beforeAll(async () => {
  shared = await launchBrowser({executablePath: browser, sandbox: false})
  // Started (Chromium spawned) before the marker below exists in this process's environment.
  await shared.withPage(
    () => undefined,
    async () => {}
  )
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'handout-security-'))
  canaryDir = path.join(base, 'canary')
  fs.mkdirSync(canaryDir)
  secret = `HANDOUT-CANARY-${randomBytes(12).toString('hex')}`
  fs.writeFileSync(path.join(canaryDir, 'secret.txt'), `${secret}\n`)
  // A real image, so that only the path check (not the type check) can keep it out.
  fs.writeFileSync(path.join(canaryDir, 'canary.png'), greyPng(2, 2, secret))

  server = http.createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`)
    response.writeHead(200, {'content-type': 'image/png'}).end(greyPng(2, 2, 'served'))
  })
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  port = (server.address() as {port: number}).port

  const [name, value] = processMarker.split('=') as [string, string]
  process.env[name] = value
})

afterAll(async () => {
  await shared?.close()
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  if (base) fs.rmSync(base, {recursive: true, force: true})
})

for (const name of cases) {
  const expected = JSON.parse(fs.readFileSync(path.join(fixturesDir, name, 'expected.json'), 'utf8')) as Expected

  test(`hostile fixture ${name}: ${expected.description}`, async () => {
    const project = path.join(base, name)
    const content = path.join(project, 'content')
    fs.mkdirSync(content, {recursive: true})
    fs.cpSync(templatesDir, path.join(project, 'templates'), {recursive: true})
    const substitute = (text: string) => text.replaceAll('CANARY_URL', `http://127.0.0.1:${port}/${name}`).replaceAll('CANARY_DIR', canaryDir)
    for (const file of fs.readdirSync(path.join(fixturesDir, name))) {
      if (file === 'expected.json') continue
      const data = fs.readFileSync(path.join(fixturesDir, name, file))
      // latin1 round-trips every byte: invalid UTF-8 and NUL fixtures stay as they are.
      fs.writeFileSync(path.join(content, file), Buffer.from(substitute(data.toString('latin1')), 'latin1'))
    }
    for (const [link, target] of Object.entries(expected.symlinks ?? {})) {
      fs.symlinkSync(substitute(target), path.join(project, link))
    }
    const requestsBefore = requests.length
    const options = {root: project, browser, sourceDateEpoch: 1_704_067_200, ...(expected.inputs ? {inputs: expected.inputs} : {})}
    if (expected.rejects !== undefined) return expectRefused(options, expected.rejects, requestsBefore)

    // The first fixture launches and closes a browser of its own, as a lone build does: the check below then covers that path too.
    const report = await build(options, {}, name === cases[0] ? {sandbox: false} : borrowed())

    expect(report.sources).toHaveLength(1)
    const source = report.sources[0]!
    const messages = source.file.messages
    const listing = messages.map((message) => `${message.line ?? '?'}:${message.column ?? '?'} ${message.ruleId} ${message.reason}`).join('\n')

    // Outcome and messages.
    expect(source.failed, `failed? messages:\n${listing}`).toBe(expected.fails)
    for (const want of expected.messages) {
      const found = messages.some(
        (message) => message.ruleId === want.ruleId && (want.reason === undefined || message.reason.includes(want.reason)) && (want.line === undefined || message.line === want.line)
      )
      expect(found, `expected ${JSON.stringify(want)} among:\n${listing}`).toBe(true)
    }
    if (expected.messages.length === 0) expect(listing).toBe('')
    if (expected.onlyThese) expect(messages, `expected only ${JSON.stringify(expected.messages)}, got:\n${listing}`).toHaveLength(expected.messages.length)
    // Anything the browser had to block got past the sanitiser: a bug even though it was blocked.
    expect(messages.filter((message) => message.ruleId === 'request-blocked').map(String)).toEqual([])
    for (const message of messages) {
      expect(message.line, `message without a place: ${message.ruleId} ${message.reason}`).toBeTypeOf('number')
      expect(message.column).toBeTypeOf('number')
    }
    expect(reporter([source.file])).not.toMatch(/^\s+at /m)

    // No network.
    expect(requests.slice(requestsBefore)).toEqual([])

    // Outputs: made whole or not at all, parseable, no canary inside.
    expect(source.outputs.map((output) => output.format).sort()).toEqual(expected.fails ? [] : ['epub', 'pdf'])
    const dist = path.join(project, 'dist')
    if (expected.fails) expect(fs.existsSync(dist) ? fs.readdirSync(dist) : []).toEqual([])
    for (const output of source.outputs) {
      if (output.format === 'pdf') {
        const info = (await execFile('pdfinfo', [output.path])).stdout
        const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1])
        expect(pages).toBeGreaterThan(0)
        // The template's A4 `@page` size holds: content cannot set page sizes.
        expect(info).toMatch(/^Page size:\s+[\d.]+ x [\d.]+ pts \(A4\)$/m)
        if (expected.maxPages !== undefined) expect(pages).toBeLessThanOrEqual(expected.maxPages)
        const text = (await execFile('pdftotext', ['-enc', 'UTF-8', output.path, '-'], {maxBuffer: 64 * 1024 * 1024})).stdout
        expect(text).not.toContain(secret)
        expect(text).not.toContain('root:x:0:0')
        const flat = text.replace(/\s+/g, ' ')
        for (const want of expected.pdfText ?? []) expect(flat, `PDF text should contain ${want}`).toContain(want)
      } else {
        const unzipped = path.join(base, `${name}.epub.d`)
        await execFile('unzip', ['-q', '-o', output.path, '-d', unzipped])
        const entries = fs.readdirSync(unzipped, {recursive: true, withFileTypes: true}).filter((entry) => entry.isFile())
        expect(entries.length).toBeGreaterThan(3)
        for (const entry of entries) {
          const file = path.join(entry.parentPath, entry.name)
          const bytes = fs.readFileSync(file).toString('latin1')
          const where = path.relative(unzipped, file)
          expect(epubEntryProblems(entry.name, bytes), `EPUB entry ${where}`).toEqual([])
        }
        const kept = path.join(base, 'epubs', `${name}.epub`)
        fs.mkdirSync(path.dirname(kept), {recursive: true})
        fs.copyFileSync(output.path, kept)
        epubs.push({name, path: kept})
      }
    }

    // Nothing left behind.
    const temps = fs.readdirSync(project, {recursive: true, withFileTypes: true}).filter((entry) => /^\..*\.tmp$/.test(entry.name))
    expect(temps.map((entry) => entry.name)).toEqual([])
    expect(await ourBrowserProcesses()).toEqual([])
  })
}

/** The build refuses to start, saying `reason`, and leaves no trace: no output, request, canary or browser. */
async function expectRefused(options: Parameters<typeof build>[0] & {root: string}, reason: string, requestsBefore: number): Promise<void> {
  const error = await build(options, {}, {sandbox: false}).then(
    () => undefined,
    (caught: unknown) => caught
  )
  expect(error, 'the build should have been refused').toBeInstanceOf(Error)
  const message = (error as Error).message
  expect(message).toContain(reason)
  expect(message).not.toContain(secret)
  expect(message).not.toMatch(/^\s+at /m)
  expect(requests.slice(requestsBefore)).toEqual([])
  const dist = path.join(options.root, 'dist')
  expect(fs.existsSync(dist) ? fs.readdirSync(dist) : []).toEqual([])
  expect(await ourBrowserProcesses()).toEqual([])
}

test('every EPUB the hostile fixtures produced passes epubcheck (one JVM batch over all of them)', async () => {
  expect(epubs.length, 'the fixture tests above must run first').toBeGreaterThanOrEqual(5)
  const {stdout} = await execFile('java', ['-XX:TieredStopAtLevel=1', '-cp', '/usr/share/java/epubcheck.jar', epubcheckBatch, ...epubs.map((epub) => epub.path)], {
    maxBuffer: 64 * 1024 * 1024
  }).catch((error: {stdout?: string; message: string}) => ({stdout: error.stdout ?? error.message}))
  const failures: string[] = []
  for (const epub of epubs) {
    const begin = stdout.indexOf(`EPUBCHECK-BEGIN ${epub.path}\n`)
    const result = new RegExp(`^EPUBCHECK-RESULT (\\d+) ${escapeRegExp(epub.path)}$`, 'm').exec(stdout)
    if (begin === -1 || !result) failures.push(`${epub.name}: no epubcheck result\n${stdout.slice(-2000)}`)
    else if (result[1] !== '0') failures.push(`${epub.name}:\n${stdout.slice(begin, result.index)}`)
  }
  expect(failures.join('\n\n')).toBe('')
  expect(requests).toEqual([])
})

test('the canary server records requests, and the leak detectors find planted leaks (control, runs last)', async () => {
  const url = `http://127.0.0.1:${port}/control`
  await fetch(url)
  expect(requests).toContain('GET /control')
  expect(epubEntryProblems('a.png', `..${secret}..`)).toHaveLength(1)
  expect(epubEntryProblems('a.xhtml', 'root:x:0:0:root')).toHaveLength(1)
  expect(epubEntryProblems('a.xhtml', `<img src="${url}"/>`)).toHaveLength(1)
  expect(epubEntryProblems('a.xhtml', `<source srcset="file:///etc/passwd"/>`)).toHaveLength(1)
  expect(epubEntryProblems('a.xhtml', `<p style="background: url(${url})">`)).toHaveLength(1)
  expect(epubEntryProblems('a.css', `@import "${url}";`)).toHaveLength(1)
  // Escaped text that only mentions the URL is no reference.
  expect(epubEntryProblems('a.xhtml', `<title>fetch(&#39;${url}&#39;)</title><p>url(${url})</p>`)).toEqual([])
})

/** Why one EPUB entry leaks: the canary secret, /etc/passwd, or a reference an e-reader would load. */
function epubEntryProblems(name: string, bytes: string): string[] {
  const problems: string[] = []
  if (bytes.includes(secret)) problems.push('contains the canary secret')
  if (bytes.includes('root:x:0:0')) problems.push('contains /etc/passwd')
  if (/\.(xhtml|html|opf|ncx|css|svg)$/.test(name)) {
    const target = `(?:127\\.0\\.0\\.1:${port}|file:)`
    const urlAttribute = new RegExp(`\\s(?:href|src|srcset|poster|data|action|formaction|background|cite|longdesc|xlink:href)\\s*=\\s*["'][^"']*${target}`, 'i')
    if (urlAttribute.test(bytes)) problems.push('refers to the canary server or a file: URL')
    const styles = name.endsWith('.css') ? [bytes] : [...bytes.matchAll(/<style[^>]*>([\s\S]*?)<\/style>|\sstyle\s*=\s*"([^"]*)"/gi)].map((match) => match[1] ?? match[2] ?? '')
    if (styles.some((style) => new RegExp(target, 'i').test(style))) problems.push('has CSS that loads from the canary server or a file')
  }
  return problems
}

/** Chromium processes started by this test file that are still alive (waits up to 3 s for them to exit). */
async function ourBrowserProcesses(): Promise<string[]> {
  let alive: string[] = []
  for (let attempt = 0; attempt < 30; attempt++) {
    alive = []
    for (const pid of fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
      try {
        const environ = fs.readFileSync(`/proc/${pid}/environ`, 'latin1')
        if (!environ.split('\0').includes(processMarker)) continue
        const command = fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0')[0] ?? ''
        const state = /^State:\s+(\w)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'latin1'))?.[1]
        if (/chrom/i.test(command) && state !== 'Z') alive.push(`${pid} ${command}`)
      } catch {
        // Gone while we looked, or not ours to read.
      }
    }
    if (alive.length === 0) return alive
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return alive
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
