/**
 * Browser discovery order: explicit path, Puppeteer's cache, system paths,
 * else one sentence saying how to get a browser.
 */
import fs from 'node:fs'
import path from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {BrowserError, findBrowser, noBrowserMessage} from '../scripts/pdf/find-browser.js'
import {tempDir} from './support/tools.js'

let dir: string
afterEach(() => fs.rmSync(dir, {recursive: true, force: true}))

function fakeExecutable(name: string): string {
  const file = path.join(dir, name)
  fs.mkdirSync(path.dirname(file), {recursive: true})
  fs.writeFileSync(file, '#!/bin/sh\n', {mode: 0o755})
  return file
}

describe('findBrowser', () => {
  it('uses an explicit path first', async () => {
    dir = tempDir()
    const explicit = fakeExecutable('my-chrome')
    const system = fakeExecutable('system-chrome')
    expect(await findBrowser({explicit, cacheDir: path.join(dir, 'none'), systemPaths: [system]})).toEqual({executablePath: explicit, source: 'explicit'})
  })

  it('rejects an explicit path that does not exist, naming it', async () => {
    dir = tempDir()
    await expect(findBrowser({explicit: path.join(dir, 'missing')})).rejects.toThrow(BrowserError)
    await expect(findBrowser({explicit: path.join(dir, 'missing')})).rejects.toThrow(/missing` .* does not exist/)
  })

  it("prefers Puppeteer's cache over the system", async () => {
    dir = tempDir()
    const cached = fakeExecutable('cache/chrome-headless-shell/linux-131.0.6778.85/chrome-headless-shell-linux64/chrome-headless-shell')
    const system = fakeExecutable('system-chrome')
    const found = await findBrowser({cacheDir: path.join(dir, 'cache'), systemPaths: [system]})
    expect(found).toEqual({executablePath: cached, source: 'puppeteer-cache'})
  })

  it('falls back to system paths', async () => {
    dir = tempDir()
    const system = fakeExecutable('system-chrome')
    expect(await findBrowser({cacheDir: path.join(dir, 'none'), systemPaths: [path.join(dir, 'nope'), system]})).toEqual({executablePath: system, source: 'system'})
  })

  it('says in one sentence how to get a browser when there is none', async () => {
    dir = tempDir()
    await expect(findBrowser({cacheDir: path.join(dir, 'none'), systemPaths: []})).rejects.toThrow(noBrowserMessage)
    expect(noBrowserMessage.split('. ').length).toBe(1)
    expect(noBrowserMessage).toMatch(/npm run setup/)
    expect(noBrowserMessage).toMatch(/apt-get install|`chromium`/)
  })
})
