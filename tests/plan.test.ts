/**
 * One plan for `build` and `watch`: which handouts and books a build makes
 * (explicit paths, `--publication`, `--shard`, book-only publications), and
 * that watch mode makes exactly the same outputs and reports the same
 * failures as build. EPUB only, so no browser is needed.
 */
import fs from 'node:fs'
import path from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {build, findSources, resolveBuildOptions, type Watcher, watch} from '../scripts/index.js'
import type {Config} from '../scripts/config/schema.js'
import {planBuild, planChange} from '../scripts/pipeline/plan.js'
import {tempProject} from './support/tools.js'

const article = (title: string, date: string) => `---\ntitle: ${title}\ndate: ${date}\n---\n\n## A question?\n\nAn answer.\n`
const broken = '---\ntitle: Broken\ndate: [2024\n---\n\nBody.\n'

const files = {
  'content/a.md': article('A', '2024-04-01'),
  'content/b.md': article('B', '2024-04-02'),
  'content/c.md': article('C', '2024-04-03'),
  'content/extra/d.md': article('D', '2024-04-04'),
  'handout.config.yaml': [
    'publications:',
    '  - name: both',
    '    title: Both',
    '    sources: [content/a.md, content/b.md]',
    '  - name: only-book',
    '    title: Only a book',
    '    sources: content/c.md',
    '    outputs: [book]',
    '  - name: only-handouts',
    '    title: Only handouts',
    '    sources: [content/extra/d.md]',
    '    outputs: [handouts]',
    '    pageSize: A5',
    ''
  ].join('\n')
}

let project: string | undefined
let watcher: Watcher | undefined
afterEach(async () => {
  await watcher?.close()
  watcher = undefined
  if (project) fs.rmSync(project, {recursive: true, force: true})
  project = undefined
})

const outputs = (root: string) => (fs.existsSync(path.join(root, 'dist')) ? fs.readdirSync(path.join(root, 'dist')).sort() : [])

/** Outputs of `build` and of a fresh `watch` session's first build, with these options, each in its own copy of the project. */
async function buildAndWatch(extra: Record<string, unknown>, content: Record<string, string> = files) {
  const builtRoot = tempProject(content)
  const watchedRoot = tempProject(content)
  try {
    const report = await build({root: builtRoot, formats: ['epub'], ...extra})
    const events: string[] = []
    const session = await watch(
      {root: watchedRoot, formats: ['epub'], ...extra},
      {
        onEvent(event) {
          if (event.type === 'rebuild')
            for (const item of [...event.rebuild.report.sources, ...event.rebuild.report.publications]) events.push(...item.file.messages.map((message) => String(message.ruleId)))
        }
      }
    )
    await session.close()
    return {built: outputs(builtRoot), watched: outputs(watchedRoot), report, watchRules: events}
  } finally {
    fs.rmSync(builtRoot, {recursive: true, force: true})
    fs.rmSync(watchedRoot, {recursive: true, force: true})
  }
}

describe('planBuild', () => {
  const config = (sources: Config['publications'][number]['sources'], outputs: Array<'handouts' | 'book'>) => ({
    publications: [{name: 'p', title: 'P', sources, outputs, lang: 'en', sort: 'date' as const, rectoStart: false, pageSize: 'Letter' as const}]
  })

  it('makes handouts of sources in no publication and of publications that want them, with the publication’s paper size', async () => {
    project = tempProject(files)
    const all = await findSources(project, [])
    const options = resolveBuildOptions({root: project})
    const plan = planBuild(config(['content/a.md'], ['handouts', 'book']), all, options, 'handout.config.yaml')
    expect([...plan.handouts.keys()].map((file) => path.relative(project!, file)).sort()).toEqual(['content/a.md', 'content/b.md', 'content/c.md', 'content/extra/d.md'])
    expect(plan.handouts.get(path.join(project, 'content/a.md'))?.pageSize).toBe('Letter')
    expect(plan.handouts.get(path.join(project, 'content/b.md'))?.pageSize).toBeUndefined()
    expect(plan.books.map((book) => book.publication.name)).toEqual(['p'])
  })

  it('parses a book-only publication’s sources without handouts', async () => {
    project = tempProject(files)
    const all = await findSources(project, [])
    const plan = planBuild(config('content/*.md', ['book']), all, resolveBuildOptions({root: project}), 'x')
    expect([...plan.handouts.keys()].map((file) => path.relative(project!, file))).toEqual(['content/extra/d.md'])
    expect(plan.sources.map((source) => path.relative(project!, source.path)).sort()).toEqual(['content/a.md', 'content/b.md', 'content/c.md', 'content/extra/d.md'])
  })

  it('narrows to what a change touches: the edited handout and the books it is in', async () => {
    project = tempProject(files)
    const all = await findSources(project, [])
    const plan = planBuild(config(['content/a.md', 'content/b.md'], ['handouts', 'book']), all, resolveBuildOptions({root: project}), 'x')
    const a = path.join(project, 'content/a.md')
    const c = path.join(project, 'content/c.md')
    const parsed = new Map(plan.sources.map((source) => [source.path, {}]))
    const editA = planChange(plan, {touched: new Set([a]), everything: false}, parsed, plan)
    expect([...editA.handouts.keys()]).toEqual([a])
    expect(editA.books.map((book) => book.publication.name)).toEqual(['p'])
    expect(editA.sources.map((source) => source.path)).toEqual([a])
    const editC = planChange(plan, {touched: new Set([c]), everything: false}, parsed, plan)
    expect(editC.books).toEqual([])
    expect(editC.sources.map((source) => source.path)).toEqual([c])
  })

  it('a config edit that changes parsing (language, plugins, kicker) parses and makes everything again; another makes the books', async () => {
    project = tempProject(files)
    const all = await findSources(project, [])
    const options = resolveBuildOptions({root: project})
    const written = config(['content/a.md', 'content/b.md'], ['handouts', 'book'])
    const before = planBuild(written, all, options, 'x')
    const parsed = new Map(before.sources.map((source) => [source.path, {}]))
    const retitled = planBuild({publications: [{...written.publications[0]!, title: 'Q'}]}, all, options, 'x')
    const books = planChange(retitled, {touched: new Set(), everything: false, config: true}, parsed, before)
    expect(books.sources).toEqual([])
    expect(books.books.map((book) => book.publication.name)).toEqual(['p'])
    const russian = planBuild({...written, lang: 'ru'}, all, options, 'x')
    expect(russian.markdown?.lang).toBe('ru')
    const everything = planChange(russian, {touched: new Set(), everything: false, config: true}, parsed, before)
    expect(everything.sources.map((source) => source.path)).toEqual(russian.sources.map((source) => source.path))
    expect(everything.handouts.size).toBe(russian.handouts.size)
  })
})

describe('build and watch make the same outputs from one plan', () => {
  it('without options: book-only publications get no handouts in either', async () => {
    const result = await buildAndWatch({})
    expect(result.built).toEqual(['a.epub', 'b.epub', 'both.epub', 'd.epub', 'only-book.epub'])
    expect(result.watched).toEqual(result.built)
  })

  it('--publication: only that publication’s handouts and book', async () => {
    const result = await buildAndWatch({publication: 'both'})
    expect(result.built).toEqual(['a.epub', 'b.epub', 'both.epub'])
    expect(result.watched).toEqual(result.built)
  })

  it('--shard: the same disjoint part in both', async () => {
    const one = await buildAndWatch({shard: {index: 1, count: 2}})
    const two = await buildAndWatch({shard: {index: 2, count: 2}})
    expect(one.watched).toEqual(one.built)
    expect(two.watched).toEqual(two.built)
    expect([...one.built, ...two.built].sort()).toEqual(['a.epub', 'b.epub', 'both.epub', 'd.epub', 'only-book.epub'])
    expect(one.built.filter((name) => two.built.includes(name))).toEqual([])
  })

  it('a failed member: the book is not made, and both report publication-member-failed', async () => {
    const result = await buildAndWatch({}, {...files, 'content/b.md': broken})
    expect(result.built).not.toContain('both.epub')
    expect(result.watched).toEqual(result.built)
    const book = result.report.publications.find((publication) => publication.name === 'both')
    expect(book?.failed).toBe(true)
    expect(book?.file.messages.map((message) => message.ruleId)).toEqual(['publication-member-failed'])
    expect(result.watchRules).toContain('publication-member-failed')
  })

  it('in a watch session, a member broken by an edit reports publication-member-failed and keeps the book', async () => {
    project = tempProject(files)
    const seen: string[] = []
    let resolveRebuild: (() => void) | undefined
    watcher = await watch(
      {root: project, formats: ['epub'], debounce: 50},
      {
        onEvent(event) {
          if (event.type !== 'rebuild') return
          for (const item of event.rebuild.report.publications) seen.push(...item.file.messages.map((message) => `${item.name}:${message.ruleId}`))
          resolveRebuild?.()
        }
      }
    )
    const before = fs.readFileSync(path.join(project, 'dist', 'both.epub'))
    const rebuilt = new Promise<void>((resolve) => (resolveRebuild = resolve))
    fs.writeFileSync(path.join(project, 'content', 'b.md'), broken)
    await rebuilt
    await watcher.idle()
    expect(seen).toContain('both:publication-member-failed')
    expect(fs.readFileSync(path.join(project, 'dist', 'both.epub')).equals(before)).toBe(true)
    expect(outputs(project)).not.toContain('c.epub')
  })
})

describe('output errors are diagnostics', () => {
  it('a write that fails names the file and fails that source only; the others are written', async () => {
    project = tempProject({'content/a.md': article('A', '2024-04-01'), 'content/b.md': article('B', '2024-04-02')})
    // A folder where a.epub goes: the rename into place fails (EISDIR), as a full or read-only disk would.
    fs.mkdirSync(path.join(project, 'dist', 'a.epub'), {recursive: true})
    const report = await build({root: project, formats: ['epub']})
    expect(report.ok).toBe(false)
    const a = report.sources.find((source) => source.name === 'a')!
    expect(a.failed).toBe(true)
    expect(a.file.messages.map((message) => [message.ruleId, message.fatal])).toEqual([['output-write', true]])
    expect(a.file.messages[0]!.reason).toContain('dist/a.epub')
    expect(report.sources.find((source) => source.name === 'b')?.failed).toBe(false)
    expect(fs.existsSync(path.join(project, 'dist', 'b.epub'))).toBe(true)
    expect(fs.readdirSync(path.join(project, 'dist')).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })

  it('a file in place of the output folder is an OutDirError before anything is built', async () => {
    project = tempProject({'content/a.md': article('A', '2024-04-01')})
    fs.writeFileSync(path.join(project, 'dist'), 'not a folder')
    await expect(build({root: project, formats: ['epub']})).rejects.toMatchObject({name: 'OutDirError'})
    expect(fs.readFileSync(path.join(project, 'dist'), 'utf8')).toBe('not a folder')
  })

  it('removes temp files a killed build left (ours only, older than this process), and nothing else', async () => {
    project = tempProject({'content/a.md': article('A', '2024-04-01')})
    const dist = path.join(project, 'dist')
    fs.mkdirSync(dist)
    const old = new Date(Date.now() - 3_600_000)
    for (const name of ['.a.pdf.0123456789ab.handout.tmp', '.notes.tmp', 'keep.txt']) {
      fs.writeFileSync(path.join(dist, name), 'x')
      fs.utimesSync(path.join(dist, name), old, old)
    }
    await build({root: project, formats: ['epub']})
    expect(fs.readdirSync(dist).sort()).toEqual(['.notes.tmp', 'a.epub', 'keep.txt'])
  })
})
