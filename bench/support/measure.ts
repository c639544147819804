/**
 * One measured process: its wall time, the peak of its process tree's memory
 * (sampled from `/proc` every 100 ms) and GNU time's maximum RSS.
 */
import {spawn} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {root, scratch} from './bench.js'

/** One measured process. */
export interface Measure {
  wallMs: number
  /** Peak of the summed PSS of the process and all its descendants (Chromium included), in KiB. */
  treeKb: number
  /** GNU time's maximum resident set of the largest single process, in KiB. */
  maxRssKb?: number
  code: number | null
  stderr: string
}

export const hasGnuTime = fs.existsSync('/usr/bin/time')

/** Children of every process, by parent pid. */
function processTree(): Map<number, number[]> {
  const children = new Map<number, number[]>()
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8')
      // The command name may hold spaces and parentheses: fields start after the last `)`.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      const list = children.get(ppid) ?? []
      list.push(Number(entry))
      children.set(ppid, list)
    } catch {
      // The process ended while we looked.
    }
  }
  return children
}

/** PSS (or RSS when smaps_rollup is unreadable) of `pid` and every descendant, in KiB. */
function treeMemoryKb(pid: number): number {
  const children = processTree()
  let total = 0
  const stack = [pid]
  while (stack.length > 0) {
    const current = stack.pop()!
    try {
      const rollup = fs.readFileSync(`/proc/${current}/smaps_rollup`, 'utf8')
      total += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0)
    } catch {
      try {
        total += Number(fs.readFileSync(`/proc/${current}/statm`, 'utf8').split(' ')[1]) * 4
      } catch {
        // Gone.
      }
    }
    stack.push(...(children.get(current) ?? []))
  }
  return total
}

/** Run a command to completion, sampling its process tree's memory every 100 ms. */
export function measure(command: string, args: string[], options: {cwd?: string; env?: NodeJS.ProcessEnv} = {}): Promise<Measure> {
  const timeFile = path.join(scratch, 'time.txt')
  // GNU time cannot write its figure into a folder that is not there (a fresh clone has no scratch yet).
  fs.mkdirSync(scratch, {recursive: true})
  const argv = hasGnuTime ? ['/usr/bin/time', '-f', '%M', '-o', timeFile, command, ...args] : [command, ...args]
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(argv[0]!, argv.slice(1), {cwd: options.cwd ?? root, env: options.env ?? process.env, stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    let peak = 0
    const poll = () => {
      if (child.pid && child.exitCode === null) peak = Math.max(peak, treeMemoryKb(child.pid))
    }
    setTimeout(poll, 20)
    const timer = setInterval(poll, 100)
    child.on('error', (error) => {
      clearInterval(timer)
      reject(error)
    })
    child.on('close', (code) => {
      const wallMs = performance.now() - started
      clearInterval(timer)
      const time = hasGnuTime ? readGnuTime(timeFile) : undefined
      if (time?.error) stderr += time.error
      // A process shorter than one sample: the largest single process is the best figure there is.
      if (peak === 0 && time) peak = time.maxRssKb
      resolve({wallMs, treeKb: peak, ...(time ? {maxRssKb: time.maxRssKb} : {}), code, stderr})
    })
  })
}

/** GNU time's `%M`, and the line before it that reports a non-zero exit. */
function readGnuTime(file: string): {maxRssKb: number; error: string} {
  const text = fs.readFileSync(file, 'utf8').trim().split('\n')
  return {maxRssKb: Number(text[text.length - 1]), error: text.slice(0, -1).join('\n')}
}
