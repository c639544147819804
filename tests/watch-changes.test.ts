/**
 * The rebuild loop of watch mode against real file events (chokidar), without
 * a browser. chokidar drops a file's second `change` within 50 ms of its first:
 * a rebuild that started inside that window would never hear of the second
 * save. With a quiet time shorter than that window (here 1 ms), the loop reads
 * the files a rebuild took again once the window is over, and rebuilds those
 * that changed since it started.
 */
import fs from 'node:fs'
import path from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {type ChangeCollector, collectChanges, type Pending} from '../scripts/watch/changes.js'
import {tempDir} from './support/tools.js'

let root: string
let changes: ChangeCollector | undefined
afterEach(async () => {
  await changes?.close()
  fs.rmSync(root, {recursive: true, force: true})
})

/** Watch a project with one source; `during(n)` runs inside the n-th rebuild (1-based), after it read the source. */
async function watchOne(during: (rebuild: number, source: string) => void, template?: string) {
  root = tempDir()
  const source = path.join(root, 'content', 'a.md')
  fs.mkdirSync(path.dirname(source))
  fs.writeFileSync(source, 'one')
  if (template) {
    fs.mkdirSync(path.join(root, 'templates'))
    fs.writeFileSync(path.join(root, 'templates', template), 'a')
  }
  const rebuilds: Array<{files: string[]; text: string; templates: boolean}> = []
  changes = collectChanges({
    root,
    inputs: [path.join(root, 'content')],
    templatesDir: path.join(root, 'templates'),
    configPath: path.join(root, 'handout.config.yaml'),
    outDir: path.join(root, 'dist'),
    debounce: 1,
    isDependency: () => false,
    async rebuild(pending: Pending) {
      rebuilds.push({files: [...pending.files], text: fs.readFileSync(source, 'utf8'), templates: pending.templates})
      during(rebuilds.length, source)
    },
    onError(error) {
      throw error
    }
  })
  await changes.ready
  // chokidar may miss an edit made just after 'ready': save again until one is seen.
  for (const until = Date.now() + 5000; rebuilds.length === 0 && Date.now() < until; ) {
    fs.writeFileSync(source, 'two')
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return {source, rebuilds}
}

const settle = async (done: () => boolean) => {
  for (const until = Date.now() + 5000; !done() && Date.now() < until; ) await new Promise((resolve) => setTimeout(resolve, 10))
  await changes!.idle()
}

describe('collectChanges', () => {
  it('rebuilds again for a save made during a rebuild that chokidar reports no event for', async () => {
    const {source, rebuilds} = await watchOne((rebuild, file) => {
      if (rebuild === 1) fs.writeFileSync(file, 'three')
    })
    await settle(() => rebuilds.length >= 2)
    expect(rebuilds.map((rebuild) => rebuild.text)).toEqual(['two', 'three'])
    expect(rebuilds[1]!.files).toEqual([source])
  })

  it("rebuilds again for a save made just after a short rebuild, within chokidar's window", async () => {
    const {rebuilds} = await watchOne((rebuild, file) => {
      if (rebuild === 1) setTimeout(() => fs.writeFileSync(file, 'three'), 5)
    })
    await settle(() => rebuilds.length >= 2)
    expect(rebuilds.map((rebuild) => rebuild.text)).toEqual(['two', 'three'])
  })

  it('rebuilds once for one save: reading the files again finds nothing new', async () => {
    const {rebuilds} = await watchOne(() => {})
    // Past the window, when the check has run.
    await new Promise((resolve) => setTimeout(resolve, 200))
    await changes!.idle()
    expect(rebuilds.map((rebuild) => rebuild.text)).toEqual(['two'])
  })

  it('reloads the templates again for a template saved twice inside the window', async () => {
    const {rebuilds} = await watchOne((rebuild) => {
      if (rebuild === 1) fs.writeFileSync(path.join(root, 'templates', 'print.css'), 'b')
      if (rebuild === 2) setTimeout(() => fs.writeFileSync(path.join(root, 'templates', 'print.css'), 'c'), 5)
    }, 'print.css')
    await settle(() => rebuilds.length >= 3)
    expect(rebuilds.map((rebuild) => rebuild.templates)).toEqual([false, true, true])
    expect(fs.readFileSync(path.join(root, 'templates', 'print.css'), 'utf8')).toBe('c')
  })
})
