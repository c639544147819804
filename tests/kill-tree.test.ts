/**
 * Killing a process tree (a second Ctrl-C kills Chromium and its helpers at
 * once, so that none of them writes into the folder removed next).
 */
import {spawn} from 'node:child_process'
import fs from 'node:fs'
import {describe, expect, it} from 'vitest'
import {killTree, processTree} from '../scripts/pdf/kill-tree.js'

const alive = (pid: number) => fs.existsSync(`/proc/${pid}`) && !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ')

describe.runIf(process.platform === 'linux')('killTree', () => {
  it('finds the grandchildren of a process and kills them with it', async () => {
    // A shell that starts a shell that starts a sleep: three generations.
    const child = spawn('sh', ['-c', "sh -c 'sleep 30 & wait' & wait"], {stdio: 'ignore'})
    const exited = new Promise((resolve) => child.once('exit', resolve))
    let tree: number[] = []
    for (let tries = 0; tries < 100 && tree.length < 3; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      tree = processTree(child.pid!)
    }
    expect(tree.length).toBe(3)
    expect(tree[0]).toBe(child.pid)
    killTree(child.pid!)
    await exited
    for (let tries = 0; tries < 100 && tree.some(alive); tries++) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(tree.filter(alive)).toEqual([])
  })
})
