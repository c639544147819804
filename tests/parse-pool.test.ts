/**
 * The parse is bounded by construction: it runs in a worker thread with a
 * capped heap and a time budget, and Ctrl-C stops it at once. Outcomes only:
 * how long a hostile parse takes belongs in `npm run bench`.
 */
import fs from 'node:fs'
import path from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {build} from '../scripts/index.js'
import {createParsePool, type ParsePool} from '../scripts/parse/parse-pool.js'
import {tempProject} from './support/tools.js'

const good = '---\ntitle: Good\ndate: 2024-04-05\n---\n\n## A question?\n\nAn answer.\n'
/** One line of 20,000 nested list markers: micromark takes minutes (or overflows its stack) on it. */
const deepList = `---\ntitle: Deep\n---\n\n${'- '.repeat(20_000)}a\n`
/**
 * Limits raised so far that the pre-checks let the deep list through: what is tested
 * here is the bound every parse has, whatever the pre-checks would have caught.
 */
const open = {sourceBytes: 4 * 1024 * 1024, imageBytes: 1024, imagePixels: 1024, inlineMarkers: 1_000_000, blockDepth: 1_000_000, treeDepth: 1_000_000, footnoteReferences: 1_000_000}

let project: string | undefined
let pool: ParsePool | undefined
afterEach(async () => {
  await pool?.close()
  pool = undefined
  if (project) fs.rmSync(project, {recursive: true, force: true})
  project = undefined
})

const entry = (root: string, name: string) => ({path: path.join(root, 'content', `${name}.md`), name})

describe('parse pool', () => {
  it('fails a source past the time budget with a file:1:1 message, and the other sources are built', async () => {
    project = tempProject({'content/deep.md': deepList, 'content/good.md': good})
    const report = await build({root: project, formats: ['epub'], timeout: 3000, limits: open})
    const deep = report.sources.find((source) => source.name === 'deep')!
    expect(deep.failed).toBe(true)
    expect(deep.file.messages.map((message) => [message.ruleId, message.line, message.column])).toEqual([['parse-timeout', 1, 1]])
    expect(deep.file.messages[0]!.reason).toMatch(/longer than 3 s/)
    expect(report.sources.find((source) => source.name === 'good')?.failed).toBe(false)
    expect(fs.existsSync(path.join(project, 'dist', 'good.epub'))).toBe(true)
  })

  it('fails a source that needs more memory than the worker may have', async () => {
    project = tempProject({'content/big.md': `---\ntitle: Big\n---\n\n${'| a | b |\n|---|---|\n'}${'| `x` **y** | [z](#q) |\n'.repeat(60_000)}`})
    pool = createParsePool({processor: {root: project}, heapMb: 16, timeout: 120_000})
    const result = await pool.parse(entry(project, 'big'), {cwd: project, root: project, limits: {sourceBytes: 8 * 1024 * 1024}})
    expect(result.document).toBeUndefined()
    expect(result.file.messages.map((message) => message.ruleId)).toEqual(['parse-memory'])
  })

  it('stops a parse under way at once when closed (Ctrl-C), and keeps working for the next one otherwise', async () => {
    project = tempProject({'content/deep.md': deepList, 'content/good.md': good})
    pool = createParsePool({processor: {root: project}, timeout: 600_000})
    expect((await pool.parse(entry(project, 'good'), {cwd: project, root: project})).document?.meta.title).toBe('Good')
    const parsing = pool.parse(entry(project, 'deep'), {cwd: project, root: project, limits: open})
    await new Promise((resolve) => setTimeout(resolve, 500))
    await pool.close()
    const result = await parsing
    expect(result.file.messages.map((message) => message.ruleId)).toEqual(['parse-stopped'])
  })

  it('reports a parse asked for after it closed as stopped, with its file:1:1, rather than throwing (Ctrl-C between two sources)', async () => {
    project = tempProject({'content/good.md': good})
    pool = createParsePool({processor: {root: project}, timeout: 60_000})
    await pool.close()
    const result = await pool.parse(entry(project, 'good'), {cwd: project, root: project})
    expect(result.document).toBeUndefined()
    expect(result.file.messages.map((message) => [message.ruleId, message.line, message.column, message.fatal])).toEqual([['parse-stopped', 1, 1, true]])
  })
})
