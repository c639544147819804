/**
 * Slow: the package as users get it. `npm pack` (whose `prepack` compiles
 * lib/; run in a copy of the sources, so the repo's lib/ stays whole for the
 * test files running beside this one), then `npm install <tarball>` into a folder outside the repository,
 * then `npx handout build` there: compiled code only, the package's own
 * templates, fonts and preview files, a project that overrides one template,
 * a remark plugin from the project's own node_modules, `eject`, the API.
 */
import {execFileSync, spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {browser, epubcheck, pdfInfo, pdfText, repo, run} from './support/tools.js'

const article = '---\ntitle: Hello from a project\ndate: 2024-04-05\n---\n\n## What is this?\n\nA plain article with a picture next to it.\n\n![A red square](red.png)\n'
const png = fs.readFileSync(path.join(repo, 'tests/fixtures/markdown/images/pictures/red.png'))

const tocArticle = '---\ntitle: With contents\ndate: 2024-04-05\n---\n\n## In this handout\n\n## First question\n\nOne.\n\n## Second question\n\nTwo.\n'

let work: string
let project: string
let packed: {path: string; size: number}[]
let tarball: {size: number; files: number}

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: {...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false'}
  })
}

function handout(args: string[], cwd = project) {
  return spawnSync(path.join(project, 'node_modules', '.bin', 'handout'), args, {cwd, encoding: 'utf8', env: {...process.env, HANDOUT_BROWSER: browser}, timeout: 120_000})
}

/** The text of each JavaScript file of the installed package's `lib/` (the CLI bundle's entries and chunks). */
function packedChunks(): string[] {
  const lib = path.join(project, 'node_modules', 'handout-press', 'lib')
  return fs
    .readdirSync(lib)
    .filter((name) => name.endsWith('.js'))
    .map((name) => fs.readFileSync(path.join(lib, name), 'utf8'))
}

/**
 * A copy of what `npm pack` and its `prepack` compile read, with the repo's
 * node_modules linked in: `prepack` starts by removing lib/, which the test
 * files running beside this one use (bin/handout.js runs lib/cli.bundle.js).
 */
function packableCopy(into: string): string {
  const copy = path.join(into, 'source')
  // `prepack` compiles; the copy has what it reads.
  for (const name of ['package.json', 'README.md', 'tsconfig.json', 'tsconfig.build.json', 'bin', 'scripts', 'templates', 'preview', 'tests/support/bundle.mjs']) {
    fs.cpSync(path.join(repo, name), path.join(copy, name), {recursive: true})
  }
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(copy, 'node_modules'))
  return copy
}

beforeAll(() => {
  // Outside the repository: no node_modules above it to fall back on.
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'handout-package-'))
  const source = packableCopy(work)
  const [result] = JSON.parse(npm(['pack', '--json', '--pack-destination', work], source)) as [{filename: string; size: number; files: {path: string; size: number}[]}]
  packed = result.files
  tarball = {size: result.size, files: result.files.length}
  project = path.join(work, 'project')
  fs.mkdirSync(project)
  fs.writeFileSync(path.join(project, 'package.json'), '{"name": "my-handouts", "private": true}\n')
  // remark-toc as a user would have it in their project: packed from our devDependency (no download of it).
  const [toc] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work, path.join(repo, 'node_modules', 'remark-toc')], repo)) as [{filename: string}]
  // Dependencies come from npm's cache where it has them, else the registry.
  npm(['install', '--prefer-offline', '--no-save', path.join(work, result.filename), path.join(work, toc.filename)], project)
}, 600_000)

afterAll(() => fs.rmSync(work, {recursive: true, force: true}))

describe('the packed package', () => {
  it('has no script npm runs, or lists, at install (npm 11 warned every user of a `prepare` script it does not run)', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(project, 'node_modules', 'handout-press', 'package.json'), 'utf8')) as {scripts?: Record<string, string>}
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) expect(manifest.scripts?.[hook], hook).toBeUndefined()
  })

  it('holds the compiled CLI and library with types, templates and preview files, and nothing of tests, bench, content or sources', () => {
    const paths = packed.map((file) => file.path)
    for (const needed of [
      'bin/handout.js',
      'lib/cli.bundle.js',
      'lib/parse-worker.bundle.js',
      'lib/index.js',
      'lib/index.d.ts',
      'templates/print.html',
      'templates/epub/epub.css',
      'preview/viewer.js',
      'README.md',
      'package.json'
    ]) {
      expect(paths).toContain(needed)
    }
    expect(paths.filter((file) => /^(tests|bench|content|scripts|docs)\//.test(file) || file.endsWith('.map'))).toEqual([])
    console.log(`tarball: ${(tarball.size / 1024).toFixed(0)} KiB, ${tarball.files} files`)
  })

  it('bundles pdf-lib, fontkit and the EPUB packager into the CLI, fontkit without its JavaScript Brotli decoder', () => {
    // esbuild marks where each bundled module starts with a comment naming its file (`// …node_modules/<package>/…`).
    const chunks = packedChunks().join('\n')
    expect(chunks).toMatch(/^\/\/ (?:\S*\/)?node_modules\/epub-gen-memory\/dist\/lib\/index\.js$/m)
    expect(chunks).toMatch(/^\/\/ (?:\S*\/)?node_modules\/pdf-lib\/cjs\/index\.js$/m)
    expect(chunks).toMatch(/^\/\/ (?:\S*\/)?node_modules\/fontkit\/dist\/module\.mjs$/m)
    expect(chunks).toMatch(/^\/\/ (?:\S*\/)?lib\/cover\/native-brotli\.js$/m)
    expect(chunks).not.toMatch(/^\/\/ (?:\S*\/)?node_modules\/brotli\//m)
  })

  it('bundles unist-util-visit-parents without its naming of each visit (tests/support/bundle.mjs)', () => {
    const start = /^\/\/ (?:\S*\/)?node_modules\/unist-util-visit-parents\/lib\/index\.js$/m
    const chunk = packedChunks().find((text) => start.test(text))
    expect(chunk).toBeDefined()
    const visitParents = chunk!.slice(chunk!.search(start))
    expect(visitParents).toMatch(/function factory\(node, index, parents\)/)
    expect(visitParents).not.toMatch(/Object\.defineProperty\(visit\d*, "name"/)
  })

  it('runs without TypeScript tooling', () => {
    expect(fs.existsSync(path.join(project, 'node_modules', 'tsx'))).toBe(false)
    expect(fs.existsSync(path.join(project, 'node_modules', 'typescript'))).toBe(false)
    const result = handout(['--version'])
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('builds a plain article with an image next to it into a PDF and a valid EPUB, with the package templates', () => {
    fs.mkdirSync(path.join(project, 'content'))
    fs.writeFileSync(path.join(project, 'content', 'hello.md'), article)
    fs.writeFileSync(path.join(project, 'content', 'red.png'), png)
    const result = handout(['build'])
    expect(result.status, result.stderr).toBe(0)
    expect(fs.readdirSync(path.join(project, 'dist')).sort()).toEqual(['hello.epub', 'hello.pdf'])
    expect(pdfText(path.join(project, 'dist', 'hello.pdf'))).toMatch(/Hello from a project[\s\S]*What is this\?/)
    expect(pdfInfo(path.join(project, 'dist', 'hello.pdf'))['Page size']).toMatch(/^594\.96 x 841\.92 pts/)
    const check = epubcheck(path.join(project, 'dist', 'hello.epub'))
    expect(check.errors + check.fatals, check.output).toBe(0)
  })

  it('cites from a bibliography: citation-js runs in the bundled parse worker', () => {
    const folder = path.join(project, 'cited')
    fs.mkdirSync(path.join(folder, 'content'), {recursive: true})
    fs.copyFileSync(path.join(repo, 'tests/fixtures/markdown/citations/refs.json'), path.join(folder, 'content', 'refs.json'))
    fs.writeFileSync(path.join(folder, 'content', 'cited.md'), '---\ntitle: Cited\ndate: 2024-04-05\nbibliography: refs.json\n---\n\nAs shown [@smith2020, p. 12].\n')
    const result = handout(['build', '--root', folder])
    expect(result.status, result.stderr).toBe(0)
    expect(pdfText(path.join(folder, 'dist', 'cited.pdf'))).toMatch(/As shown \(Smith, 2020, p\. 12\)[\s\S]*References\s+Smith, A\. \(2020\)\. A Book of Things\. Press\./)
  })

  it('finds the project root from a subfolder, and a project templates/print.css alone changes the PDF, its logo.png served from there', () => {
    fs.writeFileSync(path.join(project, 'handout.config.yaml'), 'publications: []\n')
    fs.mkdirSync(path.join(project, 'templates'))
    fs.writeFileSync(
      path.join(project, 'templates', 'print.css'),
      `${fs.readFileSync(path.join(repo, 'templates', 'print.css'), 'utf8')}\nh2::before { content: "Overridden: "; }\n.masthead { background: url(logo.png) no-repeat right top; }\n`
    )
    fs.writeFileSync(path.join(project, 'templates', 'logo.png'), png)
    const result = handout(['build', '--format', 'pdf'], path.join(project, 'content'))
    expect(result.status, result.stderr).toBe(0)
    expect(result.stderr).not.toMatch(/refused|request-blocked/)
    // The article's picture and the logo.
    expect(
      run('pdfimages', ['-list', path.join(project, 'dist', 'hello.pdf')])
        .trim()
        .split('\n').length - 2
    ).toBe(2)
    expect(fs.existsSync(path.join(project, 'content', 'dist'))).toBe(false)
    expect(pdfText(path.join(project, 'dist', 'hello.pdf'))).toMatch(/Overridden: What is this\?/)
  })

  it('`handout init` writes a project that builds, and prints the next command', () => {
    const init = handout(['init', 'starter'])
    expect(init.status, init.stderr).toBe(0)
    expect(init.stderr).toMatch(/Next: cd starter && npx handout build/)
    const starter = path.join(project, 'starter')
    expect(fs.readFileSync(path.join(starter, '.gitignore'), 'utf8')).toMatch(/^dist\/$/m)
    const result = handout(['build'], starter)
    expect(result.status, result.stderr).toBe(0)
    expect(fs.readdirSync(path.join(starter, 'dist')).sort()).toEqual(['what-is-a-handout.epub', 'what-is-a-handout.pdf'])
    expect(handout(['init', 'starter']).stderr).toMatch(/kept handout\.config\.yaml \(it exists\)/)
  })

  it("a remark plugin from the project's node_modules, listed with options in handout.config.yaml, changes the output", () => {
    const folder = path.join(project, 'toc')
    fs.mkdirSync(path.join(folder, 'content'), {recursive: true})
    fs.writeFileSync(path.join(folder, 'content', 'toc.md'), tocArticle)
    const before = handout(['build', '--format', 'pdf', '--root', folder])
    expect(before.status, before.stderr).toBe(0)
    expect(pdfText(path.join(folder, 'dist', 'toc.pdf'))).not.toMatch(/In this handout\s+First question\s+Second question\s+First question/)
    fs.writeFileSync(path.join(folder, 'handout.config.yaml'), 'remarkPlugins:\n  - [remark-toc, {heading: In this handout, maxDepth: 2}]\n')
    const after = handout(['build', '--format', 'pdf'], folder)
    expect(after.status, after.stderr).toBe(0)
    // The contents list the plugin wrote under its heading, then the sections themselves.
    expect(pdfText(path.join(folder, 'dist', 'toc.pdf'))).toMatch(/In this handout\s+First question\s+Second question\s+First question/)
  })

  it('a handout.config.mjs takes plugins as functions (run by the bundled parse worker); a missing package names the install command', () => {
    const folder = path.join(project, 'toc')
    fs.rmSync(path.join(folder, 'handout.config.yaml'))
    fs.writeFileSync(
      path.join(folder, 'handout.config.mjs'),
      "import remarkToc from 'remark-toc'\nconst stamp = () => (tree) => { tree.children.push({type: 'paragraph', children: [{type: 'text', value: 'Stamped by a function plugin'}]}) }\nexport default {theme: {footer: 'Footer from the config'}, remarkPlugins: [[remarkToc, {heading: 'In this handout'}], stamp]}\n"
    )
    const result = handout(['build', '--format', 'pdf'], folder)
    expect(result.status, result.stderr).toBe(0)
    const text = pdfText(path.join(folder, 'dist', 'toc.pdf'))
    expect(text).toMatch(/In this handout\s+First question\s+Second question\s+First question/)
    expect(text).toContain('Stamped by a function plugin')
    expect(text).toContain('Footer from the config')
    fs.writeFileSync(path.join(folder, 'handout.config.mjs'), "export default {\n  rehypePlugins: ['rehype-not-installed']\n}\n")
    const missing = handout(['build', '--format', 'pdf'], folder)
    expect(missing.status).toBe(1)
    expect(missing.stderr).toContain('handout.config.mjs:2:20')
    expect(missing.stderr).toContain('Cannot find the plugin package `rehype-not-installed` (`rehypePlugins.0`) in the project: run `npm install rehype-not-installed`')
  })

  it('`handout eject` copies package templates into the project, skipping files it has', () => {
    const result = handout(['eject', 'print.css', 'partials/page.css'], path.join(project, 'content'))
    expect(result.status, result.stderr).toBe(0)
    expect(result.stderr).toMatch(/^wrote \.\.\/templates\/partials\/page\.css$/m)
    expect(result.stderr).toMatch(/^skipped \.\.\/templates\/print\.css \(it exists/m)
    expect(fs.readFileSync(path.join(project, 'templates', 'partials', 'page.css'))).toEqual(fs.readFileSync(path.join(repo, 'templates', 'partials', 'page.css')))
    expect(fs.readFileSync(path.join(project, 'templates', 'print.css'), 'utf8')).toContain('Overridden: ')
  })

  it("the README's API call runs from the project (as whoever runs it: root too) with only inputs and outDir", () => {
    fs.writeFileSync(
      path.join(project, 'api.mjs'),
      "import {build} from 'handout-press'\nconst report = await build({inputs: ['content'], outDir: 'api-dist'})\nconsole.log(JSON.stringify({ok: report.ok, outputs: report.sources.flatMap((source) => source.outputs.map((output) => output.path))}))\n"
    )
    const result = spawnSync(process.execPath, ['api.mjs'], {cwd: project, encoding: 'utf8', env: {...process.env, HANDOUT_BROWSER: browser}, timeout: 180_000})
    expect(result.status, result.stderr).toBe(0)
    const report = JSON.parse(result.stdout) as {ok: boolean; outputs: string[]}
    expect(report.ok).toBe(true)
    expect(report.outputs.map((file) => path.relative(project, file)).sort()).toEqual(['api-dist/hello.epub', 'api-dist/hello.pdf'])
  })
})
