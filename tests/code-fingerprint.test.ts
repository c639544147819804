/**
 * What identifies our code in every cache key: a changed code file of the
 * tree that runs gives a new fingerprint; source maps and type declarations
 * do not count. No browser.
 */
import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {codeFingerprint} from '../scripts/pipeline/build-cache.js'
import {tempDir} from './support/tools.js'

describe('codeFingerprint', () => {
  it('changes with the size or time of a code file, in subfolders too, and not with maps or declarations', async () => {
    const code = tempDir()
    fs.mkdirSync(path.join(code, 'pdf'), {recursive: true})
    fs.writeFileSync(path.join(code, 'main.js'), 'export const a = 1\n')
    fs.writeFileSync(path.join(code, 'pdf', 'print.js'), 'export const b = 2\n')
    const first = await codeFingerprint(code)
    expect(first).toMatch(/^[0-9a-f]{64}$/)
    expect(await codeFingerprint(code)).toBe(first)

    fs.writeFileSync(path.join(code, 'main.js.map'), '{}')
    fs.writeFileSync(path.join(code, 'pdf', 'print.d.ts'), 'export declare const b: number\n')
    expect(await codeFingerprint(code)).toBe(first)

    fs.writeFileSync(path.join(code, 'pdf', 'print.js'), 'export const b = 20\n')
    const resized = await codeFingerprint(code)
    expect(resized).not.toBe(first)

    const later = new Date(Date.now() + 60_000)
    fs.utimesSync(path.join(code, 'main.js'), later, later)
    expect(await codeFingerprint(code)).not.toBe(resized)
  })

  it("is the running tree's: a folder that does not exist still gives one, from the version and the dependencies", async () => {
    const missing = path.join(tempDir(), 'nothing-here')
    expect(await codeFingerprint(missing)).toMatch(/^[0-9a-f]{64}$/)
    expect(await codeFingerprint()).not.toBe(await codeFingerprint(missing))
  })
})
