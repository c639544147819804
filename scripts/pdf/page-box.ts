/**
 * The exact size in points of a CSS page size. Chromium prints on a grid of
 * 1/300 inch (B5 comes out 498.96 × 708.96 pt instead of 498.9 × 708.7), so a
 * theme's page size is set exactly on the finished PDF's MediaBox.
 */
import {pageSizes} from '../config/schema.js'

/** Width and height in points. */
export interface PageBox {
  width: number
  height: number
}

const mm = 72 / 25.4
// ISO A and B series, JIS B (mm), and the US sizes (inches), as CSS Paged Media names them.
const named: Record<string, [number, number]> = {
  a0: [841, 1189],
  a1: [594, 841],
  a2: [420, 594],
  a3: [297, 420],
  a4: [210, 297],
  a5: [148, 210],
  a6: [105, 148],
  a7: [74, 105],
  a8: [52, 74],
  a9: [37, 52],
  a10: [26, 37],
  b0: [1000, 1414],
  b1: [707, 1000],
  b2: [500, 707],
  b3: [353, 500],
  b4: [250, 353],
  b5: [176, 250],
  b6: [125, 176],
  b7: [88, 125],
  b8: [62, 88],
  b9: [44, 62],
  b10: [31, 44],
  'jis-b4': [257, 364],
  'jis-b5': [182, 257],
  letter: [215.9, 279.4],
  legal: [215.9, 355.6],
  ledger: [279.4, 431.8]
}
const units: Record<string, number> = {mm, cm: 10 * mm, in: 72, pt: 1, pc: 12, px: 0.75}

/**
 * The box of `size` (`B5`, `A3 landscape`, `176mm 250mm`), or `undefined` for
 * the sizes the templates know (Chromium's own box is kept: outputs stay as
 * they were) and for names not listed here.
 */
export function pageBoxOf(size: string): PageBox | undefined {
  if ((pageSizes as readonly string[]).includes(size)) return undefined
  return cssPageBox(size)
}

/** The exact box of a CSS page size (`B5`, `A4 landscape`, `176mm 250mm`), or `undefined` for names not listed here. */
export function cssPageBox(size: string): PageBox | undefined {
  const [first = '', second] = size.toLowerCase().split(/\s+/)
  const box = named[first]
  if (box) {
    const [width, height] = box.map((value) => value * mm) as [number, number]
    return second === 'landscape' ? {width: height, height: width} : {width, height}
  }
  const length = (value: string | undefined) => {
    const match = /^(\d+(?:\.\d+)?)(mm|cm|in|pt|pc|px)$/.exec(value ?? '')
    return match ? Number(match[1]) * units[match[2]!]! : undefined
  }
  const width = length(first)
  const height = length(second)
  return width && height ? {width, height} : undefined
}
