/**
 * The project config: found upward from the working directory, and read
 * strictly (an unknown key is an error at its line and column, with a
 * "did you mean").
 */
import fs from 'node:fs'
import path from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {ConfigError, loadConfig} from '../scripts/config/load-config.js'
import {findProjectRoot} from '../scripts/config/project-root.js'
import {tempDir} from './support/tools.js'

let dir: string
afterEach(() => fs.rmSync(dir, {recursive: true, force: true}))

async function configErrors(text: string): Promise<string[]> {
  dir = tempDir()
  fs.writeFileSync(path.join(dir, 'handout.config.yaml'), text)
  const error = await loadConfig(dir).then(
    () => undefined,
    (thrown: unknown) => thrown
  )
  expect(error).toBeInstanceOf(ConfigError)
  return (error as ConfigError).file.messages.map((message) => `${message.line}:${message.column}: ${message.fatal ? 'error' : 'warning'}: ${message.reason}`)
}

describe('loadConfig', () => {
  it('places a publication name used twice at its second use', async () => {
    const config = 'publications:\n  - name: bk\n    title: B\n    sources: content/*.md\n  - name: bk\n    title: C\n    sources: content/*.md\n'
    expect(await configErrors(config)).toEqual(['5:5: error: Publication name `bk` is used twice: names must be unique'])
  })

  it('fails on an unknown top-level key with its place and a suggestion', async () => {
    expect(await configErrors('publication:\n  - name: a\n')).toEqual(['1:1: error: Unknown config key `publication`: did you mean `publications`?'])
  })

  it('fails on an unknown key inside a publication, naming its key path', async () => {
    const errors = await configErrors('publications:\n  - name: a\n    titel: A\n    sources: content/*.md\n')
    expect(errors[0]).toBe('3:5: error: Unknown config key `publications.0.titel`: did you mean `title`?')
  })

  it('lists the known keys when nothing is close', async () => {
    expect((await configErrors('plugins: []\n'))[0]).toMatch(/^1:1: error: Unknown config key `plugins`: use one of `publications`/)
  })
})

describe('findProjectRoot', () => {
  it('is the folder of the nearest handout.config.* above, else the working directory', () => {
    dir = tempDir()
    fs.mkdirSync(path.join(dir, 'project', 'content', 'deep'), {recursive: true})
    expect(findProjectRoot(path.join(dir, 'project', 'content', 'deep'))).toBe(path.join(dir, 'project', 'content', 'deep'))
    fs.writeFileSync(path.join(dir, 'project', 'handout.config.yaml'), 'publications: []\n')
    expect(findProjectRoot(path.join(dir, 'project', 'content', 'deep'))).toBe(path.join(dir, 'project'))
    expect(findProjectRoot(path.join(dir, 'project'))).toBe(path.join(dir, 'project'))
  })
})
