/**
 * The README documents every front matter key and every CLI option, with the
 * schema's own words: docs that match the code.
 */
import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {helpText} from '../scripts/cli/args.js'
import {configSchema, frontMatterSchema, sanitizeSchema, themeSchema} from '../scripts/config/schema.js'
import {repo} from './support/tools.js'

const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8')

describe('README', () => {
  it('lists every theme key of the config with its schema description', () => {
    for (const [key, schema] of Object.entries(themeSchema.shape)) {
      expect(readme, key).toContain(`| \`${key}\` | ${schema.description} |`)
    }
  })

  it('lists the plugin and sanitiser keys of the config with their schema descriptions', () => {
    for (const key of ['remarkPlugins', 'rehypePlugins', 'sanitize'] as const) {
      expect(readme, key).toContain(`| \`${key}\` | ${configSchema.shape[key].description} |`)
    }
    expect(readme).toContain(`| \`sanitize.classes\` | ${sanitizeSchema.shape.classes.description} |`)
  })

  it('lists every front matter key with its schema description', () => {
    for (const [key, schema] of Object.entries(frontMatterSchema.shape)) {
      expect(readme, key).toContain(`| \`${key}\` | ${schema.description} |`)
    }
  })

  it('documents every option of the CLI help', () => {
    const options = [...helpText().matchAll(/^ {2}(?:-[a-z], )?(--[a-z-]+)/gm)].map((match) => match[1]!)
    expect(options.length).toBeGreaterThan(5)
    for (const option of options) expect(readme, option).toContain(`\`${option}`)
  })

  it('gives the two set-up commands that .ci/run and package.json back', () => {
    expect(readme).toContain('npm run setup')
    expect(readme).toContain('npm test')
    expect(fs.readFileSync(path.join(repo, '.ci', 'run'), 'utf8')).toMatch(/^npm test\b/m)
  })
})
