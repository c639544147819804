/**
 * The parse stage, by fixture folder: `tests/fixtures/markdown/<case>/input.md`
 * against `expected.html` (the sanitised body) and `messages.txt` (every
 * message, `line:column: severity: reason [rule]`). Regenerate with
 * `UPDATE=1 npx vitest run tests/markdown.test.ts` and review the diff.
 */
import fs from 'node:fs'
import path from 'node:path'
import {toHtml} from 'hast-util-to-html'
import {describe, expect, it} from 'vitest'
import {createProcessor} from '../scripts/markdown/processor.js'
import {parseDocument} from '../scripts/parse/parse-document.js'
import {repo} from './support/tools.js'

const fixtures = path.join(import.meta.dirname, 'fixtures', 'markdown')
const update = process.env.UPDATE === '1'
const processor = createProcessor({root: repo})

describe('markdown fixtures', () => {
  for (const name of fs.readdirSync(fixtures).sort()) {
    it(name, async () => {
      const folder = path.join(fixtures, name)
      const {file, document} = await parseDocument(processor, {path: path.join(folder, 'input.md'), name}, {cwd: folder})
      const messages = file.messages.map((message) => `${message.line ?? 1}:${message.column ?? 1}: ${message.fatal ? 'error' : 'warning'}: ${message.reason} [${message.ruleId}]`).join('\n') + '\n'
      const html = document ? toHtml(document.tree) + '\n' : undefined

      const expectedHtml = path.join(folder, 'expected.html')
      const expectedMessages = path.join(folder, 'messages.txt')
      if (update) {
        fs.writeFileSync(expectedMessages, messages)
        if (html === undefined) fs.rmSync(expectedHtml, {force: true})
        else fs.writeFileSync(expectedHtml, html)
      }
      expect(messages).toBe(fs.readFileSync(expectedMessages, 'utf8'))
      if (fs.existsSync(expectedHtml)) expect(html).toBe(fs.readFileSync(expectedHtml, 'utf8'))
      else expect(document, 'a failing fixture yields no document').toBeUndefined()
    })
  }
})
