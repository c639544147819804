/**
 * One browser per build or watch session: launched once, pages pooled, every
 * request answered from memory on a fixed origin, relaunched once after a
 * crash, closed in `finally` by the caller.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type {Browser, HTTPRequest, Page} from 'puppeteer-core'
import {BrowserError, findBrowser} from './find-browser.js'
import {killTree, untilExited} from './kill-tree.js'

/** The origin rendered pages are served from. `.invalid` never resolves (RFC 6761). */
export const origin = 'http://handout.invalid'

/** A response our code gives to a page's request. */
export interface Resource {
  body: Uint8Array | string
  contentType: string
  /**
   * The same bytes at this path for the whole process (the shipped fonts): the
   * renderer may keep it from one document to the next. Anything else is sent
   * `no-store`.
   */
  immutable?: boolean
}

/**
 * What one page may load: answers a path (`/print.css`) with a resource, or
 * `undefined` to refuse it.
 */
export type Site = (pathname: string) => Resource | undefined | Promise<Resource | undefined>

/** Options of `launchBrowser`. */
export interface LaunchOptions {
  /** Executable to use (default: found by `findBrowser`). */
  executablePath?: string | undefined
  /** Puppeteer's download cache, searched when no path is given. */
  cacheDir?: string | undefined
  /**
   * Keep Chromium's sandbox (default: on, except when running as root, where
   * Chromium cannot start with it).
   */
  sandbox?: boolean | undefined
  /** Pages open at once (default: `2`). */
  poolSize?: number
  /** Time limit of one page's work, in ms (default: `60000`). */
  timeout?: number
  /**
   * Print through a running Chrome at this DevTools WebSocket URL (`ws://…`,
   * e.g. a browserless pool) instead of launching one (default: launch).
   * Its flags are the remote's; request interception still refuses every
   * request that is not ours. Closing the session disconnects; it never closes
   * the remote browser.
   */
  browserWSEndpoint?: string | undefined
  /**
   * The environment Chromium starts with (the CLI passes its own). Given, its
   * `TMPDIR` becomes the session's folder, so that Chromium's temporary
   * folders go with the session however it ends. Default: puppeteer's (this
   * process's environment, TMPDIR as it is).
   */
  env?: Record<string, string | undefined> | undefined
}

// Every flag says why it is there. Exported so the benchmark's floor launches the same browser.
export const chromiumArgs = [
  // The machine's network is closed or untrusted: no background requests that hang or leak.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-default-apps',
  '--disable-domain-reliability',
  '--disable-client-side-phishing-detection',
  // Belt and braces behind request interception: no host name resolves, so nothing
  // a page or the browser asks for can reach a network.
  '--host-resolver-rules=MAP * ~NOTFOUND',
  // Headless printing needs no GPU; starting one costs time and fails on servers.
  '--disable-gpu',
  // Containers often have a 64 MB /dev/shm: large documents would crash the renderer.
  '--disable-dev-shm-usage',
  // Same glyph positions on every machine, so PDFs do not differ by host font settings.
  '--font-render-hinting=none'
]

/** What a pooled page has shown, for its next document. */
export interface PageHistory {
  /** Whether the site's next document can be written into the page's document (see `reusable`). */
  reusable(): Promise<boolean>
  /** How many fonts the page has been given, ever: a count that only grows. */
  fontsGiven(): number
}

/** A launched browser with a page pool. */
export interface BrowserSession {
  /**
   * Run `task` on a pooled page that serves `site`. Retried once on a fresh
   * browser when the browser crashed under it.
   */
  withPage<T>(site: Site, task: (page: Page, blocked: string[], history: PageHistory) => Promise<T>): Promise<T>
  /** Path of the browser executable in use. */
  executablePath: string
  /** Close the browser; safe to call more than once, and after `kill()`. */
  close(): Promise<void>
  /**
   * Kill a launched browser at once, synchronously (a second Ctrl-C, an exit
   * handler); the session is closed after. Does nothing to a remote browser.
   */
  kill(): void
}

/** True when this process runs as root (Chromium's sandbox cannot start then). */
export function runningAsRoot(): boolean {
  try {
    return os.userInfo().uid === 0
  } catch {
    // No user database entry (some containers): not root as far as we can tell.
    return false
  }
}

interface PooledPage {
  /**
   * Its own browser context, so its own renderer process, kept warm from one
   * document to the next (fonts decoded, styles parsed: a handout prints in about
   * half the time of a fresh renderer's). What the renderer showed before does not
   * change the bytes: Chromium names structure elements after DOM node numbers,
   * which count on across documents, and `canonicalStructure` renumbers them
   * (tests/pipeline.slow.test.ts prints an article alone and after others).
   * Closing it closes its context.
   */
  close(): Promise<void>
  page: Page
  site: Site
  blocked: string[]
  /**
   * What the page's document was given since the page last navigated to the
   * site's `/` (by path; not the immutable fonts), or `undefined` when it shows
   * no document of ours or refused something since (see `reusable`).
   */
  given: Map<string, Resource> | undefined
  /** Fonts answered, ever (see `PageHistory.fontsGiven`). */
  fonts: number
  /** Documents printed in it; after `documentsPerPage` it is closed and replaced, bounding what a renderer holds on to. */
  documents: number
}

/** Documents a pooled page prints before a fresh one replaces it. */
const documentsPerPage = 100

/**
 * Launch (or connect to) a browser session. Throws with a one-sentence fix when none is found.
 */
// biome-ignore lint/complexity/noExcessiveLinesPerFunction: one closure over the session's state (browser, pool, waiters). A split into holder and pool objects (same logic, checked line by line) made printed PDFs differ from run to run, for a reason not found; the determinism tests guard this shape.
export async function launchBrowser(options: LaunchOptions = {}): Promise<BrowserSession> {
  const remote = options.browserWSEndpoint
  const found = remote ? {executablePath: remote} : await findBrowser({explicit: options.executablePath, cacheDir: options.cacheDir})
  const puppeteer = (await import('puppeteer-core')).default
  const poolSize = options.poolSize ?? 2
  const timeout = options.timeout ?? 60_000

  let browser: Browser | undefined
  let launching: Promise<Browser> | undefined
  let idle: PooledPage[] = []
  let busy = 0
  const waiting: Array<() => void> = []
  let closed = false
  /** The browser `close()` is closing, until it has exited. */
  let closing: Browser | undefined
  // Each launched browser's own folder: its profile, and its temporary files (TMPDIR). Puppeteer
  // removes a profile it made only on a clean close, and Chromium leaves its temporary folders
  // behind when killed: these go on every path out, a second Ctrl-C's kill included.
  const folders = new Set<string>()
  const removeFolders = () => {
    for (const folder of folders) {
      // Chromium keeps its single-instance socket in a folder of its own in the system's
      // temporary folder (not TMPDIR's), linked from the profile: a Chromium that closes
      // removes it, a killed one leaves it behind.
      const socketFolder = singletonSocketFolder(path.join(folder, 'profile'))
      try {
        if (socketFolder) fs.rmSync(socketFolder, {recursive: true, force: true})
      } catch {
        // Not ours to remove after all (another user's): left.
      }
      try {
        // A killed Chromium's helper processes may still write into its profile for a moment
        // (ENOTEMPTY): retried for up to about a second (linear back-off of 20 ms).
        fs.rmSync(folder, {recursive: true, force: true, maxRetries: 9, retryDelay: 20})
      } catch {
        // Never on the way out: a second SIGTERM under load exited with 1 and a stack trace, not 130.
      }
    }
    folders.clear()
  }

  // A crashed, killed or disconnected browser is dropped with its pages; the next use relaunches.
  const forgetWhenGone = (instance: Browser): Browser => {
    instance.on('disconnected', () => {
      if (browser === instance) {
        browser = undefined
        idle = []
      }
    })
    return instance
  }

  const connect = async (endpoint: string): Promise<Browser> => {
    try {
      return forgetWhenGone(await puppeteer.connect({browserWSEndpoint: endpoint}))
    } catch (error) {
      throw new BrowserError(`Cannot connect to the browser at \`${endpoint}\`: ${(error as Error).message.split('\n')[0]}`, {cause: error})
    }
  }

  const launch = async (): Promise<Browser> => {
    if (remote) return connect(remote)
    const args = [...chromiumArgs]
    // Root cannot use Chromium's sandbox; content cannot run script anyway (JavaScript is off).
    if (options.sandbox === false || (options.sandbox === undefined && runningAsRoot())) args.push('--no-sandbox')
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'handout-chromium-'))
    folders.add(folder)
    fs.mkdirSync(path.join(folder, 'tmp'))
    try {
      const launched = await puppeteer.launch({
        executablePath: found.executablePath,
        headless: true,
        args,
        userDataDir: path.join(folder, 'profile'),
        ...(options.env ? {env: {...options.env, TMPDIR: path.join(folder, 'tmp')}} : {}),
        // DevTools over a pipe, not a port: when we die, however we die (even SIGKILL),
        // the pipe closes and Chromium exits instead of living on as an orphan.
        pipe: true,
        // We close it ourselves, in `finally`, and on Ctrl-C through the CLI.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
        timeout: 30_000
      })
      return forgetWhenGone(launched)
    } catch (error) {
      fs.rmSync(folder, {recursive: true, force: true})
      folders.delete(folder)
      const reason = (error as Error).message.split('\n').find((line) => line.trim() && !/^\s*at /.test(line)) ?? 'unknown error'
      throw new BrowserError(
        `Cannot start the browser \`${found.executablePath}\`: ${reason}. Check that it runs (\`${found.executablePath} --headless --version\`), or set \`HANDOUT_BROWSER\` to another Chromium or Chrome`,
        {cause: error}
      )
    }
  }

  const getBrowser = async (): Promise<Browser> => {
    // Nothing relaunches a closed session (the prewarm below may still be on its way).
    if (closed) throw new Error('The browser session is closed')
    if (browser?.connected) return browser
    launching ??= launch().then(
      (launched) => {
        browser = launched
        launching = undefined
        return launched
      },
      (error: unknown) => {
        launching = undefined
        throw error
      }
    )
    return launching
  }

  const newPage = async (): Promise<PooledPage> => {
    const context = await (await getBrowser()).createBrowserContext()
    const page = await context.newPage()
    const close = () => context.close()
    const pooled: PooledPage = {close, page, site: () => undefined, blocked: [], given: undefined, fonts: 0, documents: 0}
    page.setDefaultTimeout(timeout)
    // Rendered pages run no script at all: not ours, not the content's.
    await page.setJavaScriptEnabled(false)
    await page.setRequestInterception(true)
    page.on('request', (request) => {
      void answer(pooled, request)
    })
    return pooled
  }

  /** The first page, opened since the launch and not yet taken (see below). */
  let firstPage: Promise<PooledPage | undefined> | undefined

  /**
   * An idle page that can take `site`'s document in place (see `reusable`), else
   * the one released last. Of several, the one whose document was given the most:
   * a handout's page (its stylesheet, no image) could take a book's run in place,
   * but the book's own page shares more with it. So in watch mode, where a book's
   * prints and an article's take turns, each finds the page it used last.
   */
  const takeIdle = async (site: Site): Promise<PooledPage | undefined> => {
    let best: PooledPage | undefined
    for (const candidate of [...idle].reverse()) {
      if ((candidate.given?.size ?? -1) > (best?.given?.size ?? -1) && (await reusable(candidate, site))) best = candidate
    }
    if (best && idle.includes(best)) return idle.splice(idle.indexOf(best), 1)[0]
    return idle.pop()
  }

  const acquire = async (site: Site): Promise<PooledPage> => {
    while (busy >= poolSize) await new Promise<void>((resolve) => waiting.push(resolve))
    busy++
    try {
      const reuse = await takeIdle(site)
      if (reuse && !reuse.page.isClosed() && browser?.connected) return reuse
      // The first document waits for the page being opened rather than open a second one
      // beside it: a one-document build would start two renderers for one print.
      const pending = firstPage
      firstPage = undefined
      const first = await pending
      if (first && !first.page.isClosed() && browser?.connected) return first
      if (first) void first.close().catch(() => {})
      return await newPage()
    } catch (error) {
      busy--
      waiting.shift()?.()
      throw error
    }
  }

  /** Fresh pages being made for the next document. */
  const preparing = new Set<Promise<void>>()

  const release = (pooled: PooledPage, healthy: boolean) => {
    busy--
    pooled.site = () => undefined
    pooled.blocked = []
    pooled.documents++
    const usable = healthy && !closed && browser?.connected && !pooled.page.isClosed()
    if (usable && pooled.documents < documentsPerPage && idle.length < poolSize) {
      // Warm for the next document (see `PooledPage.close`).
      idle.push(pooled)
      waiting.shift()?.()
      return
    }
    // Failed, worn out or not needed: closed, and a fresh page is made ready in its place.
    void pooled.close().catch(() => {})
    if (healthy && !closed && browser?.connected && idle.length < poolSize) {
      const warming = newPage().then(
        async (fresh) => {
          if (closed || idle.length >= poolSize) await fresh.close().catch(() => {})
          else idle.push(fresh)
        },
        () => {}
      )
      // `close()` waits for these, so no page is left behind in a browser we only borrowed.
      preparing.add(warming)
      void warming.finally(() => preparing.delete(warming))
    }
    waiting.shift()?.()
  }

  const run = async <T>(site: Site, task: (page: Page, blocked: string[], history: PageHistory) => Promise<T>): Promise<T> => {
    const pooled = await acquire(site)
    pooled.site = site
    let healthy = false
    try {
      const result = await task(pooled.page, pooled.blocked, {reusable: () => reusable(pooled, pooled.site), fontsGiven: () => pooled.fonts})
      healthy = true
      return result
    } finally {
      release(pooled, healthy)
    }
  }

  // Start Chromium now and open the first page, so that both are ready by the time the
  // caller has parsed its first document. A failure here shows again at first use.
  const opening = getBrowser()
    // Not Chromium's own first blank tab, though it would save about 60 ms: a table-bearing
    // document printed there after another one came out with its objects in another order.
    // Nor a page in the default context, though its renderer is started sooner (about 0.4 s):
    // a fresh-clone run then printed a different PDF after a reused page (pipeline.slow).
    .then(() => newPage())
    .catch(() => undefined)
  firstPage = opening
  void opening.then((pooled) => {
    // Taken by `acquire` meanwhile: its page now. Else it goes to the pool (or, closed, away).
    if (firstPage !== opening || !pooled) return
    firstPage = undefined
    if (closed) void pooled.close().catch(() => {})
    else idle.push(pooled)
  })

  return {
    executablePath: found.executablePath,
    async withPage(site, task) {
      if (closed) throw new Error('The browser session is closed')
      try {
        return await run(site, task)
      } catch (error) {
        // A healthy browser means a real failure. A crashed or killed one shows as a
        // closed target or connection: relaunch once and try again.
        if (closed || browser?.connected) throw error
        return run(site, task)
      }
    },
    kill() {
      // A browser being closed (a first Ctrl-C) is killed too: closing, it writes its profile again.
      const current = browser ?? closing
      closed = true
      browser = undefined
      const pid = remote ? undefined : current?.process()?.pid
      // The whole tree: its helpers would go on writing into the folder removed next.
      if (pid !== undefined) killTree(pid)
      removeFolders()
    },
    async close() {
      if (closed && !browser) return
      closed = true
      // Bounded: a wedged browser may never answer for a page; it is closed (or killed) anyway.
      let timer: NodeJS.Timeout | undefined
      await Promise.race([Promise.all(preparing), new Promise((resolve) => (timer = setTimeout(resolve, 5000)))])
      clearTimeout(timer)
      const current = browser ?? (launching ? await launching.catch(() => undefined) : undefined)
      const pages = idle
      browser = undefined
      closing = current
      idle = []
      if (remote) {
        // Someone else's browser: close only our pages, then let go of it.
        await Promise.all(pages.map((pooled) => pooled.close().catch(() => {})))
        await current?.disconnect().catch(() => {})
        return
      }
      // Ours, with a profile that is thrown away next: killed with its helpers rather than
      // asked to close. Chromium's orderly shutdown writes that profile out first, which took
      // 110 to 150 ms at the end of every build, for nothing kept.
      const child = current?.process()
      if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        const tree = killTree(child.pid)
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000).unref())])
        // Its helpers too, before their profile goes: they die a moment after it.
        await untilExited(tree, 5000)
      } else await current?.close().catch(() => current.process()?.kill('SIGKILL'))
      closing = undefined
      removeFolders()
    }
  }
}

/**
 * The folder of the profile's `SingletonSocket` link (`/tmp/org.chromium.Chromium.XXXXXX`),
 * when it is one Chromium made (Chrome's too); `undefined` otherwise.
 */
function singletonSocketFolder(profile: string): string | undefined {
  let target: string
  try {
    target = fs.readlinkSync(path.join(profile, 'SingletonSocket'))
  } catch {
    return undefined
  }
  const folder = path.dirname(path.resolve(profile, target))
  return /^(?:org\.chromium\.Chromium|com\.google\.Chrome(?:\.[A-Za-z]+)?)\.[A-Za-z0-9]+$/.test(path.basename(folder)) ? folder : undefined
}

/**
 * Whether the page's document can take the next document of its site in place
 * (`document.open`) rather than by a navigation. A document keeps what it has
 * loaded by URL for its whole life (an image asked for again is not fetched
 * again, `no-store` or not), and the next document written into it would show
 * that. So only when the page shows a document of ours, nothing was refused since
 * it navigated, and the site now serves the same bytes at every path that
 * document was given.
 */
async function reusable(pooled: PooledPage, site: Site): Promise<boolean> {
  const given = pooled.given
  if (!given || pooled.page.isClosed() || pooled.page.url() !== origin + '/') return false
  for (const [pathname, before] of given) {
    let now: Resource | undefined
    try {
      now = await site(pathname)
    } catch {
      return false
    }
    if (!now || now.contentType !== before.contentType || !sameBody(now.body, before.body)) return false
  }
  return true
}

function sameBody(a: Uint8Array | string, b: Uint8Array | string): boolean {
  const bytes = (body: Uint8Array | string) => (typeof body === 'string' ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength))
  return a === b || bytes(a).equals(bytes(b))
}

/** Answer one request from the page's site, abort anything else and record it. */
async function answer(pooled: PooledPage, request: HTTPRequest): Promise<void> {
  const url = request.url()
  let resource: Resource | undefined
  if (url.startsWith(origin + '/') && request.method() === 'GET') {
    try {
      resource = await pooled.site(new URL(url).pathname)
    } catch {
      resource = undefined
    }
  }
  if (!resource && url === `${origin}/favicon.ico`) {
    // Chromium asks for a favicon on its own; not the page's doing, nothing to report.
    await request.respond({status: 404, body: ''}).catch(() => {})
    return
  }
  if (!resource) {
    pooled.given = undefined
    pooled.blocked.push(url.length > 200 ? url.slice(0, 200) + '…' : url)
    await request.abort('blockedbyclient').catch(() => {})
    return
  }
  // A navigation makes a new document, which has been given nothing yet.
  if (request.isNavigationRequest() && !request.frame()?.parentFrame()) pooled.given = new Map()
  else if (!resource.immutable) pooled.given?.set(new URL(url).pathname, resource)
  if (resource.contentType.startsWith('font/')) pooled.fonts++
  const headers: Record<string, string> = {'Cache-Control': resource.immutable ? 'max-age=31536000, immutable' : 'no-store'}
  if (resource.contentType.startsWith('text/html')) {
    // Defence in depth: even if markup slipped through sanitising, it could load
    // nothing from elsewhere and run nothing.
    headers['Content-Security-Policy'] = `default-src 'none'; style-src ${origin} 'unsafe-inline'; font-src ${origin}; img-src ${origin}; base-uri 'none'; form-action 'none'`
  }
  await request.respond({status: 200, contentType: resource.contentType, headers, body: typeof resource.body === 'string' ? resource.body : Buffer.from(resource.body)}).catch(() => {})
}
