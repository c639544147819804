/**
 * Get a browser when none is found: Puppeteer's own download of
 * chrome-headless-shell where the network allows it, else Debian's or
 * Ubuntu's `chromium` package when running as root. Used by `npm run setup`.
 */
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {BrowserError, findBrowser, noBrowserMessage, type FoundBrowser} from './find-browser.js'

/** Options of `ensureBrowser`. */
export interface EnsureBrowserOptions {
  explicit?: string | undefined
  /** Puppeteer's cache folder (default: `~/.cache/puppeteer`). */
  cacheDir?: string | undefined
  /** Allowed to run `apt-get` (the caller checks for root). */
  mayUseApt?: boolean
  /** Environment of `apt-get` (the CLI passes its own). */
  env?: Record<string, string | undefined>
  /** Progress lines. */
  log?: (line: string) => void
}

/** Find a browser, or install one; throws `noBrowserMessage` when neither works. */
export async function ensureBrowser(options: EnsureBrowserOptions = {}): Promise<FoundBrowser> {
  const log = options.log ?? (() => {})
  const cacheDir = options.cacheDir ?? path.join(os.homedir(), '.cache', 'puppeteer')
  try {
    const found = await findBrowser({explicit: options.explicit, cacheDir})
    log(`Browser: ${found.executablePath} (${found.source === 'puppeteer-cache' ? "Puppeteer's cache" : found.source}).`)
    return found
  } catch (error) {
    if (options.explicit || !(error instanceof BrowserError)) throw error
  }

  log("No browser found. Trying Puppeteer's download of chrome-headless-shell…")
  const {Browser, canDownload, detectBrowserPlatform, install} = await import('@puppeteer/browsers')
  // The revision this puppeteer-core was made for: exported at run time, missing from its types.
  const puppeteer = (await import('puppeteer-core')) as unknown as {PUPPETEER_REVISIONS: Record<'chrome-headless-shell', string>}
  const buildId = puppeteer.PUPPETEER_REVISIONS['chrome-headless-shell']
  const platform = detectBrowserPlatform()
  if (platform && (await canDownload({browser: Browser.CHROMEHEADLESSSHELL, buildId, cacheDir, platform}).catch(() => false))) {
    const installed = await install({browser: Browser.CHROMEHEADLESSSHELL, buildId, cacheDir, platform})
    log(`Downloaded chrome-headless-shell ${buildId} to ${installed.executablePath}.`)
    return {executablePath: installed.executablePath, source: 'puppeteer-cache'}
  }
  log('The download is not reachable from this machine.')

  if (options.mayUseApt && fs.existsSync('/usr/bin/apt-get')) {
    log("Installing Debian's chromium with apt-get (this takes a minute)…")
    const env = {...options.env, DEBIAN_FRONTEND: 'noninteractive'}
    spawnSync('apt-get', ['update', '-qq'], {stdio: 'inherit', env})
    const result = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], {stdio: 'inherit', env})
    if (result.status === 0) return findBrowser({cacheDir})
    log('apt-get could not install chromium.')
  }
  throw new BrowserError(noBrowserMessage)
}
