/**
 * `handout eject`: the package's template files copied into a project's
 * `templates/` for editing, never over a file the project has.
 */
import fs from 'node:fs'
import path from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {parseCommandLine} from '../scripts/cli/args.js'
import {ejectTemplates, packageTemplateFiles} from '../scripts/cli/eject-templates.js'
import {repo, tempDir} from './support/tools.js'

let dir: string
afterEach(() => fs.rmSync(dir, {recursive: true, force: true}))

describe('eject', () => {
  it('copies every template file, nested ones too, byte for byte', async () => {
    dir = tempDir()
    const templates = path.join(dir, 'templates')
    const report = await ejectTemplates(templates)
    const all = await packageTemplateFiles()
    expect(all).toEqual(expect.arrayContaining(['print.html', 'print.css', 'partials/page.css', 'labels.yaml']))
    expect(report).toEqual({written: all, skipped: []})
    for (const name of all) expect(fs.readFileSync(path.join(templates, name)), name).toEqual(fs.readFileSync(path.join(repo, 'templates', name)))
  })

  it('copies only the named files and skips, unchanged, those the project has', async () => {
    dir = tempDir()
    const templates = path.join(dir, 'templates')
    fs.mkdirSync(templates)
    fs.writeFileSync(path.join(templates, 'print.css'), 'h1 { color: red }\n')
    const report = await ejectTemplates(templates, ['print.css', 'partials/page.css'])
    expect(report).toEqual({written: ['partials/page.css'], skipped: ['print.css']})
    expect(fs.readFileSync(path.join(templates, 'print.css'), 'utf8')).toBe('h1 { color: red }\n')
    expect(fs.readdirSync(templates).sort()).toEqual(['partials', 'print.css'])
  })

  it('refuses a name the package does not have, with a suggestion', async () => {
    dir = tempDir()
    await expect(ejectTemplates(path.join(dir, 'templates'), ['print.csss'])).rejects.toThrow('The package has no template `print.csss`: did you mean `print.css`?')
    await expect(ejectTemplates(path.join(dir, 'templates'), ['page.css'])).rejects.toThrow('did you mean `partials/page.css`?')
    expect(fs.existsSync(path.join(dir, 'templates'))).toBe(false)
  })

  it('is a command that writes into the project root found upward', () => {
    dir = tempDir()
    fs.writeFileSync(path.join(dir, 'handout.config.yaml'), '')
    fs.mkdirSync(path.join(dir, 'content'))
    expect(parseCommandLine(['eject', 'print.css'], {cwd: path.join(dir, 'content'), browser: undefined, sourceDateEpoch: undefined})).toEqual({
      command: 'eject',
      files: ['print.css'],
      templatesDir: path.join(dir, 'templates')
    })
  })
})
