/**
 * Property tests (issue 5) with fast-check: random Markdown and front matter,
 * built from the characters and tokens that matter to the parser plus any
 * Unicode and random bytes.
 *
 * 1. The parse stage (`readSource` + `toHtmlTree`) never throws anything but a
 *    reported vfile message, and every message has a line and column.
 * 2. Slow: a sample of generated documents that parse cleanly goes through the
 *    real `build()`; every PDF parses and every EPUB passes epubcheck (one JVM
 *    over all of them).
 */
import {execFile as execFileCallback} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import fc from 'fast-check'
import {afterAll, expect, test} from 'vitest'
import {VFile} from 'vfile'
import {VFileMessage} from 'vfile-message'
import {readSource} from '../scripts/content/read-source.js'
import {build} from '../scripts/index.js'
import {createProcessor, toHtmlTree} from '../scripts/markdown/processor.js'

const execFile = promisify(execFileCallback)
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'handout-property-'))
const templatesDir = fileURLToPath(new URL('../templates/', import.meta.url))
const epubcheckBatch = fileURLToPath(new URL('./support/EpubCheckBatch.java', import.meta.url))
const processor = createProcessor({root})
afterAll(() => fs.rmSync(root, {recursive: true, force: true}))

const tokens = [
  '*',
  '**',
  '_',
  '__',
  '~~',
  '`',
  '```',
  '[',
  ']',
  '(',
  ')',
  '<',
  '>',
  '> ',
  '#',
  '## ',
  '- ',
  '* ',
  '1. ',
  '- [ ] ',
  '|',
  '| --- |',
  '\n',
  '\n\n',
  '    ',
  '\t',
  '---',
  '***',
  '![alt](',
  'x.png',
  '../x.png',
  '%2e%2e/',
  'file:///etc/passwd',
  'http://127.0.0.1:1/',
  'javascript:',
  '<div>',
  '</div>',
  '<img src="',
  '" onerror="x()">',
  '<script>',
  '</script>',
  '<style>',
  '<a href="',
  '">',
  '&amp;',
  '&#0;',
  '&#x110000;',
  '[^1]',
  '[^1]: ',
  ':',
  '"',
  "'",
  '\\',
  'text',
  ' ',
  '\u0000',
  '\u000b',
  '\ufeff',
  '\ud83d\ude00',
  '\ud800',
  'é',
  '\u200b',
  '\r\n',
  '\r'
]
const fragment = fc.oneof({weight: 4, arbitrary: fc.constantFrom(...tokens)}, {weight: 1, arbitrary: fc.string({unit: 'binary', maxLength: 8})})
const markdown = fc.array(fragment, {maxLength: 80}).map((parts) => parts.join(''))

const yamlValue = fc.oneof(
  fc.string({unit: 'binary', maxLength: 20}).map((value) => JSON.stringify(value)),
  fc.constantFrom('', '~', 'null', 'true', '1e999', '2024-02-30', '[a, b]', '{a: 1}', '!!js/function x', '!foo bar', '&a x', '*a', '|', '>-', '"unterminated', "'", '- x')
)
const frontMatter = fc.oneof(
  // Plausible front matter with arbitrary values.
  fc
    .array(fc.tuple(fc.constantFrom('title', 'date', 'lang', 'tags', 'author', 'description', 'pageSize', 'runningHead', 'publisher', 'unknown', 'title'), yamlValue), {maxLength: 6})
    .map((pairs) => `---\ntitle: Generated\n${pairs.map(([key, value]) => `${key}: ${value}`).join('\n')}\n---\n\n`),
  // Anything between the fences, or an engine name.
  markdown.map((text) => `---\n${text}\n---\n\n`),
  fc.constantFrom('', '---js\n{}\n---\n', '---\n---\n', '---\ntitle: x\n')
)
const source = fc.oneof(
  {weight: 6, arbitrary: fc.tuple(frontMatter, markdown).map(([head, body]) => Buffer.from(head + body, 'utf8'))},
  {weight: 1, arbitrary: fc.tuple(frontMatter, fc.uint8Array({maxLength: 200})).map(([head, bytes]) => Buffer.concat([Buffer.from(head), bytes]))}
)

test('parse stage: random Markdown + front matter never throws anything but a reported, located message (fast-check, 1000 runs)', async () => {
  let index = 0
  await fc.assert(
    fc.asyncProperty(source, async (bytes) => {
      const file = new VFile({path: path.join(root, `p${index++}.md`), cwd: root})
      fs.writeFileSync(file.path, bytes)
      try {
        await readSource(file)
        await toHtmlTree(processor, file)
      } catch (error) {
        if (!(error instanceof VFileMessage)) throw error
        expect(file.messages).toContain(error)
      }
      for (const message of file.messages) {
        expect(message).toBeInstanceOf(VFileMessage)
        expect(message.line, `${message.ruleId}: ${message.reason}`).toBeTypeOf('number')
        expect(message.column, `${message.ruleId}: ${message.reason}`).toBeTypeOf('number')
        expect(message.ruleId).toBeTypeOf('string')
      }
    }),
    {
      numRuns: 1000,
      // Counterexamples fast-check found once, kept: a footnote reference swallowed by a removed `<style>` (its back-link had no position).
      examples: [[Buffer.from('---\n!<style>[^1]\n---\n\n[^1]: ')]]
    }
  )
})

// Found by the test above (seed 1845339371): the HTML parser reopens an unclosed `<a>` in the
// next block, and that copy has no position; its attributes are still reported, at a line.
test('messages about elements the HTML parser made again name a line (an unclosed <a> reopened in the next block)', async () => {
  const cases = [
    '---\n<a href="" onerror="x()">\n---\n\nhttp://127.0.0.1:1/',
    'A <a href="https://example.org" onclick="x()" style="color:red">link\n\n- one\n- two\n\nAfter.\n',
    '<b><a href="javascript:alert(1)">bold\n\nnext paragraph\n'
  ]
  for (const [index, text] of cases.entries()) {
    const file = new VFile({path: path.join(root, `reopened-${index}.md`), cwd: root})
    fs.writeFileSync(file.path, text)
    await readSource(file)
    await toHtmlTree(processor, file)
    const unsafe = file.messages.filter((message) => message.source === 'handout:html')
    expect(unsafe.length, text).toBeGreaterThan(0)
    for (const message of file.messages) {
      expect(message.line, `${message.ruleId}: ${message.reason}`).toBeTypeOf('number')
      expect(message.column, `${message.ruleId}: ${message.reason}`).toBeTypeOf('number')
    }
  }
})

test('generated documents that parse cleanly build into a PDF that parses and an EPUB that passes epubcheck (slow: 6 samples, one build, one epubcheck JVM)', async () => {
  const project = path.join(root, 'project')
  fs.mkdirSync(path.join(project, 'content'), {recursive: true})
  fs.cpSync(templatesDir, path.join(project, 'templates'), {recursive: true})
  const body = fc.array(fc.constantFrom(...tokens.filter((token) => !/[\u0000-\u0008\u000b\ufeff\ud800]/.test(token))), {maxLength: 120}).map((parts) => parts.join(''))
  let written = 0
  // Sample until six documents parse without a fatal message (front matter is fixed and valid).
  for (const text of fc.sample(body, {numRuns: 300, seed: 5})) {
    if (written === 6) break
    const file = new VFile({path: path.join(project, 'content', `doc-${written}.md`), cwd: project, value: `---\ntitle: Generated ${written}\ndate: 2024-01-01\n---\n\n${text}\n`})
    try {
      await toHtmlTree(createProcessor({root: project}), file)
    } catch {
      continue
    }
    if (file.messages.some((message) => message.fatal)) continue
    fs.writeFileSync(file.path, String(file.value))
    written++
  }
  expect(written).toBe(6)

  const report = await build({root: project, browser: '/usr/bin/chromium', sourceDateEpoch: 1_704_067_200}, {}, {sandbox: false})
  expect(report.sources.map((source) => [source.name, source.failed])).toEqual(Array.from({length: 6}, (_, index) => [`doc-${index}`, false]))
  const outputs = report.sources.flatMap((source) => source.outputs)
  for (const output of outputs.filter((output) => output.format === 'pdf')) {
    expect((await execFile('pdfinfo', [output.path])).stdout).toMatch(/^Pages:\s+[1-9]/m)
  }
  const epubs = outputs.filter((output) => output.format === 'epub').map((output) => output.path)
  expect(epubs).toHaveLength(6)
  const {stdout} = await execFile('java', ['-XX:TieredStopAtLevel=1', '-cp', '/usr/share/java/epubcheck.jar', epubcheckBatch, ...epubs], {maxBuffer: 64 * 1024 * 1024}).catch(
    (error: {stdout?: string; message: string}) => ({stdout: error.stdout ?? error.message})
  )
  const results = [...stdout.matchAll(/^EPUBCHECK-RESULT (\d+) /gm)].map((match) => match[1])
  expect(results, stdout.slice(0, 4000)).toEqual(epubs.map(() => '0'))
})
