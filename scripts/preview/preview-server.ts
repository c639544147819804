/**
 * The live preview of watch mode: a tiny HTTP server on 127.0.0.1 that shows
 * the latest PDF of a source in an `<iframe>` and reloads it after each
 * rebuild through Server-Sent Events. The preview page is ours, not content,
 * so it may run its one small script; the PDFs are served as files, never
 * inlined.
 */
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import type {Format} from '../config/schema.js'

/** Options of `startPreview`. */
export interface PreviewOptions {
  /** Folder the PDFs are written to (absolute). */
  outDir: string
  /** Port to listen on; `0` picks a free one (required). */
  port: number
  /** Formats being built: the preview needs `pdf`. */
  formats: readonly Format[]
  /** Output base names of the current sources; only these are served. */
  names: () => string[]
}

/** What the open tabs are told after a rebuild. */
export interface PreviewUpdate {
  /** Names whose PDF changed. */
  names: string[]
  /** Every current name (a tab reloads its list when this changes). */
  list: string[]
  /** The rebuild's one-line summary, shown in the page. */
  summary: string
}

/** A running preview server. */
export interface PreviewServer {
  /** `http://127.0.0.1:<port>/`. */
  url: string
  /** Tell every open tab about a rebuild. */
  notify(update: PreviewUpdate): void
  /** Stop serving and end the open event streams. */
  close(): Promise<void>
}

/** Start the preview server. Throws with a fix when the port is taken. */
export async function startPreview(options: PreviewOptions): Promise<PreviewServer> {
  const streams = new Set<http.ServerResponse>()
  const server = http.createServer((request, response) => {
    handle(options, streams, request, response)
  })
  // Only this machine: the preview shows unpublished work and has no authentication.
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new Error(`Port ${options.port} is in use: pass another with \`--port N\``, {cause: error}) : error))
    server.listen(options.port, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  // Keep-alive pings, so that proxies and browsers do not drop an idle stream.
  const ping = setInterval(() => {
    for (const stream of streams) stream.write(': ping\n\n')
  }, 15_000)
  ping.unref()

  return {
    url: `http://127.0.0.1:${port}/`,
    notify(update) {
      const data = JSON.stringify(update)
      for (const stream of streams) stream.write(`event: rebuild\ndata: ${data}\n\n`)
    },
    async close() {
      clearInterval(ping)
      for (const stream of streams) stream.end()
      streams.clear()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

function handle(options: PreviewOptions, streams: Set<http.ServerResponse>, request: http.IncomingMessage, response: http.ServerResponse): void {
  // A web page elsewhere could make a browser send requests here under its own host
  // name (DNS rebinding): answer only requests addressed to this machine by name.
  const host = (request.headers.host ?? '').replace(/:\d+$/, '')
  if (host !== '127.0.0.1' && host !== 'localhost') {
    send(response, 421, 'text/plain; charset=utf-8', 'Misdirected request\n')
    return
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    send(response, 405, 'text/plain; charset=utf-8', 'Method not allowed\n')
    return
  }
  const url = new URL(request.url ?? '/', 'http://127.0.0.1')
  const names = options.names()

  if (url.pathname === '/') {
    const wanted = url.searchParams.get('doc')
    const current = wanted !== null && names.includes(wanted) ? wanted : names[0]
    send(response, 200, 'text/html; charset=utf-8', page(names, current, options.formats.includes('pdf')), {
      'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; frame-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'"
    })
    return
  }
  if (url.pathname === '/preview.js') {
    send(response, 200, 'text/javascript; charset=utf-8', script)
    return
  }
  if (url.pathname === '/events') {
    response.writeHead(200, {'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive'})
    response.write(': connected\n\n')
    streams.add(response)
    request.on('close', () => streams.delete(response))
    return
  }
  const match = /^\/pdf\/([^/]+)\.pdf$/.exec(url.pathname)
  // Only a current source's own output: the name list is the allow-list, so no path escapes `outDir`.
  if (match && names.includes(decodeURIComponent(match[1]!))) {
    const file = path.join(options.outDir, `${decodeURIComponent(match[1]!)}.pdf`)
    fs.readFile(file, (error, data) => {
      if (error) send(response, 404, 'text/plain; charset=utf-8', 'Not built yet: see the terminal for its messages.\n')
      else send(response, 200, 'application/pdf', data)
    })
    return
  }
  send(response, 404, 'text/plain; charset=utf-8', 'Not found\n')
}

function send(response: http.ServerResponse, status: number, type: string, body: string | Uint8Array, headers: Record<string, string> = {}): void {
  response.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    ...headers
  })
  response.end(body)
}

function page(names: string[], current: string | undefined, hasPdf: boolean): string {
  const links = names.map((name) => `<a href="/?doc=${encodeURIComponent(name)}"${name === current ? ' aria-current="page"' : ''}>${escapeHtml(name)}</a>`).join(' ')
  const body = !hasPdf
    ? '<p>The preview shows PDFs: run watch with <code>--format pdf</code> or <code>all</code>.</p>'
    : current === undefined
      ? '<p>No sources yet: add Markdown files to the watched folder.</p>'
      : `<iframe id="doc" title="${escapeHtml(current)}.pdf" data-name="${escapeHtml(current)}" src="/pdf/${encodeURIComponent(current)}.pdf"></iframe>`
  return `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>${current === undefined ? 'Preview' : `${escapeHtml(current)}: preview`}</title>
<style>
  html, body { margin: 0; height: 100%; font: 14px system-ui, sans-serif; }
  body { display: flex; flex-direction: column; }
  header { padding: 6px 10px; border-bottom: 1px solid #ccc; display: flex; gap: 12px; flex-wrap: wrap; }
  a[aria-current] { font-weight: bold; }
  #status { margin-left: auto; color: #555; }
  iframe { flex: 1; border: 0; width: 100%; }
  p { padding: 10px; }
</style>
<header><nav>${links}</nav><output id="status">Watching…</output></header>
${body}
<script src="/preview.js" data-list="${escapeHtml(JSON.stringify(names))}"></script>
</html>
`
}

// Reload the shown PDF when it was rebuilt, the page when sources came or went.
const script = `const frame = document.getElementById('doc')
const status = document.getElementById('status')
const list = document.currentScript.dataset.list
const events = new EventSource('/events')
events.addEventListener('rebuild', (event) => {
  const update = JSON.parse(event.data)
  status.textContent = update.summary
  if (JSON.stringify(update.list) !== list) return location.reload()
  if (frame && update.names.includes(frame.dataset.name)) frame.src = '/pdf/' + encodeURIComponent(frame.dataset.name) + '.pdf?v=' + Date.now()
})
events.addEventListener('error', () => { status.textContent = 'Disconnected: is watch still running?' })
`

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}
