/**
 * Slow: signals and kills leave no browser behind. The CLI (`bin/handout.js`)
 * runs with a real Chromium; its process tree is read from /proc before the
 * signal, and every process of it must be gone after.
 */
import {type ChildProcess, spawn} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {browser, repo, tempProject} from './support/tools.js'

const bin = path.join(repo, 'bin', 'handout.js')
/** A long article: printing it takes a while, so a signal lands during the work. */
const long = (title: string) =>
  `---\ntitle: ${title}\ndate: 2024-04-05\n---\n\n${Array.from({length: 60}, (_, index) => `## Question ${index + 1}?\n\n${'An answer that runs on for a while. '.repeat(40)}\n`).join('\n')}`

let project: string
let child: ChildProcess | undefined
afterEach(() => {
  child?.kill('SIGKILL')
  child = undefined
  fs.rmSync(project, {recursive: true, force: true})
})

/** Every descendant of `pid` (from /proc), deepest last. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>()
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8')
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    } catch {
      // Gone while we read.
    }
  }
  const found: number[] = []
  const visit = (parent: number) => {
    for (const [child, of] of parents) {
      if (of === parent) {
        found.push(child)
        visit(child)
      }
    }
  }
  visit(pid)
  return found
}

function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    // A zombie has exited; only its parent's wait is missing.
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

async function until(condition: () => boolean, what: string, ms = 90_000): Promise<void> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; ) {
    if (condition()) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`timed out waiting for ${what}`)
}

function start(args: string[], env: Record<string, string> = {}): {child: ChildProcess; stderr: () => string; exited: Promise<number | null>} {
  let stderr = ''
  const started = spawn(process.execPath, [bin, ...args], {cwd: project, env: {...process.env, HANDOUT_BROWSER: browser, ...env}, stdio: ['ignore', 'ignore', 'pipe']})
  started.stderr?.on('data', (data) => {
    stderr += String(data)
  })
  const exited = new Promise<number | null>((resolve) => started.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))))
  child = started
  return {child: started, stderr: () => stderr, exited}
}

/** Those of `pids` that are Chromium processes (a process may exit between the listing and the read). */
const chromiumIn = (pids: number[]) =>
  pids.filter((pid) => {
    try {
      return alive(pid) && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('chrom')
    } catch {
      return false
    }
  })

describe('signals', () => {
  it('two SIGTERMs during a watch rebuild exit at once and leave no browser and no temp file', async () => {
    project = tempProject({'content/a.md': long('Alpha'), 'content/b.md': long('Beta')})
    // A temporary folder of its own: the browser's profile and Chromium's temporary folders land there.
    const tmp = path.join(project, 'tmp')
    fs.mkdirSync(tmp)
    const run = start(['watch', '--format', 'pdf'], {TMPDIR: tmp})
    await until(() => run.stderr().includes('Watching for changes'), 'the first build')
    expect(fs.readdirSync(tmp).length).toBeGreaterThan(0)
    const browserPids = chromiumIn(descendants(run.child.pid!))
    expect(browserPids.length).toBeGreaterThan(0)
    fs.writeFileSync(path.join(project, 'content', 'a.md'), long('Alpha, edited'))
    // The CLI says when the rebuild starts; printing a long article takes far longer than the signals below.
    await until(() => run.stderr().includes('Rebuilding a…'), 'the rebuild to start')
    const during = descendants(run.child.pid!)
    run.child.kill('SIGTERM')
    await new Promise((resolve) => setTimeout(resolve, 50))
    run.child.kill('SIGTERM')
    expect(await run.exited).toBe(130)
    await until(() => [...browserPids, ...during].every((pid) => !alive(pid)), 'the browser to exit', 20_000)
    expect(fs.readdirSync(path.join(project, 'dist')).filter((name) => name.startsWith('.'))).toEqual([])
    // Puppeteer removes its profile only on a clean close; Chromium leaves its org.chromium.* folders when killed.
    expect(fs.readdirSync(tmp)).toEqual([])
  })

  it('SIGKILL during a build: the browser exits with us (its DevTools pipe closes)', async () => {
    project = tempProject({'content/a.md': long('Alpha'), 'content/b.md': long('Beta'), 'content/c.md': long('Gamma')})
    // Killed, the CLI cannot remove its browser's folder: it goes in the project, removed after the tests.
    const tmp = path.join(project, 'tmp')
    fs.mkdirSync(tmp)
    const run = start(['build', '--format', 'pdf'], {TMPDIR: tmp})
    await until(() => chromiumIn(descendants(run.child.pid!)).length > 0, 'the browser to start')
    await until(() => run.stderr().includes('Building 3 sources'), 'the build to start')
    const tree = descendants(run.child.pid!)
    run.child.kill('SIGKILL')
    await run.exited
    await until(() => tree.every((pid) => !alive(pid)), 'every process of the killed build to exit', 20_000)
  })
})
