/**
 * The publisher's plugins: listed in the config (YAML by package name, or
 * `.mjs` with functions), resolved from the project's own `node_modules`,
 * run in the parse worker, their output still sanitised; and the config's
 * explicit widening of the sanitiser.
 */
import fs from 'node:fs'
import path from 'node:path'
import {toHtml} from 'hast-util-to-html'
import {afterEach, describe, expect, it} from 'vitest'
import {ConfigError, loadConfig} from '../scripts/config/load-config.js'
import type {MarkdownConfig} from '../scripts/config/resolve-plugins.js'
import {createParsePool, type ParsePool} from '../scripts/parse/parse-pool.js'
import {tempDir} from './support/tools.js'

let dir: string
let pool: ParsePool | undefined
afterEach(async () => {
  await pool?.close()
  pool = undefined
  fs.rmSync(dir, {recursive: true, force: true})
})

/** A project folder with the given files (paths relative to it). */
function project(files: Record<string, string>): string {
  dir = tempDir()
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), {recursive: true})
    fs.writeFileSync(path.join(dir, name), text)
  }
  return dir
}

/** A one-file ESM package in the project's node_modules. */
function pkg(name: string, source: string): Record<string, string> {
  return {
    [`node_modules/${name}/package.json`]: JSON.stringify({name, type: 'module', exports: './index.js'}),
    [`node_modules/${name}/index.js`]: source
  }
}

/** A remark plugin that appends a paragraph saying its options. */
const remarkStamp = pkg(
  'remark-stamp',
  "export default function remarkStamp(options = {}) { return (tree) => { tree.children.push({type: 'paragraph', children: [{type: 'text', value: 'stamp:' + (options.word ?? 'none')}]}) } }\n"
)
/** A hostile rehype plugin: a script, a handler and a class on what it adds. */
const rehypeEvil = pkg(
  'rehype-evil',
  "export default function rehypeEvil() { return (tree) => { tree.children.push({type: 'element', tagName: 'script', properties: {}, children: [{type: 'text', value: 'alert(1)'}]}, {type: 'element', tagName: 'div', properties: {className: ['answer-box'], onClick: 'alert(2)'}, children: [{type: 'text', value: 'boxed'}]}) } }\n"
)

const article = '---\ntitle: T\n---\n\n## Contents\n\n## One\n\nText <div class="answer-box" onclick="alert(3)">inline box</div>\n'

async function errors(root: string): Promise<string[]> {
  const error = await loadConfig(root).then(
    () => undefined,
    (thrown: unknown) => thrown
  )
  expect(error).toBeInstanceOf(ConfigError)
  return (error as ConfigError).file.messages.map((message) => `${path.basename(message.file ?? '')}:${message.line}:${message.column}: ${message.ruleId}: ${message.reason}`)
}

async function parse(root: string, markdown: MarkdownConfig): Promise<{html: string; messages: string[]}> {
  pool = createParsePool({size: 1, processor: {root}})
  const {file, document} = await pool.parse({path: path.join(root, 'content', 'a.md'), name: 'a'}, {cwd: root, root}, markdown)
  return {html: document ? toHtml(document.tree) : '', messages: file.messages.map((message) => `${message.line}:${message.column}: ${message.ruleId}: ${message.reason}`)}
}

describe('config plugins (YAML)', () => {
  it('resolves a package from the project node_modules, with its options, and runs it in the worker after the built-in remark plugins', async () => {
    const root = project({
      ...remarkStamp,
      'handout.config.yaml': 'remarkPlugins:\n  - [remark-stamp, {word: hello}]\n',
      'content/a.md': article
    })
    const {markdown} = await loadConfig(root)
    expect(markdown.remarkPlugins).toEqual([{key: 'remarkPlugins.0', name: 'remark-stamp', url: `file://${fs.realpathSync(root)}/node_modules/remark-stamp/index.js`, options: {word: 'hello'}}])
    const {html} = await parse(root, markdown)
    expect(html).toContain('<p>stamp:hello</p>')
  })

  it('a package that is not installed is a config error at its line naming the key and the install command', async () => {
    const root = project({'handout.config.yaml': 'theme:\n  brandColor: teal\nrehypePlugins:\n  - rehype-nope\n'})
    expect(await errors(root)).toEqual([
      `handout.config.yaml:4:5: config-plugin-missing: Cannot find the plugin package \`rehype-nope\` (\`rehypePlugins.0\`) in the project: run \`npm install rehype-nope\` in ${root}`
    ])
  })

  it('a plugin written as something else is a schema error naming the key path', async () => {
    const root = project({'handout.config.yaml': 'remarkPlugins:\n  - {name: remark-toc}\n'})
    expect((await errors(root))[0]).toMatch(/^handout\.config\.yaml:2:5: yaml-schema: Invalid config `remarkPlugins\.0`: /)
  })

  it("still sanitises a rehype plugin's output: its script and handler go, its class too unless the config keeps it", async () => {
    const root = project({...rehypeEvil, 'handout.config.yaml': 'rehypePlugins: [rehype-evil]\n', 'content/a.md': article})
    const plain = await parse(root, (await loadConfig(root)).markdown)
    expect(plain.html).toMatch(/<div(?: class="")?>boxed<\/div>/)
    expect(plain.html).not.toMatch(/<script|alert|onclick|answer-box/i)
  })

  it('`sanitize.classes` keeps the listed classes on div (written or made by a plugin), and nothing else', async () => {
    const root = project({
      ...rehypeEvil,
      'handout.config.yaml': 'rehypePlugins: [rehype-evil]\nsanitize:\n  classes:\n    div: [answer-box]\n',
      'content/a.md': article.replace('inline box', 'inline box <span class="answer-box">s</span> <div class="other">o</div>')
    })
    const {html} = await parse(root, (await loadConfig(root)).markdown)
    expect(html).toContain('<div class="answer-box">boxed</div>')
    expect(html).toContain('<div class="answer-box">inline box')
    expect(html).toMatch(/<span(?: class="")?>s<\/span>/)
    expect(html).toMatch(/<div(?: class="")?>o<\/div>/)
    expect(html).not.toMatch(/<script|alert|onclick/i)
  })

  it('`sanitize.classes` is validated: an element the sanitiser drops, or a bad class name, is an error', async () => {
    expect((await errors(project({'handout.config.yaml': 'sanitize:\n  classes:\n    script: [x]\n'})))[0]).toMatch(
      /Invalid config `sanitize\.classes\.script`: expected an element the sanitiser keeps/
    )
    expect((await errors(project({'handout.config.yaml': 'sanitize:\n  classes:\n    div: ["a b"]\n'})))[0]).toMatch(/Invalid config `sanitize\.classes\.div\.0`: expected a CSS class name/)
  })

  it('a plugin that throws fails its source with a message naming the plugin, not the build', async () => {
    const root = project({
      ...pkg('remark-broken', "export default function remarkBroken() { return () => { throw new Error('no table of contents today') } }\n"),
      'handout.config.yaml': 'remarkPlugins: [remark-broken]\n',
      'content/a.md': article
    })
    const {html, messages} = await parse(root, (await loadConfig(root)).markdown)
    expect(html).toBe('')
    expect(messages).toEqual(['1:1: plugin-failed: The plugin `remark-broken` (`remarkPlugins.0` in the config) failed: no table of contents today'])
  })
})

describe('handout.config.mjs', () => {
  it('exports the same object; plugins may be functions, which the worker takes from the module itself', async () => {
    const root = project({
      ...remarkStamp,
      'handout.config.mjs':
        "import remarkStamp from 'remark-stamp'\nconst shout = () => (tree) => { tree.children.push({type: 'paragraph', children: [{type: 'text', value: 'from a function'}]}) }\nexport default {\n  theme: {brandColor: 'teal'},\n  remarkPlugins: [shout, [remarkStamp, {word: 'module'}], ['remark-stamp', {word: 'by-name'}]]\n}\n",
      'content/a.md': article
    })
    const {config, markdown} = await loadConfig(root)
    expect(config.theme?.brandColor).toBe('teal')
    expect(markdown.module).toMatch(/^file:.*handout\.config\.mjs\?mtime=/)
    expect(markdown.remarkPlugins.map((ref) => [ref.name, ref.fromModule])).toEqual([
      ['function', true],
      ['function', true],
      ['remark-stamp', true]
    ])
    const {html} = await parse(root, markdown)
    expect(html).toMatch(/<p>from a function<\/p>\s*<p>stamp:module<\/p>\s*<p>stamp:by-name<\/p>/)
  })

  it('is validated by the same schema: an unknown key is an error at its line with a "did you mean"', async () => {
    const root = project({'handout.config.mjs': "export default {\n  theme: {brandColour: 'teal'},\n}\n"})
    expect(await errors(root)).toEqual(['handout.config.mjs:2:11: yaml-unknown-key: Unknown config key `theme.brandColour`: did you mean `brandColor`?'])
  })

  it('both a YAML and a module config in one folder is an error', async () => {
    const root = project({'handout.config.yaml': 'publications: []\n', 'handout.config.mjs': 'export default {}\n'})
    expect(await errors(root)).toEqual([
      'handout.config.mjs:1:1: config-twice: Two project configs, `handout.config.yaml` and `handout.config.mjs`: keep one (move the settings into it and delete the other)'
    ])
  })
})

describe('YAML mistakes', () => {
  it('a value containing `: ` gets a hint to quote it, at its line and column', async () => {
    const root = project({'handout.config.yaml': 'publications:\n  - name: a\n    title: Why: a question\n    sources: content/*.md\n'})
    expect((await errors(root))[0]).toBe(
      'handout.config.yaml:3:12: yaml-syntax: Broken YAML config: Nested mappings are not allowed in compact mappings: a value containing `: ` must be quoted, e.g. `    title: "Why: a question"`'
    )
  })
})
