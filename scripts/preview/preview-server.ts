/**
 * The live preview of watch mode: a tiny HTTP server on 127.0.0.1 whose page
 * renders the latest PDF of a source with pdf.js (served from our own
 * node_modules), shows the last rebuild's problems over the pages, and shows
 * the EPUB's chapters at an e-reader width. Rebuilds reach the page through
 * Server-Sent Events; the page re-renders in place and keeps the reader's place.
 *
 * It serves only the outputs of current sources, the viewer's assets and the
 * event stream, and it never dies of a request: every path is decoded
 * defensively, and anything a handler throws becomes a 500 for that request.
 */
import fs from 'node:fs/promises'
import http from 'node:http'
import type {Socket} from 'node:net'
import path from 'node:path'
import type {Format} from '../config/schema.js'
import {epubChapters, readEpubEntry} from './epub-entries.js'
import {previewPage, pageSecurityPolicy} from './preview-page.js'
import {PreviewState, type PreviewUpdate} from './preview-state.js'
import {viewerAsset} from './viewer-assets.js'

export type {PreviewProblem, PreviewSnapshot, PreviewSourceStatus, PreviewUpdate} from './preview-state.js'
export {previewStatus} from './preview-state.js'

/** Options of `startPreview`. */
export interface PreviewOptions {
  /** Folder the outputs are written to (absolute). */
  outDir: string
  /** Port to listen on; `0` picks a free one (required). */
  port: number
  /** Formats being built: the page offers the PDF and EPUB views of these. */
  formats: readonly Format[]
  /** Output base names of the current sources; only these (and books built this session) are served. */
  names: () => string[]
}

/** A running preview server. */
export interface PreviewServer {
  /** `http://127.0.0.1:<port>/`. */
  url: string
  /** Tell every open page about a rebuild (and remember it for pages opened later). */
  notify(update: PreviewUpdate): void
  /** Stop serving and end the open event streams. */
  close(): Promise<void>
}

/** Chapter XHTML is content: no script at all, only our own styles, images and fonts. */
const chapterSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"

const types: Record<string, string> = {
  '.xhtml': 'application/xhtml+xml; charset=utf-8',
  '.html': 'application/xhtml+xml; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.otf': 'font/otf',
  '.ttf': 'font/ttf'
}

interface Context {
  options: PreviewOptions
  state: PreviewState
  streams: Set<http.ServerResponse>
}

/** Start the preview server. Throws with a fix when the port is taken. */
export async function startPreview(options: PreviewOptions): Promise<PreviewServer> {
  const context: Context = {options, state: new PreviewState(options.names), streams: new Set()}
  const server = http.createServer((request, response) => {
    // Nothing a request does may reach the process: a handler's throw is a 500 for that request only.
    try {
      handle(context, request, response).catch((error: unknown) => fail(response, error))
    } catch (error) {
      fail(response, error)
    }
  })
  // A request line or header Node cannot parse: answer 400 and hang up (the default, made explicit and total).
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) socket.destroy()
    else socket.end(`HTTP/1.1 ${error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\nConnection: close\r\n\r\n`)
  })
  // Only this machine: the preview shows unpublished work and has no authentication.
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new Error(`Port ${options.port} is in use: pass another with \`--port N\``, {cause: error}) : error))
    server.listen(options.port, '127.0.0.1', () => resolve())
  })
  // Once listening, a server error (a failed accept) concerns one connection, not watch mode.
  server.on('error', () => {})
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  // Keep-alive pings, so that proxies and browsers do not drop an idle stream.
  const ping = setInterval(() => {
    for (const stream of context.streams) stream.write(': ping\n\n')
  }, 15_000)
  ping.unref()

  return {
    url: `http://127.0.0.1:${port}/`,
    notify(update) {
      context.state.update(update)
      // The old fields (names, list, summary) stay for simple clients; the page reads the snapshot.
      const data = JSON.stringify({names: update.names, list: update.list, summary: update.summary, snapshot: context.state.snapshot()})
      for (const stream of context.streams) stream.write(`event: rebuild\ndata: ${data}\n\n`)
    },
    async close() {
      clearInterval(ping)
      for (const stream of context.streams) stream.end()
      context.streams.clear()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

async function handle(context: Context, request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  // A web page elsewhere could make a browser send requests here under its own host
  // name (DNS rebinding): answer only requests addressed to this machine by name.
  const host = (request.headers.host ?? '').replace(/:\d+$/, '')
  if (host !== '127.0.0.1' && host !== 'localhost') return send(response, 421, 'text/plain; charset=utf-8', 'Misdirected request\n')
  if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'text/plain; charset=utf-8', 'Method not allowed\n', {Allow: 'GET, HEAD'})
  const segments = pathSegments(request.url ?? '')
  if (!segments) return send(response, 400, 'text/plain; charset=utf-8', 'Bad request: the path is not a valid URL path\n')
  const [first, ...rest] = segments

  if (segments.length === 1 && first === '') {
    return send(response, 200, 'text/html; charset=utf-8', previewPage(context.options.formats), {'Content-Security-Policy': pageSecurityPolicy})
  }
  if (segments.length === 1 && first === 'events') return openStream(context, request, response)
  if (first === 'assets') {
    const asset = await viewerAsset(rest.join('/'))
    return asset ? send(response, 200, asset.type, asset.body, {'Cache-Control': 'no-cache'}) : notFound(response)
  }
  if (first === 'pdf' && rest.length === 1 && rest[0]!.endsWith('.pdf')) return sendPdf(context, response, rest[0]!.slice(0, -'.pdf'.length))
  if (first === 'epub' && rest.length === 1 && rest[0]!.endsWith('.json')) return sendChapters(context, response, rest[0]!.slice(0, -'.json'.length))
  if (first === 'epub' && rest.length >= 2) return sendEpubEntry(context, response, rest[0]!, rest.slice(1).join('/'))
  return notFound(response)
}

/**
 * The decoded segments of an origin-form request target (`/a/b%20c?x` → `['a', 'b c']`),
 * or `undefined` for anything else: an absolute or asterisk form, a bad percent-escape,
 * an encoded slash or a NUL (none of our names contain them).
 */
export function pathSegments(target: string): string[] | undefined {
  if (!target.startsWith('/') || target.startsWith('//')) return undefined
  const pathname = target.replace(/[?#].*$/s, '')
  const segments: string[] = []
  for (const raw of pathname.slice(1).split('/')) {
    let segment: string
    try {
      segment = decodeURIComponent(raw)
    } catch {
      return undefined
    }
    if (/[/\\\0]/.test(segment) || segment === '.' || segment === '..') return undefined
    segments.push(segment)
  }
  return segments
}

function openStream(context: Context, request: http.IncomingMessage, response: http.ServerResponse): void {
  response.writeHead(200, {'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Content-Type-Options': 'nosniff'})
  response.write(': connected\n\n')
  // The state as it is now: a page opened after a failed rebuild shows that failure at once.
  response.write(`event: state\ndata: ${JSON.stringify(context.state.snapshot())}\n\n`)
  context.streams.add(response)
  request.on('close', () => context.streams.delete(response))
}

// Only a current source's own output: the name list is the allow-list, so no path escapes `outDir`.
async function sendPdf(context: Context, response: http.ServerResponse, name: string): Promise<void> {
  if (!context.state.has(name)) return notFound(response)
  const data = await fs.readFile(path.join(context.options.outDir, `${name}.pdf`)).catch(() => undefined)
  if (!data) return send(response, 404, 'text/plain; charset=utf-8', 'Not built yet: see the terminal for its messages.\n')
  send(response, 200, 'application/pdf', data)
}

async function sendChapters(context: Context, response: http.ServerResponse, name: string): Promise<void> {
  if (!context.state.has(name)) return notFound(response)
  const chapters = await epubChapters(path.join(context.options.outDir, `${name}.epub`))
  if (!chapters) return send(response, 404, 'text/plain; charset=utf-8', 'Not built yet: see the terminal for its messages.\n')
  send(response, 200, 'application/json; charset=utf-8', JSON.stringify({chapters}))
}

async function sendEpubEntry(context: Context, response: http.ServerResponse, name: string, entry: string): Promise<void> {
  const type = types[path.posix.extname(entry).toLowerCase()]
  if (!context.state.has(name) || !type) return notFound(response)
  const data = await readEpubEntry(path.join(context.options.outDir, `${name}.epub`), entry)
  if (!data) return notFound(response)
  send(response, 200, type, data, {'Content-Security-Policy': chapterSecurityPolicy})
}

function notFound(response: http.ServerResponse): void {
  send(response, 404, 'text/plain; charset=utf-8', 'Not found\n')
}

function fail(response: http.ServerResponse, error: unknown): void {
  // Never rethrow: a failing handler answers 500 (or drops a response already under way).
  try {
    if (response.headersSent) response.destroy()
    else send(response, 500, 'text/plain; charset=utf-8', `Internal error: ${error instanceof Error ? error.message : String(error)}\n`)
  } catch {
    response.destroy()
  }
}

function send(response: http.ServerResponse, status: number, type: string, body: string | Uint8Array, headers: Record<string, string> = {}): void {
  response.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Resource-Policy': 'same-origin',
    ...headers
  })
  response.end(body)
}
