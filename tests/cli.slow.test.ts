/**
 * Slow: the command line as users and scripts call it (`node bin/handout.js`),
 * with a real Chromium: exit codes, diagnostics printed once as
 * `file:line:column`, atomic outputs, other sources still built.
 */
import {execFileSync, spawn, spawnSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {browser, epubcheck, pdfInfo, repo, tempProject} from './support/tools.js'

const bin = path.join(repo, 'bin', 'handout.js')
const good = (title: string, extra = '') => `---\ntitle: ${title}\ndate: 2024-04-05\npublisher: Test Press\n${extra}---\n\n## A question?\n\nAn answer.\n`
const broken = '---\ntitle: Broken\ndate: [2024\n---\n\nBody.\n'

let project: string
afterEach(() => fs.rmSync(project, {recursive: true, force: true}))

function cli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [bin, ...args], {cwd: project, encoding: 'utf8', env: {...process.env, HANDOUT_BROWSER: browser, ...env}, timeout: 120_000})
}

describe('handout build', () => {
  it('builds every content/**/*.md into dist/<name>.pdf and .epub, with progress and a summary', () => {
    project = tempProject({'content/one.md': good('One'), 'content/sub/Two Words!.md': good('Two')})
    const result = cli(['build'])
    expect(result.status, result.stderr).toBe(0)
    expect(fs.readdirSync(path.join(project, 'dist')).sort()).toEqual(['Two-Words.epub', 'Two-Words.pdf', 'one.epub', 'one.pdf'])
    expect(result.stderr).toMatch(/Building 2 sources…/)
    // The counter counts completions; two sources print concurrently, so
    // either may finish first. Each line appears once, and both counters do.
    expect(result.stderr).toMatch(/\[[12]\/2\] ✓ content\/sub\/Two Words!\.md → dist\/Two-Words\.pdf \(1 page, \d+ KB\), dist\/Two-Words\.epub \(\d+ KB\)/)
    expect(result.stderr).toMatch(/\[[12]\/2\] ✓ content\/one\.md → dist\/one\.pdf/)
    expect(result.stderr.match(/\[(\d)\/2\]/g)?.sort()).toEqual(['[1/2]', '[2/2]'])
    expect(result.stderr).toMatch(/Done in [\d.]+ m?s: 4 outputs written\./)
  })

  it('reports a broken source once as file:line:column, keeps its previous outputs, builds the others, exits 1', () => {
    project = tempProject({'content/a.md': good('A'), 'content/b.md': good('B')})
    expect(cli(['build']).status).toBe(0)
    const before = fs.readFileSync(path.join(project, 'dist', 'a.pdf'))
    fs.writeFileSync(path.join(project, 'content', 'a.md'), broken)
    fs.writeFileSync(path.join(project, 'content', 'b.md'), good('B, edited'))

    const result = cli(['build'])
    expect(result.status).toBe(1)
    const errors = result.stderr.split('\n').filter((line) => line.includes('error:'))
    expect(errors).toEqual([expect.stringMatching(/^content\/a\.md:3:\d+: error: Broken YAML front matter: .+ \[yaml-syntax\]$/)])
    expect(result.stderr).toContain('✗ content/a.md: not built (previous outputs kept)')
    expect(fs.readFileSync(path.join(project, 'dist', 'a.pdf')).equals(before)).toBe(true)
    expect(pdfInfo(path.join(project, 'dist', 'b.pdf')).Title).toBe('B, edited')
    expect(fs.readdirSync(path.join(project, 'dist')).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })

  it('writes nothing for a source that fails on its first build', () => {
    project = tempProject({'content/bad.md': '---\ntitle: !!js/function "x"\n---\n'})
    const result = cli(['build', 'content/bad.md', '--out', 'out'])
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/^content\/bad\.md:2:\d+: error: YAML tag `tag:yaml\.org,2002:js\/function` is not allowed/m)
    expect(fs.existsSync(path.join(project, 'out')) ? fs.readdirSync(path.join(project, 'out')) : []).toEqual([])
  })

  it('exits, closing the browser it started, when the template folder is missing', {timeout: 180_000}, () => {
    project = tempProject({'content/a.md': good('A')})
    // A hang (a browser left running keeps Node alive) shows as a null status after the
    // timeout: a ceiling that only a hang reaches, not a speed bound (issue 11).
    const result = spawnSync(process.execPath, [bin, 'build', '--templates', 'nowhere'], {cwd: project, encoding: 'utf8', env: {...process.env, HANDOUT_BROWSER: browser}, timeout: 150_000})
    expect(result.signal, 'killed at the hang ceiling').toBeNull()
    expect(result.status, result.stderr).toBe(1)
    expect(result.stderr).toMatch(/Cannot read template `.+nowhere\/print\.html`/)
  })

  it('honours --format, --out, --page-size and front matter pageSize', () => {
    project = tempProject({'content/letter.md': good('Letter'), 'content/a5.md': good('A5', 'pageSize: A5\n')})
    const result = cli(['build', 'content', '--format', 'pdf', '--out', 'print', '--page-size', 'letter'])
    expect(result.status, result.stderr).toBe(0)
    expect(fs.readdirSync(path.join(project, 'print')).sort()).toEqual(['a5.pdf', 'letter.pdf'])
    expect(pdfInfo(path.join(project, 'print', 'letter.pdf'))['Page size']).toMatch(/^612 x 792 pts \(letter\)/)
    expect(pdfInfo(path.join(project, 'print', 'a5.pdf'))['Page size']).toMatch(/^420 x 594\.96 pts \(A5\)/)
  })

  it('builds an EPUB, generated cover included, without any browser; the cover cache gives the same bytes', () => {
    project = tempProject({'content/a.md': good('A')})
    const noBrowser = {HANDOUT_BROWSER: '/nonexistent/chrome'}
    const first = cli(['build', '--format', 'epub'], noBrowser)
    expect(first.status, first.stderr).toBe(0)
    const epub = fs.readFileSync(path.join(project, 'dist', 'a.epub'))
    expect(fs.readdirSync(path.join(project, '.cache', 'handout', 'covers'))).toHaveLength(1)
    const cached = cli(['build', '--format', 'epub'], noBrowser)
    expect(cached.status, cached.stderr).toBe(0)
    expect(fs.readFileSync(path.join(project, 'dist', 'a.epub')).equals(epub)).toBe(true)
    fs.rmSync(path.join(project, '.cache'), {recursive: true})
    expect(cli(['build', '--format', 'epub'], noBrowser).status).toBe(0)
    expect(fs.readFileSync(path.join(project, 'dist', 'a.epub')).equals(epub)).toBe(true)
  })

  it('takes per-source limits from --limit NAME=N', () => {
    project = tempProject({'content/a.md': good('A')})
    // EPUB only: limits apply at the parse, which no browser needs.
    const lowered = cli(['build', '--format', 'epub', '--limit', 'sourceBytes=20'])
    expect(lowered.status).toBe(1)
    expect(lowered.stderr).toMatch(/^content\/a\.md:1:1: error: Source is \d+ bytes, over the limit of 20: .+ \[source-too-large\]$/m)
    fs.writeFileSync(path.join(project, 'content', 'a.md'), good('A').replace('An answer.', '> > > A quote in a quote in a quote.'))
    expect(cli(['build', '--format', 'epub']).status).toBe(0)
    const shallow = cli(['build', '--format', 'epub', '--limit', 'blockDepth=2'])
    expect(shallow.status).toBe(1)
    expect(shallow.stderr).toMatch(/nest 3 levels deep here, over the limit of 2/)
    expect(cli(['build', '--limit', 'speed=9']).status).toBe(2)
  })

  it('pins dates to SOURCE_DATE_EPOCH when set', () => {
    project = tempProject({'content/a.md': good('A')})
    expect(cli(['build', '--format', 'pdf'], {SOURCE_DATE_EPOCH: '1700000000'}).status).toBe(0)
    expect(pdfInfo(path.join(project, 'dist', 'a.pdf')).CreationDate).toBe('2023-11-14T22:13:20Z')
  })

  it('without a browser, writes the EPUBs and fails each PDF with one sentence', () => {
    project = tempProject({'content/a.md': good('A'), 'content/b.md': good('B')})
    const result = cli(['build'], {HANDOUT_BROWSER: '/nonexistent/chrome'})
    expect(result.status).toBe(1)
    // Two sources print at once: their lines come in either order.
    const errors = result.stderr
      .split('\n')
      .filter((line) => line.includes('error:'))
      .sort()
    expect(errors).toEqual([
      expect.stringMatching(/^content\/a\.md:1:1: error: `a\.pdf` not made: Browser `\/nonexistent\/chrome` .* does not exist or is not executable: fix the path or unset it \[browser-unavailable\]$/),
      expect.stringMatching(/^content\/b\.md:1:1: error: `b\.pdf` not made: .* \[browser-unavailable\]$/)
    ])
    expect(fs.readdirSync(path.join(project, 'dist')).sort()).toEqual(['a.epub', 'b.epub'])
    expect(epubcheck(path.join(project, 'dist', 'a.epub'))).toMatchObject({fatals: 0, errors: 0, warnings: 0})
  })

  it('stops cleanly on Ctrl-C: finishes the current document, closes the browser, leaves no temp files', async () => {
    const files: Record<string, string> = {}
    for (let index = 1; index <= 8; index++) files[`content/article-${index}.md`] = good(`Article ${index}`)
    project = tempProject(files)
    const child = spawn(process.execPath, [bin, 'build', '--concurrency', '1'], {cwd: project, env: {...process.env, HANDOUT_BROWSER: browser}})
    let stderr = ''
    let browserPids: number[] = []
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString()
        if (stderr.includes('[1/8]') && browserPids.length === 0) {
          // The browser is the CLI's child (Chromium's own helpers are its children).
          browserPids = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(child.pid)], {encoding: 'utf8'})
            .split('\n')
            .filter((line) => line.includes('chromium') || line.includes('chrome'))
            .map((line) => Number.parseInt(line, 10))
          child.kill('SIGINT')
          resolve()
        }
      })
    })
    expect(await exited).toBe(130)
    expect(stderr).toContain('SIGINT: stopping (parses end now, a print under way finishes')
    expect(browserPids.length).toBeGreaterThan(0)
    for (const pid of browserPids) expect(() => process.kill(pid, 0), `browser process ${pid} still running`).toThrow()
    const written = fs.readdirSync(path.join(project, 'dist'))
    expect(written.filter((name) => name.endsWith('.tmp'))).toEqual([])
    expect(written.length).toBeLessThan(16)
    expect(written.length % 2).toBe(0)
  })

  it('watches a folder of plain Markdown with no templates/ of its own, then stops on Ctrl-C', async () => {
    project = tempProject({'content/a.md': good('A')})
    fs.rmSync(path.join(project, 'templates'), {recursive: true})
    const child = spawn(process.execPath, [bin, 'watch', '--format', 'epub'], {cwd: project, env: {...process.env, HANDOUT_BROWSER: browser}})
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    const epub = path.join(project, 'dist', 'a.epub')
    for (let waited = 0; !fs.existsSync(epub) && waited < 60_000 && child.exitCode === null; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100))
    expect(fs.existsSync(epub), stderr).toBe(true)
    child.kill('SIGINT')
    // A first Ctrl-C in watch mode is the normal way out: exit 0.
    expect(await exited, stderr).toBe(0)
    expect(stderr).not.toContain('Cannot read template')
  })

  it('answers --help, --version and bad usage', () => {
    project = tempProject({})
    const help = cli(['--help'])
    expect(help.status).toBe(0)
    // The command as users type it (the package's bin), not the package's name.
    expect(help.stdout).toMatch(/^Usage: handout build \[paths\.\.\.\]/)
    const version = cli(['--version'])
    expect(version.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')).version)
    const bad = cli(['build', '--format', 'docx'])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('Unknown --format `docx`')
    expect(bad.stderr).toContain('Run `handout --help` for usage.')
    // A suggestion's question mark ends the sentence.
    expect(cli(['bulid']).stderr).toMatch(/^Unknown command `bulid`: use .*: did you mean `build`\?\nRun `handout --help` for usage\.\n$/)
    // An option's value that does not validate is bad usage too.
    const badLang = cli(['build', '--lang', 'not a tag!'])
    expect(badLang.status).toBe(2)
    expect(badLang.stderr).toContain('handout: Invalid option `lang`: expected a BCP 47 language tag')
  })
})
