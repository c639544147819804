/**
 * The languages `rehypeHighlightCode` knows without loading starry-night
 * (`highlight-languages.ts`) are exactly the common grammars' own: a block in
 * a language the list lacked would silently go unhighlighted, and an entry
 * starry-night dropped would load the grammars for nothing.
 */
import {createRequire} from 'node:module'
import {pathToFileURL} from 'node:url'
import {common, createStarryNight} from '@wooorm/starry-night'
import {describe, expect, it} from 'vitest'
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
