/**
 * Start the browser and the parse worker a build's options ask for. Small on
 * purpose: the CLI imports it before the rest of the pipeline, so Chromium
 * boots and the worker loads the Markdown stack on the other core while the
 * rest loads. The builder that receives them owns them.
 */
import {existsSync} from 'node:fs'
import path from 'node:path'
import type {BuildOptions} from '../config/schema.js'
import {createParsePool, type ParsePool} from '../parse/parse-pool.js'
import {type BrowserSession, launchBrowser} from '../pdf/browser.js'

/** What the environment says about the browser (the CLI reads it from `process`). */
export interface BrowserEnvironment {
  /** Puppeteer's download cache folder. */
  puppeteerCacheDir?: string | undefined
  /** Keep Chromium's sandbox (default: on, off when running as root). */
  sandbox?: boolean | undefined
  /** The environment Chromium starts with (see `LaunchOptions.env`; the CLI passes its own). */
  env?: Record<string, string | undefined> | undefined
  /**
   * A browser already starting (`startBrowser`), to use instead of launching
   * one. The builder it is given to owns it and closes it.
   */
  session?: Promise<BrowserSession> | undefined
  /**
   * A parse pool already warming (`startParser`), to use instead of starting
   * one. The builder it is given to owns it and closes it.
   */
  parser?: ParsePool | undefined
  /** Told of a browser the builder launches itself (it was given no `session`), e.g. to kill it on a second Ctrl-C. */
  onLaunch?: ((session: BrowserSession) => void) | undefined
}

/** The build cache's list of written outputs, in its `build` folder (see `build-cache.ts`). */
export const outputListName = 'outputs.json'

/**
 * True when a build with these options may have nothing to print: the cache is
 * on and lists the outputs of an earlier build. Its browser then starts at the
 * first source or output the cache cannot answer, not at once.
 */
export function mayPrintNothing(options: BuildOptions): boolean {
  const dir = cacheDirOf(options)
  return dir !== undefined && existsSync(path.join(dir, 'build', outputListName))
}

/** The project's cache folder, or `undefined` when the disk cache is off. */
export function cacheDirOf(options: BuildOptions): string | undefined {
  return options.cache && options.cacheDir !== '' ? path.resolve(options.root, options.cacheDir) : undefined
}

/** Launch (or connect to) the browser of a build with these options. */
export function startBrowser(options: BuildOptions, environment: BrowserEnvironment = {}): Promise<BrowserSession> {
  const session = launchBrowser({
    executablePath: options.browser,
    browserWSEndpoint: options.browserWSEndpoint,
    cacheDir: environment.puppeteerCacheDir,
    sandbox: environment.sandbox,
    env: environment.env,
    poolSize: options.concurrency,
    timeout: options.timeout
  })
  // Awaited, with its error reported, at first use.
  session.catch(() => {})
  return session
}

/**
 * The parse workers of a build with these options (see `parse-pool.ts`), one
 * started at once: its code loads while the caller goes on.
 */
export function startParser(options: BuildOptions): ParsePool {
  return createParsePool({
    size: options.concurrency,
    timeout: options.timeout,
    processor: {root: path.resolve(options.root), maxImageBytes: options.limits.imageBytes, maxImagePixels: options.limits.imagePixels},
    warm: true
  })
}
