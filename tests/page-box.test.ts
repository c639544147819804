/** Exact page boxes for the theme's CSS page sizes (Chromium rounds to 1/300 inch). */
import {describe, expect, it} from 'vitest'
import {pageBoxOf} from '../scripts/pdf/page-box.js'

const rounded = (size: string) => {
  const box = pageBoxOf(size)
  return box && [box.width.toFixed(1), box.height.toFixed(1)]
}

describe('pageBoxOf', () => {
  it('gives named sizes, landscape and explicit lengths in points', () => {
    expect(rounded('B5')).toEqual(['498.9', '708.7'])
    expect(rounded('A3 landscape')).toEqual(['1190.6', '841.9'])
    expect(rounded('176mm 250mm')).toEqual(['498.9', '708.7'])
    expect(rounded('5in 8in')).toEqual(['360.0', '576.0'])
  })

  it("leaves the templates' own sizes and unknown names to Chromium", () => {
    expect(pageBoxOf('A4')).toBeUndefined()
    expect(pageBoxOf('Letter')).toBeUndefined()
    expect(pageBoxOf('C5')).toBeUndefined()
  })
})
