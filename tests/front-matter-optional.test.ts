/**
 * Front matter is optional (issue 12): title from the first `#` heading or the
 * file name, date from front matter, `SOURCE_DATE_EPOCH`, git or the mtime,
 * language from the build, and no kicker unless one is set.
 */
import {execFileSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {toHtml} from 'hast-util-to-html'
import {afterAll, describe, expect, it} from 'vitest'
import {lastCommitSeconds, sourceDate} from '../scripts/content/source-date.js'
import {createProcessor} from '../scripts/markdown/processor.js'
import {pandocEndAsDashes} from '../scripts/markdown/remark-front-matter.js'
import {titleFromFileName} from '../scripts/markdown/remark-title-from-heading.js'
import {parseDocument} from '../scripts/parse/parse-document.js'
import {tempDir} from './support/tools.js'

const root = tempDir()
afterAll(() => fs.rmSync(root, {recursive: true, force: true}))

async function parse(name: string, text: string, lang?: string) {
  const file = path.join(root, name)
  fs.writeFileSync(file, text)
  const processor = createProcessor({root, ...(lang ? {lang} : {})})
  return parseDocument(processor, {path: file, name: path.basename(name, '.md')}, {cwd: root})
}

describe('front matter is optional', () => {
  it('takes the title from the first `#` heading and leaves it out of the body', async () => {
    const {document, file} = await parse('a.md', 'Intro.\n\n# The *real* title\n\n## Question\n\n# Second\n')
    expect(file.messages).toEqual([])
    expect(document!.meta.title).toBe('The real title')
    expect(document!.meta.kicker).toBeUndefined()
    expect(document!.headings.map((heading) => heading.text)).toEqual(['Question', 'Second'])
  })

  it("points a link to the heading that became the title at the title, as a README's contents list does", async () => {
    const {document, file} = await parse('readme.md', '# Commander.js  CLI\n\n- [Commander.js  CLI](#commanderjs--cli)\n- [Usage](#usage)\n- [Nowhere](#nowhere)\n\n## Usage\n\nText.\n')
    expect(file.messages.map((message) => message.reason)).toEqual(['Link to `#nowhere` points at no heading or id of this document: the link was removed, its text kept'])
    const html = toHtml(document!.tree)
    expect(html).toContain('<a href="#title">Commander.js  CLI</a>')
    expect(html).toContain('<a href="#usage">Usage</a>')
    // With a written title, a `#` heading stays in the body with its own id.
    const {document: written} = await parse('written.md', '---\ntitle: Written\n---\n\n# Kept\n\n[Kept](#kept)\n')
    expect(toHtml(written!.tree)).toContain('<a href="#kept">Kept</a>')
  })

  it('falls back to the file name made readable, and to the build language', async () => {
    const {document} = await parse('two_words-here.md', 'Just text.\n', 'fr')
    expect(document!.meta.title).toBe('Two words here')
    expect(document!.meta.lang).toBe('fr')
    expect(titleFromFileName('/x/README.md')).toBe('README')
  })

  it('keeps a written title and language', async () => {
    const {document} = await parse('b.md', '---\ntitle: Written\nlang: hi\n---\n\n# Heading\n', 'fr')
    expect(document!.meta.title).toBe('Written')
    expect(document!.meta.lang).toBe('hi')
    expect(document!.headings.map((heading) => heading.text)).toEqual(['Heading'])
  })

  it('names a date that does not exist, or has year 0, at its place in the front matter', async () => {
    for (const date of ['2024-13-45', '2024-12-32', '2024-00-10', '2024-02-30', '0000-01-01']) {
      const {document, file} = await parse('dated-wrong.md', `---\ntitle: T\ndate: ${date}\n---\n\nText.\n`)
      expect(document, date).toBeUndefined()
      expect(
        file.messages.map((message) => [message.line, message.column, message.ruleId, message.reason]),
        date
      ).toEqual([[3, 7, 'yaml-schema', 'Invalid front matter `date`: expected a calendar date as `YYYY-MM-DD`']])
    }
    const {document} = await parse('dated-right.md', '---\ntitle: T\ndate: 2024-02-29\n---\n\nText.\n')
    expect(document!.date.toISOString()).toBe('2024-02-29T00:00:00.000Z')
  })

  it('warns at line 1 when front matter is opened and never closed, and builds the text as written', async () => {
    const {document, file} = await parse('notes-draft.md', '---\ntitle: Unclosed\ndate: 2024-04-05\n\nThe body.\n')
    expect(file.messages.map((message) => [message.line, message.column, message.ruleId, message.fatal])).toEqual([[1, 1, 'front-matter-unclosed', false]])
    expect(document!.meta.title).toBe('Notes draft')
    // A thematic break before ordinary text is no front matter.
    const {file: rule} = await parse('rule.md', '---\n\nText: with a colon.\n')
    expect(rule.messages).toEqual([])
  })

  it('closes front matter at a Pandoc `...` line, keeping every position', () => {
    const text = '---\ntitle: x\n...\n\n---\n'
    expect(pandocEndAsDashes(text)).toBe('---\ntitle: x\n---\n\n---\n')
    expect(pandocEndAsDashes('---\na: 1\n---\n...\n')).toBe('---\na: 1\n---\n...\n')
    expect(pandocEndAsDashes('text\n...\n')).toBe('text\n...\n')
  })
})

describe('source date', () => {
  it('prefers front matter, then SOURCE_DATE_EPOCH, then git, then the mtime', async () => {
    const file = path.join(root, 'dated.md')
    fs.writeFileSync(file, 'x\n')
    fs.utimesSync(file, 1_700_000_000, 1_700_000_000)
    expect((await sourceDate(file, {date: '2024-04-05', sourceDateEpoch: 1})).toISOString()).toBe('2024-04-05T00:00:00.000Z')
    expect((await sourceDate(file, {sourceDateEpoch: 86_400})).toISOString()).toBe('1970-01-02T00:00:00.000Z')
    // Not in a checkout: the modification time.
    expect((await sourceDate(file)).getTime()).toBe(1_700_000_000_000)

    const git = (...args: string[]) =>
      execFileSync('git', ['-C', root, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        env: {...process.env, GIT_COMMITTER_DATE: '1600000000 +0000', GIT_AUTHOR_DATE: '1600000000 +0000'}
      })
    git('init', '-q')
    git('add', 'dated.md')
    git('commit', '-q', '-m', 'x')
    expect(await lastCommitSeconds(file, 5000)).toBe(1_600_000_000)
    expect((await sourceDate(file)).getTime()).toBe(1_600_000_000_000)
  })
})
