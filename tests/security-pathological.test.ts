/**
 * Pathological Markdown in the style of cmark's `test/pathological_tests.py`
 * (issue 5): each generator at a size where a quadratic algorithm shows. This
 * suite is parse + transform only (`toHtmlTree`, the whole unified chain):
 * printing megabytes of text would measure Chromium, not us. Each case must
 * either build or fail with a located `nesting-too-deep` / `too-many-markers`
 * message: never hang, never throw anything else. No case asserts a duration
 * (a busy machine is many times slower than a quiet one, issue 11): the test
 * timeout is only a ceiling that catches a hang; speed belongs in `npm run bench`.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, expect, test} from 'vitest'
import {VFile} from 'vfile'
import {VFileMessage} from 'vfile-message'
import {imageSize, sniffImage} from '../scripts/content/sniff-image.js'
import {maxSourceBytes, readSource} from '../scripts/content/read-source.js'
import {createProcessor, toHtmlTree} from '../scripts/markdown/processor.js'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'handout-pathological-'))
const processor = createProcessor({root})
afterAll(() => fs.rmSync(root, {recursive: true, force: true}))

const frontMatter = '---\ntitle: Pathological\n---\n\n'
// The body starts on this line.
const bodyLine = 5

interface Case {
  name: string
  body: () => string
  /** `undefined`: must build; otherwise the ruleId of the expected fatal message. */
  fails?: 'nesting-too-deep' | 'too-many-markers'
}

// Minutes, not seconds: only a hang should reach it.
const hangCeiling = 300_000

const repeat = (text: string, times: number) => text.repeat(times)
const lines = (count: number, line: (index: number) => string) => Array.from({length: count}, (_, index) => line(index)).join('\n') + '\n'

const cases: Case[] = [
  // Would take minutes or overflow the stack without the limits.
  {name: 'nested strong emphasis *a **a … b … a** a* (20000)', body: () => repeat('*a **a ', 20_000) + 'b' + repeat(' a** a*', 20_000), fails: 'too-many-markers'},
  {name: 'mismatched openers and closers *a_ (50000)', body: () => repeat('*a_ ', 50_000), fails: 'too-many-markers'},
  {name: 'emphasis closers without openers a_ (50000)', body: () => repeat('a_ ', 50_000), fails: 'too-many-markers'},
  {name: 'emphasis openers without closers *a (50000)', body: () => repeat('*a ', 50_000), fails: 'too-many-markers'},
  {name: 'link openers [a (50000)', body: () => repeat('[a', 50_000), fails: 'too-many-markers'},
  {name: 'link closers a] (50000)', body: () => repeat('a]', 50_000), fails: 'too-many-markers'},
  {name: 'nested brackets [[[a]]] (50000)', body: () => repeat('[', 50_000) + 'a' + repeat(']', 50_000), fails: 'too-many-markers'},
  {name: 'unclosed links [a](<b (30000)', body: () => repeat('[a](<b', 30_000), fails: 'too-many-markers'},
  {name: 'backtick runs of growing length (1000)', body: () => Array.from({length: 1000}, (_, index) => 'e' + '`'.repeat(index + 1)).join(''), fails: 'too-many-markers'},
  {name: 'nested block quotes > > > a (5000)', body: () => repeat('> ', 5000) + 'a\n', fails: 'nesting-too-deep'},
  {name: 'nested lists, one level per line (1000)', body: () => lines(1000, (index) => '  '.repeat(index) + '* a'), fails: 'nesting-too-deep'},
  {name: 'nested raw HTML <div> (5000)', body: () => repeat('<div>', 5000) + 'x' + repeat('</div>', 5000), fails: 'nesting-too-deep'},
  // Under the limits: must build.
  {name: '50 paragraphs, each just under the marker limit (*a_ x 450)', body: () => Array.from({length: 50}, () => repeat('*a_ ', 450)).join('\n\n')},
  {name: 'nested lists at the depth limit (30 levels, 20 times)', body: () => repeat(lines(30, (index) => '  '.repeat(index) + '- a') + '\nbreak\n\n', 20)},
  {name: 'runs of < (100000)', body: () => repeat('<', 100_000)},
  {name: 'runs of <a (30000)', body: () => repeat('<a', 30_000)},
  {name: 'huge table (2000 rows x 20 columns)', body: () => '|' + repeat(' h |', 20) + '\n|' + repeat('---|', 20) + '\n' + repeat('|' + repeat(' c |', 20) + '\n', 2000)},
  {name: 'wide table (5000 columns)', body: () => '|' + repeat('a|', 5000) + '\n|' + repeat('-|', 5000) + '\n|' + repeat('b|', 5000) + '\n'},
  {name: 'a megabyte line', body: () => repeat('word ', 200_000)},
  {
    name: '10000 link reference definitions, used in 100 paragraphs',
    body: () =>
      lines(10_000, (index) => `[r${index}]: https://example.org/${index}`) +
      '\n' +
      Array.from({length: 100}, (_, paragraph) => Array.from({length: 100}, (_, index) => `[r${paragraph * 100 + index}]`).join(' ')).join('\n\n')
  },
  {name: 'many entities and autolinks (5000)', body: () => repeat('&#x1F600; &amp; www.example.org ', 5000)}
]

for (const item of cases) {
  test(`pathological (parse + transform only): ${item.name} ${item.fails ? `fails with ${item.fails}` : 'builds'}`, {timeout: hangCeiling}, async () => {
    const file = new VFile({path: path.join(root, 'input.md'), cwd: root, value: frontMatter + item.body()})
    expect(String(file.value).length).toBeLessThanOrEqual(4 * 1024 * 1024)
    let thrown: unknown
    try {
      await toHtmlTree(processor, file)
    } catch (error) {
      thrown = error
    }
    if (thrown !== undefined) expect(thrown, String(thrown)).toBeInstanceOf(VFileMessage)
    const fatal = file.messages.filter((message) => message.fatal)
    if (item.fails) {
      expect(fatal.map((message) => message.ruleId)).toEqual([item.fails])
      expect(fatal[0]!.line).toBeGreaterThanOrEqual(1)
      expect(fatal[0]!.column).toBeGreaterThanOrEqual(1)
    } else {
      expect(fatal.map(String)).toEqual([])
      expect(thrown).toBeUndefined()
    }
  })
}

test('limit messages point at the offending place', async () => {
  const file = new VFile({path: path.join(root, 'input.md'), value: frontMatter + 'Fine.\n\n' + repeat('> ', 40) + 'deep\n'})
  await expect(toHtmlTree(processor, file)).rejects.toBeInstanceOf(VFileMessage)
  expect(file.messages.map((message) => [message.ruleId, message.line])).toEqual([['nesting-too-deep', bodyLine + 2]])
})

test('a source over the size limit fails with a message before parsing', async () => {
  const file = new VFile({path: path.join(root, 'large.md'), cwd: root})
  fs.writeFileSync(file.path, frontMatter + repeat('word ', Math.ceil(maxSourceBytes / 5) + 10))
  await expect(readSource(file)).rejects.toBeInstanceOf(VFileMessage)
  expect(file.messages.map((message) => message.ruleId)).toEqual(['source-too-large'])
})

test('decompression bombs: image headers are read without decoding (PNG, GIF, JPEG, WebP claiming 100000 × 100000)', () => {
  const huge = 100_000
  const png = Buffer.alloc(33)
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).copy(png)
  png.write('IHDR', 12, 'latin1')
  png.writeUInt32BE(huge, 16)
  png.writeUInt32BE(huge, 20)
  const gif = Buffer.alloc(13)
  gif.write('GIF89a', 0, 'latin1')
  gif.writeUInt16LE(65_535, 6)
  gif.writeUInt16LE(65_535, 8)
  // SOI, an APP0 segment to skip, then SOF2 (progressive) with height and width.
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc2, 0, 11, 8, 0xff, 0xff, 0xff, 0xff, 3, 0, 0, 0])
  const webp = Buffer.alloc(30)
  webp.write('RIFF', 0, 'latin1')
  webp.write('WEBPVP8X', 8, 'latin1')
  webp.writeUIntLE(huge - 1, 24, 3)
  webp.writeUIntLE(huge - 1, 27, 3)
  const cases: Array<[Buffer, string, number, number]> = [
    [png, 'image/png', huge, huge],
    [gif, 'image/gif', 65_535, 65_535],
    [jpeg, 'image/jpeg', 65_535, 65_535],
    [webp, 'image/webp', huge, huge]
  ]
  for (const [data, type, width, height] of cases) {
    expect(sniffImage(data)).toBe(type)
    expect(imageSize(data, type)).toEqual({width, height})
  }
  // Truncated headers give no size (rehypeImages then refuses the file).
  expect(imageSize(png.subarray(0, 20), 'image/png')).toBeUndefined()
  expect(imageSize(jpeg.subarray(0, 12), 'image/jpeg')).toBeUndefined()
})
