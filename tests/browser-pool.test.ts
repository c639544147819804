/**
 * The browser session's page pool: the page opened at launch serves the first
 * document (a one-document build starts one renderer, not two), later
 * documents reuse pooled pages, and two documents at once get two pages.
 * Closing ends the browser with every process it started and removes its
 * folder, and the folder of its single-instance socket in the system's /tmp.
 */
import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {launchBrowser, origin, type Site} from '../scripts/pdf/browser.js'
import {processTree} from '../scripts/pdf/kill-tree.js'
import {browser, environment} from './support/tools.js'

const site: Site = (pathname) => (pathname === '/' ? {body: '<!DOCTYPE html><title>A page</title><p>Text.</p>', contentType: 'text/html; charset=utf-8'} : undefined)

/** Pages open in the browser while `page` shows the site: Chromium's own blank tab, and the pooled pages. */
async function pagesWhileOpen(session: Awaited<ReturnType<typeof launchBrowser>>): Promise<number> {
  return session.withPage(site, async (page) => {
    await page.goto(`${origin}/`, {waitUntil: 'load'})
    return (await page.browser().pages()).length
  })
}

describe('the page pool', () => {
  it('prints the first document in the page opened at launch, and the next ones in it again', async () => {
    // Asked for at once, while Chromium is still starting and its first page is being opened.
    const session = await launchBrowser({executablePath: browser, ...environment})
    try {
      expect(await pagesWhileOpen(session)).toBe(2)
      expect(await pagesWhileOpen(session)).toBe(2)
      // Two documents at once: a second page.
      const both = await Promise.all([pagesWhileOpen(session), pagesWhileOpen(session)])
      expect(Math.max(...both)).toBe(3)
    } finally {
      await session.close()
    }
  }, 60_000)

  it('closes by ending the browser and every helper it started, and removes its folder and its socket folder', async () => {
    const session = await launchBrowser({executablePath: browser, ...environment})
    const {pid, folder, socket} = await session.withPage(site, async (page) => {
      await page.goto(`${origin}/`, {waitUntil: 'load'})
      const child = page.browser().process()!
      const profile = child.spawnargs.find((arg) => arg.startsWith('--user-data-dir='))!.slice('--user-data-dir='.length)
      return {pid: child.pid!, folder: path.dirname(profile), socket: path.dirname(fs.readlinkSync(path.join(profile, 'SingletonSocket')))}
    })
    // The browser, its zygotes and the renderer that showed the page.
    const tree = processTree(pid)
    expect(tree.length).toBeGreaterThan(2)
    expect(fs.existsSync(folder)).toBe(true)
    // Chromium's single-instance socket, in a folder of its own outside the profile.
    expect(path.basename(socket)).toMatch(/^org\.chromium\.Chromium\./)
    expect(fs.existsSync(socket)).toBe(true)
    await session.close()
    // Killed at once: nothing of the tree runs on (a zombie waits only to be reaped by init).
    expect(tree.filter(running)).toEqual([])
    expect(fs.existsSync(folder)).toBe(false)
    expect(fs.existsSync(socket)).toBe(false)
    // Closing again does nothing.
    await session.close()
  }, 60_000)
})

/** Whether `pid` is a process that has not exited. */
function running(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
  } catch {
    return false
  }
}
