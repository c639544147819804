/**
 * What an EPUB-only build loads, through the compiled CLI as a user runs it:
 * nothing of the PDF route (Puppeteer, the browser finder, pdf-lib), and no
 * KaTeX for a source without math (neither the package nor a bundle chunk
 * holding it). Each module resolved, by either thread, is logged by a resolve
 * hook registered through `--import`.
 */
import {execFileSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {repo, tempDir} from './support/tools.js'

let loads: string[] = []
let epub = ''

beforeAll(() => {
  execFileSync(process.execPath, [path.join(repo, 'tests', 'support', 'compile-if-stale.mjs')], {cwd: repo, stdio: 'ignore'})
  const dir = tempDir()
  const log = path.join(dir, 'loads.txt')
  const hooks = path.join(dir, 'hooks.mjs')
  // Runs on the loader's own thread: every `import` of either thread (and every `require` of an imported CommonJS package) passes here.
  fs.writeFileSync(
    hooks,
    `import fs from 'node:fs'
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context)
  fs.appendFileSync(${JSON.stringify(log)}, result.url + '\\n')
  return result
}
`
  )
  const register = path.join(dir, 'register.mjs')
  fs.writeFileSync(register, `import {register} from 'node:module'\nregister(${JSON.stringify(new URL(`file://${hooks}`).href)})\n`)
  execFileSync(process.execPath, ['--import', register, path.join(repo, 'bin', 'handout.js'), 'build', 'content/is-k-resurgence.md', '--format', 'epub', '--out', dir, '--no-cache'], {
    cwd: repo,
    stdio: 'ignore'
  })
  epub = path.join(dir, 'is-k-resurgence.epub')
  loads = [...new Set(fs.readFileSync(log, 'utf8').split('\n').filter(Boolean))]
}, 120_000)

const loaded = (name: string) => loads.some((url) => url.includes(`/node_modules/${name}/`))

describe('an EPUB-only build of the sample', () => {
  it('is written, and the log saw the packages it does load (the hook works)', () => {
    expect(fs.statSync(epub).size).toBeGreaterThan(10_000)
    expect(loaded('epub-gen-memory')).toBe(true)
    expect(loaded('fontkit')).toBe(true)
  })

  it('loads nothing of the PDF route: no Puppeteer, no browser finder, no pdf-lib', () => {
    for (const name of ['puppeteer-core', '@puppeteer/browsers', 'pdf-lib']) expect([name, loaded(name)]).toEqual([name, false])
  })

  it('loads no KaTeX for a source without math', () => {
    expect(loads.filter((url) => url.includes('/katex'))).toEqual([])
    // The bundle's chunks: KaTeX is in one of them (its error message), never one this build loaded.
    const chunks = fs.readdirSync(path.join(repo, 'lib')).filter((name) => name.endsWith('.js'))
    const withKatex = chunks.filter((name) => fs.readFileSync(path.join(repo, 'lib', name), 'utf8').includes('KaTeX parse error'))
    expect(withKatex.length).toBeGreaterThan(0)
    expect(loads.filter((url) => withKatex.some((name) => url.endsWith(`/lib/${name}`)))).toEqual([])
  })
})
