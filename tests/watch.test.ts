/**
 * Watch mode driven through real file edits in a temporary project with a
 * real Chromium: new, rename-over, burst, broken then fixed, template,
 * rename and delete, a browser killed mid-build, and the live preview.
 * One session is shared by the cases below, which run in order.
 */
import {execFileSync} from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import {PDFDocument} from 'pdf-lib'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {watch, type Rebuild, type WatchEvent, type Watcher} from '../scripts/index.js'
import {browser, environment, pdfText, tempProject} from './support/tools.js'

const article = (title: string, body = 'A short paragraph.') => `---\ntitle: ${title}\ndate: 2024-04-05\n---\n\n## Section\n\n${body}\n`

// 1×1 PNGs, red and blue: the smallest images the image checks accept.
const redDot = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC'
const blueDot = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNgYPgPAAEDAQAIicLsAAAAAElFTkSuQmCC'

let root: string
let watcher: Watcher
const events: WatchEvent[] = []
let listeners: Array<(event: WatchEvent) => void> = []
/** Run once inside the next `building` event, while that build is under way. */
let duringBuild: (() => void) | undefined
let first: Rebuild

const out = (name: string) => path.join(root, 'dist', name)
const source = (name: string) => path.join(root, 'content', name)
const mtime = (name: string) => fs.statSync(out(name)).mtimeMs
const built = (rebuild: Rebuild) => rebuild.report.sources.filter((report) => !report.failed).map((report) => report.name)
const pdfTitle = async (name: string) => (await PDFDocument.load(fs.readFileSync(out(name)), {updateMetadata: false})).getTitle()

/** The next rebuild or error; call it before making the change it waits for. */
function next(): Promise<WatchEvent> {
  return new Promise((resolve) => {
    const listener = (event: WatchEvent) => {
      if (event.type === 'building') return
      listeners = listeners.filter((other) => other !== listener)
      resolve(event)
    }
    listeners.push(listener)
  })
}

async function nextRebuild(change: () => void): Promise<Rebuild> {
  const waiting = next()
  change()
  const event = await waiting
  if (event.type !== 'rebuild') throw new Error(`expected a rebuild, got ${event.type}: ${event.type === 'error' ? event.error.message : ''}`)
  return event.rebuild
}

/** Rebuilds seen after `index` in `events`, once nothing is pending. */
async function rebuildsSince(index: number): Promise<Rebuild[]> {
  await watcher.idle()
  return events.slice(index).flatMap((event) => (event.type === 'rebuild' ? [event.rebuild] : []))
}

beforeAll(async () => {
  root = tempProject({'content/a.md': article('Alpha'), 'content/b.md': article('Beta')})
  watcher = await watch(
    {root, browser, serve: true, port: 0},
    {
      onEvent(event) {
        events.push(event)
        if (event.type === 'building' && duringBuild) {
          const run = duringBuild
          duringBuild = undefined
          run()
        }
        for (const listener of [...listeners]) listener(event)
      }
    },
    // With an environment, each browser's temporary folders go in the session's own folder:
    // the browser killed below leaves none behind (Chromium's org.chromium.* in /tmp, before).
    {...environment, env: {...process.env}}
  )
  const initial = events.find((event) => event.type === 'rebuild')
  if (initial?.type !== 'rebuild') throw new Error('no initial build')
  first = initial.rebuild
})

afterAll(async () => {
  await watcher?.close()
  if (root) fs.rmSync(root, {recursive: true, force: true})
})

describe('watch', () => {
  it('builds every source once at start', () => {
    expect(first.reason).toBe('initial')
    expect(built(first)).toEqual(['a', 'b'])
    for (const name of ['a.pdf', 'a.epub', 'b.pdf', 'b.epub']) expect(fs.statSync(out(name)).size).toBeGreaterThan(1000)
    expect(first.summary).toMatch(/^\[\d\d:\d\d:\d\d\] ✓ built a, b in (\d+ ms|\d+\.\d\d s) \(0 errors, 0 warnings\)$/)
  })

  it('builds a new source on its own and leaves the others untouched', async () => {
    const before = [mtime('a.pdf'), mtime('b.epub')]
    const rebuild = await nextRebuild(() => fs.writeFileSync(source('c.md'), article('Gamma')))
    expect(built(rebuild)).toEqual(['c'])
    expect(await pdfTitle('c.pdf')).toBe('Gamma')
    expect(fs.existsSync(out('c.epub'))).toBe(true)
    expect([mtime('a.pdf'), mtime('b.epub')]).toEqual(before)
  })

  it('rebuilds a write-temp-and-rename save, once', async () => {
    const index = events.length
    const otherBefore = mtime('b.pdf')
    const rebuild = await nextRebuild(() => {
      fs.writeFileSync(source('.a.md.swp'), article('Alpha, saved by rename'))
      fs.renameSync(source('.a.md.swp'), source('a.md'))
    })
    expect(built(rebuild)).toEqual(['a'])
    expect(await pdfTitle('a.pdf')).toBe('Alpha, saved by rename')
    expect(mtime('b.pdf')).toBe(otherBefore)
    expect(await rebuildsSince(index)).toHaveLength(1)
  })

  it('gathers a burst of saves into one rebuild', async () => {
    const index = events.length
    const rebuild = await nextRebuild(() => {
      for (let n = 1; n <= 5; n++) fs.writeFileSync(source('a.md'), article(`Alpha ${n}`))
    })
    expect(built(rebuild)).toEqual(['a'])
    expect(await rebuildsSince(index)).toHaveLength(1)
    expect(await pdfTitle('a.pdf')).toBe('Alpha 5')
  })

  it('reports a broken save with its place, keeps the old outputs and keeps watching', async () => {
    const pdf = fs.readFileSync(out('a.pdf'))
    const epub = fs.readFileSync(out('a.epub'))
    const pdfTime = mtime('a.pdf')
    const rebuild = await nextRebuild(() => fs.writeFileSync(source('a.md'), '---\ntitle: [Alpha\ndate: 2024-04-05\n---\n\nBody.\n'))
    expect(rebuild.errors).toBe(1)
    const [report] = rebuild.report.sources
    expect(report?.failed).toBe(true)
    const [message] = report!.file.messages
    expect(message?.fatal).toBe(true)
    expect(message?.line).toBeGreaterThanOrEqual(2)
    expect(message?.column).toBeGreaterThan(0)
    expect(rebuild.summary).toMatch(/✗ failed a \(previous outputs kept\) in .* \(1 error, 0 warnings\)/)
    expect(fs.readFileSync(out('a.pdf')).equals(pdf)).toBe(true)
    expect(fs.readFileSync(out('a.epub')).equals(epub)).toBe(true)
    expect(mtime('a.pdf')).toBe(pdfTime)
  })

  it('rebuilds once the save is fixed', async () => {
    const rebuild = await nextRebuild(() => fs.writeFileSync(source('a.md'), article('Alpha, fixed')))
    expect(built(rebuild)).toEqual(['a'])
    expect(rebuild.errors).toBe(0)
    expect(await pdfTitle('a.pdf')).toBe('Alpha, fixed')
  })

  it('never runs two builds at once: a change during a build queues exactly one more', async () => {
    const index = events.length
    duringBuild = () => fs.writeFileSync(source('b.md'), article('Beta, edited during a build'))
    const rebuild = await nextRebuild(() => fs.writeFileSync(source('a.md'), article('Alpha again')))
    expect(built(rebuild)).toEqual(['a'])
    const rebuilds = await rebuildsSince(index)
    expect(rebuilds.map(built)).toEqual([['a'], ['b']])
    // Strict alternation: each build ends before the next starts.
    expect(events.slice(index).map((event) => event.type)).toEqual(['building', 'rebuild', 'building', 'rebuild'])
    expect(await pdfTitle('b.pdf')).toBe('Beta, edited during a build')
  })

  it('reloads templates: a broken one is reported and changes nothing, the fixed one rebuilds everything', async () => {
    const template = path.join(root, 'templates', 'print.html')
    const original = fs.readFileSync(template, 'utf8')
    const before = mtime('a.pdf')
    const failure = next()
    fs.writeFileSync(template, original.replace('<body>', '<body><%= unclosed'))
    const event = await failure
    expect(event.type).toBe('error')
    expect(event.type === 'error' && event.error.message).toMatch(/print\.html/)
    expect(mtime('a.pdf')).toBe(before)

    const rebuild = await nextRebuild(() => fs.writeFileSync(template, original.replace('<body>', '<body><p>Template marker</p>')))
    expect(rebuild.reason).toBe('templates')
    expect(built(rebuild)).toEqual(['a', 'b', 'c'])
    expect(pdfText(out('c.pdf'))).toContain('Template marker')
  })

  it('moves the outputs of a renamed source', async () => {
    const rebuild = await nextRebuild(() => fs.renameSync(source('b.md'), source('beta.md')))
    expect(rebuild.moved).toEqual([{from: 'b', to: 'beta'}])
    expect(fs.existsSync(out('b.pdf'))).toBe(false)
    expect(fs.existsSync(out('b.epub'))).toBe(false)
    expect(await pdfTitle('beta.pdf')).toBe('Beta, edited during a build')
    expect(fs.existsSync(out('beta.epub'))).toBe(true)
  })

  it('removes the outputs of a deleted source', async () => {
    const rebuild = await nextRebuild(() => fs.rmSync(source('c.md')))
    expect(rebuild.removed).toEqual(['c'])
    expect(rebuild.report.sources).toEqual([])
    expect(fs.existsSync(out('c.pdf'))).toBe(false)
    expect(fs.existsSync(out('c.epub'))).toBe(false)
    expect(fs.existsSync(out('a.pdf'))).toBe(true)
  })

  it('rebuilds only the sources that use an edited image, even one outside the watched folders', async () => {
    const image = path.join(root, 'images', 'dot.png')
    fs.mkdirSync(path.dirname(image))
    fs.writeFileSync(image, Buffer.from(redDot, 'base64'))
    const added = await nextRebuild(() => fs.writeFileSync(source('d.md'), article('Delta', '![A red dot](../images/dot.png)')))
    expect(built(added)).toEqual(['d'])
    expect(added.errors).toBe(0)
    const before = [mtime('d.pdf'), mtime('a.pdf'), mtime('beta.pdf')]
    const rebuild = await nextRebuild(() => fs.writeFileSync(image, Buffer.from(blueDot, 'base64')))
    expect(built(rebuild)).toEqual(['d'])
    expect(mtime('d.pdf')).toBeGreaterThan(before[0]!)
    expect([mtime('a.pdf'), mtime('beta.pdf')]).toEqual(before.slice(1))
  })

  it('relaunches a browser killed in the middle of a build', async () => {
    const ours = () =>
      execFileSync('ps', ['-e', '-o', 'pid=,ppid=,comm='], {encoding: 'utf8'})
        .split('\n')
        .map((line) => line.trim().split(/\s+/))
        .filter(([, parent, command]) => parent === String(process.pid) && command?.startsWith('chrom'))
        .map(([pid]) => Number(pid))
    const killed = ours()
    expect(killed).toHaveLength(1)
    // Killed as soon as the rebuild starts: its print or cover meets a dead browser.
    duringBuild = () => process.kill(killed[0]!, 'SIGKILL')
    const rebuild = await nextRebuild(() => fs.writeFileSync(source('a.md'), article('Alpha, after the crash')))
    expect(built(rebuild)).toEqual(['a'])
    expect(rebuild.errors).toBe(0)
    expect(await pdfTitle('a.pdf')).toBe('Alpha, after the crash')
    const relaunched = ours()
    expect(relaunched).toHaveLength(1)
    expect(relaunched[0]).not.toBe(killed[0])
  })

  it('serves a live preview on 127.0.0.1 that is told about each rebuild', async () => {
    const url = new URL(watcher.url!)
    expect(url.hostname).toBe('127.0.0.1')
    const page = await fetch(new URL('/?doc=a', url))
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(await page.text()).toContain('<script type="module" src="/assets/viewer.js"></script>')
    const pdf = await fetch(new URL('/pdf/a.pdf', url))
    expect(pdf.headers.get('content-type')).toBe('application/pdf')
    expect(Buffer.from(await pdf.arrayBuffer()).equals(fs.readFileSync(out('a.pdf')))).toBe(true)
    expect((await fetch(new URL('/pdf/..%2Fcontent%2Fa.md.pdf', url))).status).toBe(400)
    expect(await get(url, '/', 'evil.example')).toBe(421)

    // The event stream: wait for its first bytes, then edit and read the rebuild message.
    const message = new Promise<string>((resolve, reject) => {
      const request = http.get(new URL('/events', url), (response) => {
        let text = ''
        let edited = false
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => {
          text += chunk
          if (!edited && text.includes(': connected')) {
            edited = true
            fs.writeFileSync(source('a.md'), article('Alpha, previewed'))
          }
          const match = /event: rebuild\ndata: (.*)\n\n/.exec(text)
          if (match) {
            request.destroy()
            resolve(match[1]!)
          }
        })
      })
      request.on('error', reject)
    })
    const update = JSON.parse(await message) as {names: string[]; list: string[]; summary: string}
    expect(update.names).toEqual(['a'])
    expect(update.list).toEqual(['a', 'beta', 'd'])
    expect(update.summary).toMatch(/✓ rebuilt a/)
  })
})

/** Status of a GET with a chosen Host header (fetch does not let one set it). */
function get(url: URL, pathname: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({hostname: url.hostname, port: url.port, path: pathname, headers: {Host: host}}, (response) => {
        response.resume()
        resolve(response.statusCode ?? 0)
      })
      .on('error', reject)
  })
}
