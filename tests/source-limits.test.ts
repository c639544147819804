/**
 * The limits read Markdown as micromark does (issue 12, issue 11): what the
 * old line scan misread is counted where CommonMark puts it. Outcomes only,
 * no timings (speed lives in `npm run bench`).
 */
import {VFile} from 'vfile'
import {describe, expect, it} from 'vitest'
import remarkGfm from 'remark-gfm'
import remarkParse from 'remark-parse'
import {unified} from 'unified'
import {boundContainerPrefixes, checkSourceLimits, checkTreeDepth} from '../scripts/markdown/source-limits.js'

function outcome(value: string, limits = {}): string {
  const file = new VFile({path: 'a.md', value})
  try {
    checkSourceLimits(file, limits)
    return 'ok'
  } catch {
    const message = file.messages[0]!
    return `${message.ruleId} ${message.line}:${message.column}`
  }
}

const markers = (count: number) => '*a '.repeat(count)

describe('source limits', () => {
  it('counts per paragraph, heading and table cell, not per table', () => {
    const rows = Array.from({length: 640}, (_, index) => `| *${index}* | \`x\` |`).join('\n')
    expect(outcome(`| a | b |\n| --- | --- |\n${rows}\n`)).toBe('ok')
    expect(outcome(`| a |\n| - |\n| ${markers(1001)} |\n`)).toBe('too-many-markers 3:3')
    expect(outcome(`# ${markers(1001)}\n`)).toBe('too-many-markers 1:3')
    expect(outcome(`Text.\n\n${markers(1001)}\n`)).toBe('too-many-markers 3:1')
  })

  it('reads lines that only look like a fence or a definition as CommonMark does', () => {
    // A backtick fence cannot have backticks in its info string: this is a paragraph.
    expect(outcome(`\`\`\`x\`\`\`\n${markers(1001)}`)).toBe('too-many-markers 1:1')
    // Not a definition (the destination never closes): the paragraph goes on.
    expect(outcome(`[a]: <b\n${markers(1001)}`)).toBe('too-many-markers 1:1')
    // A real fence: its content is code, not markers.
    expect(outcome(`\`\`\`\n${markers(1001)}\n\`\`\`\n`)).toBe('ok')
    // Under the marker count, but backtick runs of growing length: the run over 32 is refused.
    expect(outcome(Array.from({length: 1000}, (_, index) => `e${'`'.repeat(index + 1)}`).join(''))).toBe('too-many-markers 1:562')
    // A fence of 40 backticks is no code span.
    expect(outcome(`${'`'.repeat(40)}\ncode\n${'`'.repeat(40)}\n`)).toBe('ok')
    // Escaped markers are text.
    expect(outcome('\\*'.repeat(2000))).toBe('ok')
  })

  it('counts every list marker of a line, and quotes and indentation across lines', () => {
    expect(outcome(`${'- '.repeat(32)}a\n`)).toBe('ok')
    expect(outcome(`${'- '.repeat(33)}a\n`)).toMatch(/^nesting-too-deep 1:/)
    expect(outcome(`${'- '.repeat(20_000)}a\n`)).toMatch(/^nesting-too-deep 1:/)
    expect(outcome(`${'> '.repeat(40)}a\n`)).toMatch(/^nesting-too-deep 1:/)
    expect(outcome(Array.from({length: 40}, (_, index) => `${'  '.repeat(index)}- a`).join('\n'))).toBe('nesting-too-deep 33:65')
    // A thematic break of many dashes, and deep indentation inside a fence, nest nothing.
    expect(outcome(`${'- '.repeat(20_000)}\n`)).toBe('ok')
    expect(outcome(`\`\`\`\n${'- '.repeat(500)}a\n\`\`\`\n`)).toBe('ok')
    expect(outcome(`${'- '.repeat(10)}a\n`, {maxBlockDepth: 9})).toMatch(/^nesting-too-deep 1:/)
  })

  it('cuts only prefixes deeper than the bound, after a whole unit', () => {
    expect(boundContainerPrefixes('- - - - a\nplain text that is long enough\n', 2)).toBe('- - - x\nplain text that is long enough\n')
    expect(boundContainerPrefixes('- - - -\n', 2)).toBe('- - - -\n')
  })
})

describe('footnote references', () => {
  const tree = (markdown: string) => unified().use(remarkParse).use(remarkGfm).parse(markdown)
  const check = (count: number, limits = {}): string => {
    // Twenty references a paragraph, one note: each paragraph under the inline-marker limit.
    const paragraphs = Array.from({length: Math.ceil(count / 20)}, (_, index) => 'x[^a] '.repeat(Math.min(20, count - index * 20)).trim())
    const file = new VFile({path: 'notes.md', value: `${paragraphs.join('\n\n')}\n\n[^a]: The note.\n`})
    try {
      checkTreeDepth(tree(String(file.value)), file, limits)
      return 'ok'
    } catch {
      const [message] = file.messages
      return `${message!.line}:${message!.column} ${message!.ruleId}`
    }
  }

  it('allows 2000 in a source and names the first past the limit', () => {
    expect(check(2000)).toBe('ok')
    // The 2001st: the first of paragraph 101, at line 201; with a limit of 50, the 51st: the 11th of paragraph 3.
    expect(check(2001)).toBe('201:2 too-many-footnote-references')
    expect(check(100, {maxFootnoteReferences: 50})).toBe('5:62 too-many-footnote-references')
  })
})
