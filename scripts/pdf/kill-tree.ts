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

/** SIGKILL `pid` and its descendants in one `kill` call; never throws. */
export function killTree(pid: number): void {
  spawnSync('kill', ['-KILL', ...processTree(pid).map(String)], {stdio: 'ignore'})
}
