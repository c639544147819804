/**
 * Which files a build reads (issue 11): sources by real path (an explicit
 * path, a folder or a symlink that leads out of the project is refused, and
 * nothing of the file is read), and publication globs matched by minimatch
 * (no backtracking regular expression, capped length) with the semantics a
 * config author expects.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {ConfigError, loadConfig} from '../scripts/config/load-config.js'
import {configSchema, maxGlobLength, type WrittenPublication} from '../scripts/config/schema.js'
import {findSources, SourcePathError, type SourceEntry} from '../scripts/content/find-sources.js'
import {globMatcher, selectPublication} from '../scripts/content/select-publication.js'

const secret = `OUTSIDE-SECRET-${Math.random().toString(36).slice(2)}`
let base = ''
let root = ''
let outside = ''

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'handout-sources-'))
  root = path.join(base, 'project')
  outside = path.join(base, 'elsewhere')
  fs.mkdirSync(path.join(root, 'content', 'inner'), {recursive: true})
  fs.mkdirSync(outside)
  fs.writeFileSync(path.join(root, 'content', 'a.md'), '---\ntitle: A\n---\n')
  fs.writeFileSync(path.join(root, 'content', 'inner', 'b.md'), '---\ntitle: B\n---\n')
  fs.writeFileSync(path.join(outside, 'secret.md'), `---\ntitle: ${secret}\n---\n${secret}\n`)
  fs.writeFileSync(path.join(outside, 'notes.txt'), `${secret}\n`)
  // Links out of the project: a file, a file with a Markdown name, a folder, a chain of two links.
  fs.symlinkSync(path.join(outside, 'secret.md'), path.join(root, 'content', 'leak.md'))
  fs.symlinkSync(path.join(outside, 'notes.txt'), path.join(root, 'content', 'notes.md'))
  fs.symlinkSync(outside, path.join(root, 'content', 'linked'))
  fs.symlinkSync(path.join(root, 'content', 'leak.md'), path.join(root, 'content', 'chain.md'))
  // A link that stays inside is fine.
  fs.symlinkSync(path.join(root, 'content', 'a.md'), path.join(root, 'content', 'alias.md'))
  // The project reached through a symlink of its own.
  fs.symlinkSync(root, path.join(base, 'project-link'))
})

afterAll(() => {
  if (base) fs.rmSync(base, {recursive: true, force: true})
})

describe('sources by real path', () => {
  const refused = ['content/leak.md', 'content/notes.md', 'content/chain.md', 'content/linked', 'content/linked/secret.md', '../elsewhere/secret.md', 'content/../../elsewhere/secret.md']
  for (const input of refused) {
    test(`refuses \`${input}\`, naming it and the root, reading nothing of it`, async () => {
      const error = await findSources(root, [input]).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(SourcePathError)
      const message = (error as Error).message
      expect(message).toContain(`\`${input}\``)
      expect(message).toContain(`\`${root}\``)
      expect(message).toMatch(/outside the project root/)
      expect(message).not.toContain(secret)
      expect((error as SourcePathError).input).toBe(input)
    })
  }

  test('refuses an absolute path outside the project, and one among good inputs', async () => {
    await expect(findSources(root, [path.join(outside, 'secret.md')])).rejects.toBeInstanceOf(SourcePathError)
    await expect(findSources(root, ['content/a.md', 'content/leak.md'])).rejects.toThrow(/`content\/leak\.md` is outside the project root/)
  })

  test('a folder scan skips symlinks (files and folders), so it finds only what is inside', async () => {
    const found = await findSources(root, [])
    expect(found.map((source) => path.relative(root, source.path))).toEqual(['content/a.md', 'content/inner/b.md'])
  })

  test('a link that stays inside the project, and a root reached through a symlink, are fine', async () => {
    expect((await findSources(root, ['content/alias.md'])).map((source) => source.name)).toEqual(['alias'])
    const linkedRoot = path.join(base, 'project-link')
    expect((await findSources(linkedRoot, ['content/a.md', 'content'])).map((source) => source.name)).toEqual(['a', 'b'])
    expect((await findSources(root, ['.'])).map((source) => source.name)).toEqual(['a', 'b'])
  })

  test('a missing input is still "Cannot find", as a SourcePathError', async () => {
    const error = await findSources(root, ['content/nope.md']).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(SourcePathError)
    expect((error as Error).message).toBe('Cannot find `content/nope.md`: pass a Markdown file or a folder that exists')
  })

  test('a publication listing a symlinked file finds it missing (it is no source)', async () => {
    const all = await findSources(root, [])
    const selected = selectPublication(publication(['content/a.md', 'content/leak.md']), all, root)
    expect(selected.sources.map((source) => source.name)).toEqual(['a'])
    expect(selected.missing).toEqual(['content/leak.md'])
  })

  test('a publication listing a file twice has it once, where first listed, and says which', async () => {
    const all = await findSources(root, [])
    const selected = selectPublication(publication(['content/a.md', './content/a.md']), all, root)
    expect(selected.sources.map((source) => source.name)).toEqual(['a'])
    expect(selected.repeated).toEqual(['./content/a.md'])
    expect(selected.missing).toEqual([])
  })
})

function publication(sources: string | string[]): WrittenPublication {
  return configSchema.parse({publications: [{name: 'p', title: 'P', sources}]}).publications[0]!
}

function entries(...files: string[]): SourceEntry[] {
  return files.map((file) => ({path: path.join('/project', file), name: path.basename(file, '.md')}))
}

describe('publication globs', () => {
  const all = entries('content/a.md', 'content/b.md', 'content/2024-04/c.md', 'content/2024-04/deep/d.md', 'content/.drafts/e.md', 'other/f.md', 'content/{x}.md')
  const select = (glob: string) => selectPublication(publication(glob), all, '/project').sources.map((source) => source.name)

  test('*, **, ?, [], {a,b} and a leading ./ mean what they mean in a shell', () => {
    expect(select('content/*.md')).toEqual(['a', 'b', '{x}'])
    expect(select('./content/*.md')).toEqual(['a', 'b', '{x}'])
    expect(select('content/**/*.md')).toEqual(['a', 'b', 'c', 'd', 'e', '{x}'])
    expect(select('content/?.md')).toEqual(['a', 'b'])
    expect(select('content/[b-z].md')).toEqual(['b'])
    expect(select('content/{a,2024-04/c}.md')).toEqual(['a', 'c'])
    expect(select('content/2024-04/**')).toEqual(['c', 'd'])
    expect(select('**/*.md')).toEqual(['a', 'b', 'c', 'd', 'e', 'f', '{x}'])
    expect(select('content/\\{x\\}.md')).toEqual(['{x}'])
    expect(select('nothing/*.md')).toEqual([])
  })

  test('a leading ! or # is part of the name, not a negation or a comment', () => {
    expect(select('!content/a.md')).toEqual([])
    expect(select('#content/a.md')).toEqual([])
  })

  // Each of these took seconds to hours with a backtracking regular expression.
  const long = 'a'.repeat(240)
  const hostile: Array<[string, SourceEntry[], string[]]> = [
    ['**a**a**a**a**a**b', entries(`${long}.md`, `content/${long}`), []],
    [`${'*a'.repeat(30)}*b`, entries(`content/${long}.md`, long), []],
    [`content/${'*a'.repeat(20)}*.md`, entries(`content/${long}.md`, `content/${'b'.repeat(240)}.md`), [long]],
    [`${'**/a/'.repeat(40)}b.md`, entries(`${'a/'.repeat(120)}c.md`, `${'a/'.repeat(60)}b.md`), ['b']],
    [`content/{a,b}{c,d}/${'*{a,b}'.repeat(7)}`, entries(`content/ac/${long}`, `content/bd/${'ab'.repeat(120)}`, `content/ad/${'c'.repeat(240)}`), [long, 'ab'.repeat(120)]],
    ['+(a|aa)+(a|aa)+(a|aa)*b', entries(long), []],
    [`*(${'a|'.repeat(100)}a)b`, entries(long), []],
    [`[a-z]*[a-z]*[a-z]*[a-z]*[a-z]*[a-z]*[a-z]*[a-z]*@`, entries(long), []]
  ]
  // 180 s: a ceiling that only catches a hang, not a speed bound.
  const hangCeiling = 180_000
  for (const [glob, sources, expected] of hostile) {
    test(`${glob.slice(0, 60)}${glob.length > 60 ? '…' : ''} (${glob.length} characters) against long names ends with the right result`, {timeout: hangCeiling}, () => {
      const matches = selectPublication(publication(glob), sources, '/project').sources.map((source) => source.name)
      expect(matches).toEqual(expected)
    })
  }

  test(`a glob over ${maxGlobLength} characters is refused, naming the publication and its key`, () => {
    const glob = `content/${'*a'.repeat(300)}.md`
    expect(() => globMatcher(glob, 'the glob')).toThrow(RangeError)
    expect(() => selectPublication({...publication('x'), sources: glob}, all, '/project')).toThrow(/the `sources` glob of publication `p` has 611 characters, at most 512/)
    expect(() => globMatcher('a'.repeat(maxGlobLength), 'the glob')).not.toThrow()
  })

  test('a glob whose {a,b} alternatives expand past a thousand patterns is refused, not matched in part', () => {
    const glob = '{a,b}'.repeat(100)
    expect(() => selectPublication(publication(glob), entries('ab'.repeat(50)), '/project')).toThrow(/publication `p` expands to more than 1000 patterns/)
    expect(() => globMatcher('{a,b}'.repeat(9), 'the glob')).not.toThrow()
    expect(() => globMatcher(`{${'x,'.repeat(2000)}y}`, 'the glob')).toThrow(RangeError)
  })

  test('the config refuses it first, at its key path', async () => {
    const project = fs.mkdtempSync(path.join(base, 'config-'))
    fs.writeFileSync(path.join(project, 'handout.config.yaml'), `publications:\n  - name: p\n    title: P\n    sources: "${'*a'.repeat(300)}"\n`)
    const error = await loadConfig(project).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ConfigError)
    const reasons = (error as ConfigError).file.messages.map((message) => `${message.line}:${message.ruleId}:${message.reason}`)
    expect(
      reasons.some((reason) => /^4:yaml-schema:Invalid config `publications\.0\.sources`: .*at most 512 characters/.test(reason)),
      reasons.join('\n')
    ).toBe(true)
  })
})
