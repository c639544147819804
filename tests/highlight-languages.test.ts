/**
 * The languages `rehypeHighlightCode` knows without loading starry-night
 * (`highlight-languages.ts`) are exactly the common grammars' own: a block in
 * a language the list lacked would silently go unhighlighted, and an entry
 * starry-night dropped would load the grammars for nothing. A block whose
 * lines are too long to highlight in time is shown plain, with a warning.
 */
import {createRequire} from 'node:module'
import {pathToFileURL} from 'node:url'
import {common, createStarryNight} from '@wooorm/starry-night'
import {toHtml} from 'hast-util-to-html'
import {VFile} from 'vfile'
import {describe, expect, it} from 'vitest'
import {createProcessor, toHtmlTree} from '../scripts/markdown/processor.js'
import {hasGrammarFor, knownLanguages} from '../scripts/markdown/highlight-languages.js'

const sorted = (values: Iterable<string>) => [...values].sort()

describe('languages known without loading the grammars', () => {
  it('are the common grammars’ names and extensions', () => {
    expect(sorted(knownLanguages.names)).toEqual(sorted(new Set(common.flatMap((grammar) => grammar.names))))
    expect(sorted(knownLanguages.extensions)).toEqual(sorted(new Set(common.flatMap((grammar) => grammar.extensions))))
    expect(sorted(knownLanguages.extensionsWithDot)).toEqual(sorted(new Set(common.flatMap((grammar) => grammar.extensionsWithDot ?? []))))
  })

  it('answer as starry-night’s flagToScope does', async () => {
    const require = createRequire(import.meta.url)
    const night = await createStarryNight(common, {getOnigurumaUrlFs: () => pathToFileURL(require.resolve('vscode-oniguruma/release/onig.wasm'))})
    const flags = [
      'js',
      'JS',
      ' python ',
      'py/',
      'rb',
      'file.py',
      'Makefile',
      'x.tact',
      'tact',
      'diff',
      'c++',
      'example',
      'tree',
      'foo',
      'foo.bar',
      '',
      '/',
      ' ',
      'md',
      'markdown',
      'sh',
      'console',
      'text'
    ]
    for (const flag of flags) expect([flag, hasGrammarFor(flag)]).toEqual([flag, night.flagToScope(flag) !== undefined])
    for (const name of knownLanguages.names) expect(hasGrammarFor(name)).toBe(true)
  })
})

describe('code too costly to highlight', () => {
  const highlight = async (markdown: string) => {
    const file = new VFile({path: '/tmp/code.md', value: `---\ntitle: Code\n---\n\n${markdown}`})
    const html = toHtml(await toHtmlTree(createProcessor({root: '/tmp'}), file))
    return {html, messages: file.messages.map((message) => `${message.line}:${message.column} ${message.ruleId} ${message.reason}`)}
  }

  it('shows a block with a line over 1,000 characters plain, with a warning at the block, and highlights the others', async () => {
    const {html, messages} = await highlight(`\`\`\`js\nconst ok = 1\n\`\`\`\n\n\`\`\`js\nconst long = '${'a'.repeat(1000)}'\n\`\`\`\n`)
    expect(messages).toEqual(['9:1 code-not-highlighted Code block not highlighted: a line of 1015 characters (the highlighter slows down badly past 1000); shown plain'])
    const [first, second] = html.split('</pre>')
    expect(first).toContain('<span class="pl-k">const</span>')
    expect(second).not.toContain('pl-')
    expect(second).toContain(`<span class="line">const long = '${'a'.repeat(1000)}'</span>`)
  })

  it('measures the lines of a block of 200,000 lines', async () => {
    const {messages} = await highlight(`\`\`\`js\n${'a\n'.repeat(200_000)}${'b'.repeat(1200)}\n\`\`\`\n`)
    expect(messages).toEqual(['5:1 code-not-highlighted Code block not highlighted: a line of 1200 characters (the highlighter slows down badly past 1000); shown plain'])
  }, 60_000)
})
