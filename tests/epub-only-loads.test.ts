/**
 * What an EPUB-only build loads, through the compiled CLI as a user runs it:
 * nothing of the PDF route (Puppeteer, the browser finder, pdf-lib), and no
 * KaTeX for a source without math. Each module resolved, by either thread, is
 * logged by a resolve hook registered through `--import`; a package counts as
 * loaded when a file of it was, or a chunk of the CLI bundle holding it (most
 * are bundled: see `npm run bundle`). A rebuild whose cover is cached loads
 * neither fontkit nor resvg.
 */
import {execFileSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {repo, tempDir, tempProject} from './support/tools.js'

let loads: string[] = []
let epub = ''
let rebuildLoads: string[] = []

/** Run the compiled CLI with `args` in `cwd`, and return every module URL either thread resolved. */
function loadsOf(args: string[], cwd: string): string[] {
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
  execFileSync(process.execPath, ['--import', register, path.join(repo, 'bin', 'handout.js'), ...args], {cwd, stdio: 'ignore'})
  return [...new Set(fs.readFileSync(log, 'utf8').split('\n').filter(Boolean))]
}

beforeAll(() => {
  execFileSync(process.execPath, [path.join(repo, 'tests', 'support', 'compile-if-stale.mjs')], {cwd: repo, stdio: 'ignore'})
  const dir = tempDir()
  loads = loadsOf(['build', 'content/is-k-resurgence.md', '--format', 'epub', '--out', dir, '--no-cache'], repo)
  epub = path.join(dir, 'is-k-resurgence.epub')
  // A project of its own (its cache in it): built once, then again with nothing changed.
  const project = tempProject({'content/is-k-resurgence.md': fs.readFileSync(path.join(repo, 'content', 'is-k-resurgence.md'))})
  execFileSync(process.execPath, [path.join(repo, 'bin', 'handout.js'), 'build', '--format', 'epub', '--out', 'first'], {cwd: project, stdio: 'ignore'})
  rebuildLoads = loadsOf(['build', '--format', 'epub', '--out', 'second'], project)
  expect(fs.statSync(path.join(project, 'second', 'is-k-resurgence.epub')).size).toBeGreaterThan(10_000)
}, 120_000)

let held: Map<string, Set<string>> | undefined

/** The packages each chunk of the CLI bundle holds (read once): esbuild starts each module's code with a comment naming its file. */
function chunkPackages(): Map<string, Set<string>> {
  if (held) return held
  const lib = path.join(repo, 'lib')
  const chunks = new Map<string, Set<string>>()
  for (const name of fs.readdirSync(lib).filter((file) => file.endsWith('.js'))) {
    const text = fs.readFileSync(path.join(lib, name), 'utf8')
    chunks.set(name, new Set(Array.from(text.matchAll(/^\/\/ (?:\S*\/)?node_modules\/((?:@[^/\s]+\/)?[^/\s]+)\//gm), (match) => match[1]!)))
  }
  held = chunks
  return chunks
}

/** Whether `urls` hold a file of package `name`, or a bundle chunk holding it. */
function loadedFrom(urls: string[], name: string): boolean {
  const chunks = chunkPackages()
  return urls.some((url) => url.includes(`/node_modules/${name}/`) || (url.includes('/lib/') && chunks.get(path.basename(url))?.has(name) === true))
}

const loaded = (name: string) => loadedFrom(loads, name)

describe('an EPUB-only build of the sample', () => {
  it('is written, and the log saw the packages it does load (the hook works)', () => {
    expect(fs.statSync(epub).size).toBeGreaterThan(10_000)
    expect(loaded('epub-gen-memory')).toBe(true)
    expect(loaded('fontkit')).toBe(true)
  })

  it('loads nothing of the PDF route: no Puppeteer, no browser finder, no pdf-lib', () => {
    // pdf-lib is bundled, so a chunk holds it: the check below can see it there.
    expect([...chunkPackages().values()].some((held) => held.has('pdf-lib'))).toBe(true)
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

describe('an EPUB-only rebuild whose cover is in the cache', () => {
  it('finds the cover without setting its text or rasterising it: no fontkit, no resvg', () => {
    const seen = (name: string) => loadedFrom(rebuildLoads, name)
    expect(seen('epub-gen-memory')).toBe(true)
    expect(['fontkit', '@resvg/resvg-js'].map((name) => [name, seen(name)])).toEqual([
      ['fontkit', false],
      ['@resvg/resvg-js', false]
    ])
  })
})
