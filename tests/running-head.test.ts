/**
 * The running head's title (`shortTitle`): one line in the top margin, so a
 * long title is cut at a word and ended with `…`; a title that fits is whole.
 */
import {describe, expect, it} from 'vitest'
import {runningHeadWidth, shortTitle} from '../scripts/render/template-data.js'

describe('the running head of a long title', () => {
  it('keeps a title that fits whole', () => {
    expect(shortTitle('Resurgence of Islamic State-Khorasan (IS-K)')).toBe('Resurgence of Islamic State-Khorasan (IS-K)')
    const exact = 'x'.repeat(runningHeadWidth)
    expect(shortTitle(exact)).toBe(exact)
  })

  it('cuts a longer title at its last word that fits, with an ellipsis', () => {
    const title = 'A rather long title that goes on and on, past the width of one line in the margin'
    const short = shortTitle(title)
    expect(short).toBe('A rather long title that goes on and on, past the width of one…')
    expect(title.startsWith(short.slice(0, -1))).toBe(true)
    expect(short.length - 1).toBeLessThanOrEqual(runningHeadWidth)
  })

  it('cuts a word longer than the width at the width', () => {
    const word = 'Supercalifragilisticexpialidocious'.repeat(4)
    expect(shortTitle(word)).toBe(`${word.slice(0, runningHeadWidth)}…`)
  })

  it('counts a wide letter, such as Chinese, as two', () => {
    const chinese = '中'.repeat(40)
    expect(shortTitle(chinese)).toBe(`${'中'.repeat(runningHeadWidth / 2)}…`)
    expect(shortTitle('中'.repeat(runningHeadWidth / 2))).toBe('中'.repeat(runningHeadWidth / 2))
  })
})
