/**
 * Start the browser a build's options ask for. Small on purpose: the CLI
 * imports it before the Markdown stack, so Chromium boots on the other core
 * while the rest loads. The builder that receives the session owns it.
 */
import type {BuildOptions} from '../config/schema.js'
import {type BrowserSession, launchBrowser} from '../pdf/browser.js'

/** What the environment says about the browser (the CLI reads it from `process`). */
export interface BrowserEnvironment {
  /** Puppeteer's download cache folder. */
  puppeteerCacheDir?: string | undefined
  /** Keep Chromium's sandbox (default: on, off when running as root). */
  sandbox?: boolean | undefined
  /**
   * A browser already starting (`startBrowser`), to use instead of launching
   * one. The builder it is given to owns it and closes it.
   */
  session?: Promise<BrowserSession> | undefined
}

/** Launch (or connect to) the browser of a build with these options. */
export function startBrowser(options: BuildOptions, environment: BrowserEnvironment = {}): Promise<BrowserSession> {
  const session = launchBrowser({
    executablePath: options.browser,
    browserWSEndpoint: options.browserWSEndpoint,
    cacheDir: environment.puppeteerCacheDir,
    sandbox: environment.sandbox,
    poolSize: options.concurrency,
    timeout: options.timeout
  })
  // Awaited, with its error reported, at first use.
  session.catch(() => {})
  return session
}
