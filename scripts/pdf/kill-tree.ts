/**
 * Kill a process and everything it started, at once and synchronously (a
 * second Ctrl-C, an exit handler). Killing Chromium's main process alone
 * leaves its zygote and renderers to notice and exit on their own: on a busy
 * machine they went on writing into the profile for over a second, so the
 * folder could not be removed before we exited. Linux finds the descendants
 * in /proc; elsewhere only the process itself is killed.
 */
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'

/** `pid` and its descendants, parents first (Linux), or `[pid]`. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>()
  let entries: string[]
  try {
    entries = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))
  } catch {
    return [pid]
  }
  for (const entry of entries) {
    try {
      // `pid (comm) state ppid …`: the command name may hold spaces and parentheses, so read after the last `)`.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8')
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)])
    } catch {
      // Gone between the listing and the read.
    }
  }
  const tree = [pid]
  for (let index = 0; index < tree.length; index++) tree.push(...(children.get(tree[index]!) ?? []))
  return tree
}

/** SIGKILL `pid` and its descendants in one `kill` call; never throws. Returns the processes it killed. */
export function killTree(pid: number): number[] {
  const tree = processTree(pid)
  spawnSync('kill', ['-KILL', ...tree.map(String)], {stdio: 'ignore'})
  return tree
}

/**
 * Resolves once none of `pids` runs any more (gone, or a zombie waiting to be
 * reaped), checked every 10 ms, or after `within` ms (Linux; elsewhere at once).
 * A killed process takes a moment to exit, longer on a busy machine.
 */
export async function untilExited(pids: readonly number[], within: number): Promise<void> {
  const deadline = performance.now() + within
  const runs = (pid: number) => {
    try {
      return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
    } catch {
      return false
    }
  }
  while (pids.some(runs) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
}
