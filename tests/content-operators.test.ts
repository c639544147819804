import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {forEachOperator, type Operands, operatorCode} from '../scripts/pdf/content-operators.js'

/** Each operator of `text` with its operands, as kinds and texts (a dictionary with its entries' texts). */
function read(text: string): Array<[string, string[]]> {
  const content = Buffer.from(text, 'latin1')
  const names = new Map(['BT', 'ET', 'Tf', 'Tm', 'Td', 'Tj', 'TJ', 'BDC', 'BMC', 'EMC', 'cm', 'q', 'Q', 'BI', 'ID', 'EI', 'Do', 're', 'f', 'W', 'n', 'gs'].map((name) => [operatorCode(name), name]))
  const seen: Array<[string, string[]]> = []
  forEachOperator(content, (operator, operands: Operands) => {
    const list: string[] = []
    for (let back = operands.count - 1; back >= 0; back--) {
      const span = operands.span(back)
      const entries = operands.entries(back)
      const body = entries ? `{${entries.map((entry) => `${entry.kind}:${content.toString('latin1', entry.start, entry.end)}`).join(' ')}}` : content.toString('latin1', span.start, span.end)
      list.push(`${span.kind}:${body}`)
    }
    seen.push([names.get(operator) ?? `#${operator}`, list])
  })
  return seen
}

describe('content stream operators', () => {
  it('come with their operands, of every kind, in order', () => {
    expect(read('BT\n/F4 10.6599998 Tf\n1 0 0 -1 638.26563 1079 Tm\n<0086> Tj\n2.13 0 Td <002a> Tj\nET')).toEqual([
      ['BT', []],
      ['Tf', ['name:F4', 'number:10.6599998']],
      ['Tm', ['number:1', 'number:0', 'number:0', 'number:-1', 'number:638.26563', 'number:1079']],
      ['Tj', ['hex:0086']],
      ['Td', ['number:2.13', 'number:0']],
      ['Tj', ['hex:002a']],
      ['ET', []]
    ])
  })

  it('read dictionaries with their entries, with or without spaces around delimiters', () => {
    expect(read('/Span<</ActualText <FEFF00AD> >> BDC EMC /NonStruct <</MCID 0 >>BDC')).toEqual([
      ['BDC', ['name:Span', 'dict:{name:ActualText hex:FEFF00AD}']],
      ['EMC', []],
      ['BDC', ['name:NonStruct', 'dict:{name:MCID number:0}']]
    ])
    // Nested containers are one entry each; keywords inside are entries too.
    expect(read('/P <</A [1 [2] <</B 3>>] /C true /D (x) >> BDC')).toEqual([['BDC', ['name:P', 'dict:{name:A array:[1 [2] <</B 3>>] name:C other:true name:D string:x}']]])
  })

  it('keep strings whole: nested and escaped parentheses, operators and delimiters inside', () => {
    expect(read('(a (b) \\) BT ] >> c) Tj [(x) -20 (y\\() <00ff>] TJ')).toEqual([
      ['Tj', ['string:a (b) \\) BT ] >> c']],
      ['TJ', ['array:[(x) -20 (y\\() <00ff>]']]
    ])
  })

  it('skip comments and inline image data, and go on past stray delimiters', () => {
    expect(read('% BT a comment\nq BI /W 2 /H 1 ID \x00BT)>]EI\x01 EI Q ) ] } 1 0 0 1 5 5 cm')).toEqual([
      ['q', []],
      ['BI', []],
      ['ID', ['name:W', 'number:2', 'name:H', 'number:1']],
      ['Q', []],
      ['cm', ['other:)', 'other:]', 'other:}', 'number:1', 'number:0', 'number:0', 'number:1', 'number:5', 'number:5']]
    ])
  })

  it('end at the end of the content, even inside an unclosed string, array or dictionary', () => {
    expect(read('BT (open')).toEqual([['BT', []]])
    expect(read('[1 2')).toEqual([])
    expect(read('<</A 1')).toEqual([])
    expect(read('<00')).toEqual([])
  })

  it('keep the last operands when a stream has none of its operators', () => {
    const seen: number[] = []
    forEachOperator(Buffer.from(`${'1 '.repeat(1000)}2 3 Td`, 'latin1'), (_, operands) => seen.push(operands.count, operands.number(0), operands.number(1)))
    expect(seen).toEqual([64, 3, 2])
  })

  it('read deep nesting without overflowing the stack', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)} Tj`
    expect(() => read(deep)).not.toThrow()
  })

  it('give numbers the value `Number` reads from their text', () => {
    const decimal = fc
      .tuple(fc.constantFrom('', '-', '+'), fc.stringMatching(/^[0-9]{0,20}$/), fc.option(fc.stringMatching(/^[0-9]{0,25}$/)))
      .map(([sign, whole, fraction]) => `${sign}${whole}${fraction === null ? '' : `.${fraction}`}`)
    const odd = fc.constantFrom('.', '-', '+', '-.', '1.2.3', '--1', '1e5', '0x10', '9007199254740993', '123456789012345678', '0.1234567890123456789')
    fc.assert(
      fc.property(fc.oneof(decimal, odd), (number) => {
        let value: number | undefined
        forEachOperator(Buffer.from(`${number} 0 Td`, 'latin1'), (_, operands) => {
          value = operands.number(1)
        })
        expect(Object.is(value, Number(number))).toBe(true)
      }),
      {numRuns: 2000}
    )
  })
})
