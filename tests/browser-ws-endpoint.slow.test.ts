/**
 * `--browser-ws-endpoint`: a build prints through a Chrome someone else runs,
 * closes only its own pages and leaves that browser running.
 */
import fs from 'node:fs'
import path from 'node:path'
import puppeteer from 'puppeteer-core'
import {describe, expect, it} from 'vitest'
import {build} from '../scripts/pipeline/build.js'
import {browser as executablePath, environment, pdfInfo, repo, tempDir} from './support/tools.js'

describe('a remote browser', () => {
  it('prints through it and leaves it running', async () => {
    const remote = await puppeteer.launch({executablePath, headless: true, args: environment.sandbox ? [] : ['--no-sandbox']})
    const out = tempDir()
    try {
      const pagesBefore = (await remote.pages()).length
      const report = await build(
        {root: repo, inputs: ['content/is-k-resurgence.md'], outDir: out, browserWSEndpoint: remote.wsEndpoint()},
        {},
        // No executable is looked for: a wrong one must not matter.
        {...environment, puppeteerCacheDir: path.join(out, 'no-cache')}
      )
      expect(report.ok).toBe(true)
      expect(pdfInfo(path.join(out, 'is-k-resurgence.pdf')).Pages).toBe('2')
      expect(fs.statSync(path.join(out, 'is-k-resurgence.epub')).size).toBeGreaterThan(0)
      expect(remote.connected).toBe(true)
      expect((await remote.pages()).length).toBe(pagesBefore)
    } finally {
      await remote.close()
      fs.rmSync(out, {recursive: true, force: true})
    }
  })

  it('says which endpoint it could not reach (the PDF fails, the EPUB is still written)', async () => {
    const out = tempDir()
    try {
      const report = await build({root: repo, inputs: ['content/is-k-resurgence.md'], outDir: out, browserWSEndpoint: 'ws://127.0.0.1:9/devtools/browser/none'}, {}, environment)
      expect(report.ok).toBe(false)
      const messages = report.sources[0]!.file.messages
      expect(messages.map((message) => message.ruleId)).toEqual(['browser-unavailable'])
      expect(messages[0]!.reason).toMatch(/Cannot connect to the browser at `ws:\/\/127\.0\.0\.1:9/)
      expect(fs.readdirSync(out)).toEqual(['is-k-resurgence.epub'])
    } finally {
      fs.rmSync(out, {recursive: true, force: true})
    }
  })
})
