/**
 * The preview server on its own (no browser, no build): what it serves, what
 * it refuses, and that no request kills it. The fuzz case sends malformed
 * paths, headers, methods and raw request lines over raw TCP, then checks the
 * server still answers a normal request.
 */
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import fc from 'fast-check'
import {strToU8, zipSync} from 'fflate'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {VFile} from 'vfile'
import {pathSegments, previewStatus, startPreview, type PreviewServer} from '../scripts/preview/preview-server.js'
import {tempDir} from './support/tools.js'

let outDir: string
let server: PreviewServer
let port: number
const pdf = Buffer.from('%PDF-1.7\n% a stand-in: the server never looks inside\n%%EOF\n')

beforeAll(async () => {
  outDir = tempDir('handout-preview-')
  fs.writeFileSync(path.join(outDir, 'a.pdf'), pdf)
  fs.writeFileSync(
    path.join(outDir, 'a.epub'),
    zipSync({
      mimetype: strToU8('application/epub+zip'),
      'META-INF/container.xml': strToU8('<container><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>'),
      'OEBPS/content.opf': strToU8(
        '<package><manifest><item id="css" href="style.css" media-type="text/css"/><item id="cover" href="cover.xhtml" media-type="application/xhtml+xml"/><item id="chapter-0" href="article.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="cover"/><itemref idref="chapter-0"/></spine></package>'
      ),
      'OEBPS/article.xhtml': strToU8('<html xmlns="http://www.w3.org/1999/xhtml"><head><link rel="stylesheet" href="style.css"/></head><body><h1>Alpha</h1></body></html>'),
      'OEBPS/cover.xhtml': strToU8('<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>'),
      'OEBPS/style.css': strToU8('h1 { color: teal }'),
      'OEBPS/run.js': strToU8('alert(1)')
    })
  )
  server = await startPreview({outDir, port: 0, formats: ['pdf', 'epub'], names: () => ['a', 'b']})
  port = Number(new URL(server.url).port)
})

afterAll(async () => {
  await server?.close()
  if (outDir) fs.rmSync(outDir, {recursive: true, force: true})
})

/** Send raw bytes, return what came back before the server closed (or `limit` ms passed: a partial request is left waiting). */
function raw(bytes: string | Uint8Array, limit = 3000): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    let text = ''
    const done = () => {
      clearTimeout(timer)
      socket.destroy()
      resolve(text)
    }
    const timer = setTimeout(done, limit)
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      text += chunk
      // One complete response is enough: keep-alive would otherwise hold the socket open.
      if (/^HTTP\/1\.1 \d{3}[^\r]*\r\n[\s\S]*?\r\n\r\n/.test(text) && !text.includes('text/event-stream')) done()
    })
    socket.on('error', done)
    socket.on('close', done)
    socket.write(bytes)
  })
}

const status = (response: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0)
const get = (target: string, host = `127.0.0.1:${1}`) => raw(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`)

describe('preview server', () => {
  it('decodes request paths defensively', () => {
    expect(pathSegments('/pdf/a%20b.pdf?x=%')).toEqual(['pdf', 'a b.pdf'])
    expect(pathSegments('/')).toEqual([''])
    for (const bad of ['/pdf/%E0%A4%A.pdf', '/%', '/pdf/..%2Fa.pdf', '/pdf/%2e%2e', '/a%00', 'http://127.0.0.1/', '*', '//evil/', '', '/a\\b']) expect(pathSegments(bad), bad).toBeUndefined()
  })

  it('answers a bad percent-escape, a bad request line and an absolute URL with 400, and keeps serving', async () => {
    expect(status(await get('/pdf/%E0%A4%A.pdf'))).toBe(400)
    expect(status(await get('/%'))).toBe(400)
    expect(status(await get('http://[/'))).toBe(400)
    expect(status(await get('http://127.0.0.1/pdf/a.pdf'))).toBe(400)
    expect(status(await raw('NOT A REQUEST\r\n\r\n'))).toBe(400)
    expect(status(await raw(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`))).toBe(431)
    expect(status(await get('/pdf/a.pdf'))).toBe(200)
  })

  it('keeps its rules: Host check, GET and HEAD only, only current outputs', async () => {
    expect(status(await get('/', 'evil.example'))).toBe(421)
    expect(status(await get('/', 'evil.example:80'))).toBe(421)
    // HTTP/1.1 without Host: Node's parser refuses it before we see it.
    expect(status(await raw('GET / HTTP/1.1\r\nConnection: close\r\n\r\n'))).toBe(400)
    expect(status(await raw('GET / HTTP/1.0\r\n\r\n'))).toBe(421)
    expect(status(await raw('POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'))).toBe(405)
    expect(status(await get('/pdf/c.pdf'))).toBe(404)
    // A current source that has not been built yet.
    expect(await get('/pdf/b.pdf')).toMatch(/^HTTP\/1\.1 404[\s\S]*Not built yet/)
    expect(status(await get('/assets/../package.json'))).toBe(400)
    expect(status(await get('/assets/pdfjs/pdf.mjs.map'))).toBe(404)
    expect(status(await get('/assets/viewer.js'))).toBe(200)
    expect(status(await get('/assets/pdfjs/pdf.worker.min.mjs'))).toBe(200)
  })

  it('serves its page under a strict Content-Security-Policy', async () => {
    const page = await fetch(server.url)
    const policy = page.headers.get('content-security-policy') ?? ''
    expect(policy).toContain("default-src 'none'")
    expect(policy).toContain("script-src 'self'")
    expect(policy).not.toMatch(/unsafe-(inline|eval)/)
    expect(await page.text()).toContain('<script type="module" src="/assets/viewer.js"></script>')
    const file = await fetch(new URL('/pdf/a.pdf', server.url))
    expect(file.headers.get('content-type')).toBe('application/pdf')
    expect(Buffer.from(await file.arrayBuffer()).equals(pdf)).toBe(true)
  })

  it('serves the EPUB spine and entries, chapters under a policy that allows no script', async () => {
    const spine = await fetch(new URL('/epub/a.json', server.url))
    expect(await spine.json()).toEqual({
      chapters: [
        {id: 'cover', href: 'OEBPS/cover.xhtml'},
        {id: 'chapter-0', href: 'OEBPS/article.xhtml'}
      ]
    })
    const chapter = await fetch(new URL('/epub/a/OEBPS/article.xhtml', server.url))
    expect(chapter.headers.get('content-type')).toBe('application/xhtml+xml; charset=utf-8')
    expect(chapter.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'self'/)
    expect(await chapter.text()).toContain('<h1>Alpha</h1>')
    expect(await (await fetch(new URL('/epub/a/OEBPS/style.css', server.url))).text()).toBe('h1 { color: teal }')
    // Only entries of the zip with a known type; no script, nothing outside the zip.
    expect((await fetch(new URL('/epub/a/OEBPS/run.js', server.url))).status).toBe(404)
    expect((await fetch(new URL('/epub/a/OEBPS/missing.css', server.url))).status).toBe(404)
    expect((await fetch(new URL('/epub/c/OEBPS/style.css', server.url))).status).toBe(404)
  })

  it('remembers the last state per source, for pages opened later', async () => {
    server.notify({
      names: [],
      list: ['a', 'b'],
      summary: '✗ failed a',
      sources: [{name: 'a', kind: 'article', failed: true}],
      problems: [{name: 'a', file: 'content/a.md', line: 2, column: 8, ruleId: 'yaml-syntax', reason: 'Broken YAML', severity: 'error'}]
    })
    const opened = await raw(`GET /events HTTP/1.1\r\nHost: localhost\r\n\r\n`, 1000)
    const state = JSON.parse(/event: state\ndata: (.*)\n\n/.exec(opened)![1]!)
    expect(state.summary).toBe('✗ failed a')
    expect(state.entries[0]).toEqual({name: 'a', kind: 'article', failed: true, problems: [expect.objectContaining({line: 2, column: 8, ruleId: 'yaml-syntax'})]})
    server.notify({
      names: ['a', 'book'],
      list: ['a', 'b'],
      summary: '✓ rebuilt a',
      sources: [
        {name: 'a', kind: 'article', failed: false},
        {name: 'book', kind: 'book', failed: false}
      ],
      problems: []
    })
    const again = JSON.parse(/event: state\ndata: (.*)\n\n/.exec(await raw(`GET /events HTTP/1.1\r\nHost: localhost\r\n\r\n`, 1000))![1]!)
    expect(again.entries.map((entry: {name: string; failed: boolean; problems: unknown[]}) => [entry.name, entry.failed, entry.problems.length])).toEqual([
      ['a', false, 0],
      ['b', false, 0],
      ['book', false, 0]
    ])
  })

  it('survives malformed paths, headers, methods and request lines, then still answers', async () => {
    const token = fc.stringMatching(/^[\x00-\x7f]{0,12}$/)
    const junk = fc.string({unit: 'binary', maxLength: 300})
    const escapes = fc.array(fc.constantFrom('%', '%E0%A4%A', '%zz', '%00', '%2F', '%2e%2e', '%C0%AF', '%FF', '..', '/', '\\', '?', '#', 'a', 'pdf', 'epub', 'a.pdf', 'assets', '\u00e9', '\ud800'), {
      maxLength: 12
    })
    const target = fc.oneof(
      escapes.map((parts) => `/${parts.join('')}`),
      junk,
      fc.constantFrom('*', 'http://[', 'http://127.0.0.1/', '//x', '')
    )
    const method = fc.oneof(fc.constantFrom('GET', 'HEAD', 'POST', 'OPTIONS', 'CONNECT', 'get', 'G ET', ''), token)
    const header = fc.oneof(
      fc.constantFrom(
        'Host: 127.0.0.1',
        'Host: localhost:1',
        'Host: evil',
        'Host:',
        'Host: 127.0.0.1\r\nHost: evil',
        'Transfer-Encoding: chunked',
        'Content-Length: -1',
        'Content-Length: 5',
        'Expect: 100-continue',
        'Upgrade: websocket'
      ),
      fc.tuple(token, junk).map(([name, value]) => `${name}: ${value}`)
    )
    const request = fc.oneof(
      fc
        .tuple(method, target, fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/9', ''), fc.array(header, {maxLength: 4}))
        .map(([m, t, v, hs]) => `${m} ${t} ${v}\r\n${hs.join('\r\n')}\r\nConnection: close\r\n\r\n`),
      junk
    )
    const requests = fc.sample(request, {seed: 16, numRuns: 300})
    // A few at a time, each given up after a while: a partial request is never answered, by design.
    for (let index = 0; index < requests.length; index += 10) {
      const answers = await Promise.all(requests.slice(index, index + 10).map((bytes) => raw(Buffer.from(bytes, 'latin1'), 1500)))
      for (const answer of answers) if (answer) expect(status(answer), answer.slice(0, 80)).not.toBe(500)
    }
    expect(status(await get('/'))).toBe(200)
    expect(status(await get('/pdf/a.pdf'))).toBe(200)
  })
})

describe('previewStatus', () => {
  it('turns a build report into statuses and problems with project-relative files', () => {
    const file = new VFile({path: '/project/content/a.md'})
    file.message('Broken YAML front matter', {place: {line: 3, column: 1}, ruleId: 'yaml-syntax'}).fatal = true
    file.message('Image without alt text', {place: {line: 9, column: 1}, ruleId: 'missing-alt'})
    const report = {sources: [{file, name: 'a', outputs: [], failed: true, partOf: [], ms: 1}], publications: [], ok: false, ms: 1}
    expect(previewStatus(report, '/project')).toEqual({
      sources: [{name: 'a', kind: 'article', failed: true}],
      problems: [
        {name: 'a', file: 'content/a.md', line: 3, column: 1, ruleId: 'yaml-syntax', reason: 'Broken YAML front matter', severity: 'error'},
        {name: 'a', file: 'content/a.md', line: 9, column: 1, ruleId: 'missing-alt', reason: 'Image without alt text', severity: 'warning'}
      ]
    })
  })
})
