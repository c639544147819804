/**
 * The language of what does not name its own: a source without front matter
 * `lang`, a publication without `lang`. `--lang` (the API's `lang`) wins over
 * the config's `lang`, front matter and the publication over both; a source
 * mostly in a script its language is not written in gets a warning. EPUB only:
 * no browser.
 */
import fs from 'node:fs'
import path from 'node:path'
import JSZip from 'jszip'
import {describe, expect, it} from 'vitest'
import {build, type BuildReport} from '../scripts/index.js'
import {scriptsOf} from '../scripts/markdown/remark-language-script.js'
import {tempProject} from './support/tools.js'

const russian = '# Быстрый старт\n\nЭтот инструмент превращает заметки в печатные раздаточные материалы и электронные книги. Текст набран кириллицей, и язык документа должен быть русским.\n'
const english = '# Quick start\n\nThis tool turns notes into printed handouts and e-books. A word or two of Russian (старт) does not make it Russian text: most of its letters are Latin.\n'

function project(config: string): string {
  return tempProject({
    'content/readme.md': russian,
    'content/english.md': english,
    'content/written.md': `---\nlang: hi\n---\n\n${english}`,
    'handout.config.yaml': config
  })
}

async function languages(root: string, report: BuildReport): Promise<Record<string, string>> {
  const result: Record<string, string> = {}
  for (const name of ['readme', 'english', 'written', 'book']) {
    const file = path.join(root, 'dist', `${name}.epub`)
    if (!fs.existsSync(file)) continue
    const zip = await JSZip.loadAsync(fs.readFileSync(file))
    const opfName = Object.keys(zip.files).find((entry) => entry.endsWith('.opf'))!
    result[name] = /<dc:language>([^<]*)<\/dc:language>/.exec(await zip.file(opfName)!.async('string'))![1]!
  }
  expect(report.ok).toBe(true)
  return result
}

const warnings = (report: BuildReport) =>
  report.sources.flatMap((source) => source.file.messages.filter((message) => message.ruleId === 'language-script').map((message) => `${source.name} ${message.line}:${message.column}`))

describe('the language of sources and books that set none', {timeout: 120_000}, () => {
  it('is `en` by default, and a mostly Cyrillic source is told where to set it', async () => {
    const root = project('publications:\n  - {name: book, title: Book, sources: [content/readme.md, content/english.md]}\n')
    const report = await build({root, formats: ['epub'], cache: false})
    expect(await languages(root, report)).toEqual({readme: 'en', english: 'en', written: 'hi', book: 'en'})
    // `written` says `hi` in its front matter over English text: a mistake too.
    expect(warnings(report)).toEqual(['readme 3:1', 'written 7:1'])
    const message = report.sources.find((source) => source.name === 'readme')!.file.messages[0]!
    expect(message.reason).toMatch(/Cyrillic script, which language `en` is not written in.*`lang: ru`/)
  })

  it("is the config's `lang`, which front matter and a publication's own `lang` override", async () => {
    const root = project(
      'lang: ru\npublications:\n  - {name: book, title: Book, sources: [content/readme.md, content/english.md]}\n  - {name: other, title: Other, lang: de, sources: [content/english.md], outputs: [book]}\n'
    )
    const report = await build({root, formats: ['epub'], cache: false})
    expect(await languages(root, report)).toEqual({readme: 'ru', english: 'ru', written: 'hi', book: 'ru'})
    expect(warnings(report)).toEqual(['english 3:1', 'written 7:1'])
    const zip = await JSZip.loadAsync(fs.readFileSync(path.join(root, 'dist', 'other.epub')))
    expect(await zip.file(Object.keys(zip.files).find((entry) => entry.endsWith('.opf'))!)!.async('string')).toContain('<dc:language>de</dc:language>')
  })

  it("`lang` of the build (`--lang`) wins over the config's, and a changed one makes the outputs again", async () => {
    const root = project('lang: ru\npublications:\n  - {name: book, title: Book, sources: [content/readme.md, content/english.md]}\n')
    expect(await languages(root, await build({root, formats: ['epub']}))).toMatchObject({readme: 'ru', book: 'ru'})
    const report = await build({root, formats: ['epub'], lang: 'uk'})
    expect(await languages(root, report)).toEqual({readme: 'uk', english: 'uk', written: 'hi', book: 'uk'})
    expect(warnings(report)).toEqual(['english 3:1', 'written 7:1'])
  })

  it('rejects a tag that is no BCP 47 tag, naming the option', async () => {
    const root = project('lang: 12\n')
    await expect(build({root, formats: ['epub']})).rejects.toThrow()
    await expect(build({root: project(''), formats: ['epub'], lang: 'not a tag'})).rejects.toThrow(/lang.*BCP 47/s)
  })

  it('knows the scripts a language is written in', () => {
    expect(scriptsOf('en')).toEqual(['Latn'])
    expect(scriptsOf('ru')).toEqual(['Cyrl'])
    expect(scriptsOf('hi')).toEqual(['Deva'])
    expect(scriptsOf('ja')).toEqual(['Hani', 'Kana'])
    expect(scriptsOf('sr-Latn')).toEqual(['Latn'])
  })
})
