/**
 * Find a Chromium or Chrome to print with, in this order: the explicit path
 * (option, `HANDOUT_BROWSER` or `PUPPETEER_EXECUTABLE_PATH`, passed in by the
 * CLI), Puppeteer's download cache, then the usual system locations.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** Options of `findBrowser`. */
export interface FindBrowserOptions {
  /** Explicit executable: used as is, an error when it does not exist. */
  explicit?: string | undefined
  /** Puppeteer's cache folder (default: `~/.cache/puppeteer`). */
  cacheDir?: string | undefined
  /** System locations to try last (default: the usual Linux, macOS and Windows paths). */
  systemPaths?: readonly string[]
}

/** Where a browser was found. */
export interface FoundBrowser {
  executablePath: string
  /** Which rule found it, for `--verbose` and error messages. */
  source: 'explicit' | 'puppeteer-cache' | 'system'
}

/** The browser cannot be found or started: a problem of the machine, not of a source. */
export class BrowserError extends Error {
  override name = 'BrowserError'
}

/** The sentence printed when no browser exists anywhere. */
export const noBrowserMessage =
  'No Chromium or Chrome found: run `npm run setup` (it downloads Chrome for Testing, or on Debian/Ubuntu as root installs the `chromium` package), or set `HANDOUT_BROWSER` to the path of a Chromium or Chrome executable.'

/** Usual install locations of Chromium and Chrome. */
export const systemPaths = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe'
]

/** Find a browser or throw `noBrowserMessage`. */
export async function findBrowser(options: FindBrowserOptions = {}): Promise<FoundBrowser> {
  if (options.explicit) {
    if (!isExecutable(options.explicit)) {
      throw new BrowserError(`Browser \`${options.explicit}\` (from \`--browser\`, \`HANDOUT_BROWSER\` or \`PUPPETEER_EXECUTABLE_PATH\`) does not exist or is not executable: fix the path or unset it`)
    }
    return {executablePath: options.explicit, source: 'explicit'}
  }

  const cached = await findInPuppeteerCache(options.cacheDir ?? path.join(os.homedir(), '.cache', 'puppeteer'))
  if (cached) return {executablePath: cached, source: 'puppeteer-cache'}

  for (const candidate of options.systemPaths ?? systemPaths) {
    if (isExecutable(candidate)) return {executablePath: candidate, source: 'system'}
  }
  throw new BrowserError(noBrowserMessage)
}

/** Newest Chrome (or chrome-headless-shell) that `@puppeteer/browsers` installed in `cacheDir`. */
export async function findInPuppeteerCache(cacheDir: string): Promise<string | undefined> {
  if (!fs.existsSync(cacheDir)) return undefined
  // Loaded only when a cache exists: it is not needed otherwise.
  const {getInstalledBrowsers, Browser} = await import('@puppeteer/browsers')
  const installed = await getInstalledBrowsers({cacheDir})
  const usable = installed
    .filter((entry) => entry.browser === Browser.CHROMEHEADLESSSHELL || entry.browser === Browser.CHROME || entry.browser === Browser.CHROMIUM)
    .filter((entry) => isExecutable(entry.executablePath))
    .sort((a, b) => compareBuildIds(b.buildId, a.buildId) || (a.browser === Browser.CHROMEHEADLESSSHELL ? -1 : 1))
  return usable[0]?.executablePath
}

function compareBuildIds(a: string, b: string): number {
  const left = a.split('.').map(Number)
  const right = b.split('.').map(Number)
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0)
    if (difference) return difference
  }
  return 0
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK)
    return fs.statSync(file).isFile()
  } catch {
    return false
  }
}
