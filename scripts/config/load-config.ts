/**
 * Find and read the project config at the project root: `handout.config.yaml`
 * (or `.yml`) as data, or the default export of `handout.config.mjs` (or
 * `.js`), the publisher's own code, where plugins may be functions. Both are
 * validated by the same schema. Two configs in one folder are an error (which
 * one wins would be a guess). No file means no publications: every source is
 * its own handout.
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import {pathToFileURL} from 'node:url'
import {VFile} from 'vfile'
import {VFileMessage} from 'vfile-message'
import {configNames} from './project-root.js'
import {placeAt, placeInConfig} from './publication-place.js'
import {type MarkdownConfig, resolvePlugins} from './resolve-plugins.js'
import {closest, readYaml, unwrap} from './safe-yaml.js'
import {configSchema, type Config} from './schema.js'
import {ZodArray, ZodObject, ZodRecord, type z} from 'zod'

/** File name of the project config when there is none yet (messages about it, watch mode). */
export const configName = 'handout.config.yaml'

/** A loaded config, and the vfile that carries its messages. */
export interface LoadedConfig {
  config: Config
  /** `undefined` when there is no config file. */
  file?: VFile
  /** Plugins and sanitiser additions, resolved for the parse workers. */
  markdown: MarkdownConfig
}

const noMarkdown: MarkdownConfig = {remarkPlugins: [], rehypePlugins: [], classes: {}}

/** The config file of `root`: its path, or `undefined` when there is none. Throws `ConfigError` when there are two. */
export async function findConfigFile(root: string): Promise<string | undefined> {
  const found: string[] = []
  for (const name of configNames) {
    const candidate = path.join(root, name)
    if (
      await fs.stat(candidate).then(
        (stat) => stat.isFile(),
        () => false
      )
    )
      found.push(candidate)
  }
  if (found.length > 1) {
    const file = new VFile({path: found[1], cwd: root, value: ''})
    const names = found.map((item) => `\`${path.basename(item)}\``).join(' and ')
    file.message(`Two project configs, ${names}: keep one (move the settings into it and delete the other)`, {
      place: {line: 1, column: 1},
      ruleId: 'config-twice',
      source: 'handout:config'
    }).fatal = true
    throw new ConfigError(file)
  }
  return found[0]
}

/**
 * Read the config of `root`. Resolves with the config; rejects with a
 * `ConfigError` whose `file` carries `file:line:column` messages.
 */
export async function loadConfig(root: string): Promise<LoadedConfig> {
  const filePath = await findConfigFile(root)
  if (!filePath) return {config: configSchema.parse({}), markdown: noMarkdown}
  const file = new VFile({path: filePath, cwd: root, value: await fs.readFile(filePath, 'utf8')})
  try {
    const isModule = /\.(?:mjs|js)$/.test(filePath)
    // The query makes a watch session import an edited module again instead of the cached one.
    const moduleUrl = isModule ? `${pathToFileURL(filePath).href}?mtime=${(await fs.stat(filePath)).mtimeMs}` : undefined
    const config = moduleUrl ? await readModule(moduleUrl, file) : readYaml(String(file.value), configSchema, file, {firstLine: 1, origin: 'handout:config', label: 'config', unknownKeys: 'error'})
    const names = new Set<string>()
    for (const publication of config.publications) {
      if (names.has(publication.name)) {
        file.message(`Publication name \`${publication.name}\` is used twice: names must be unique`, {
          place: placeInConfig(String(file.value ?? ''), publication.name, {occurrence: 2}) ?? {line: 1, column: 1},
          ruleId: 'config-duplicate',
          source: 'handout:config'
        }).fatal = true
      }
      names.add(publication.name)
    }
    const markdown = resolvePlugins(config, root, file, moduleUrl)
    if (file.messages.some((message) => message.fatal)) throw new ConfigError(file)
    return {config, file, markdown}
  } catch (error) {
    if (error instanceof VFileMessage || error instanceof ConfigError) throw new ConfigError(file)
    throw error
  }
}

/**
 * Import a `.mjs`/`.js` config and validate its default export. Problems are
 * fatal messages on `file`, placed at the first mention of the key.
 */
async function readModule(url: string, file: VFile): Promise<Config> {
  const origin = 'handout:config'
  let exported: unknown
  try {
    exported = ((await import(url)) as {default?: unknown}).default
  } catch (error) {
    file.fail(`Cannot load the config module: ${(error as Error).message.split('\n')[0]}`, {place: {line: 1, column: 1}, ruleId: 'config-module', source: origin, cause: error as Error})
  }
  if (typeof exported !== 'object' || exported === null || Array.isArray(exported)) {
    file.fail('The config module must `export default {…}` an object (the same keys as `handout.config.yaml`)', {place: {line: 1, column: 1}, ruleId: 'config-module', source: origin})
  }
  checkObjectKeys(exported, configSchema, [], (key, keyPath, known) => {
    const hint = closest(key, known)
    const name = [...keyPath, key].join('.')
    file.message(`Unknown config key \`${name}\`${hint ? `: did you mean \`${hint}\`?` : `: use one of ${known.map((item) => `\`${item}\``).join(', ')}`}`, {
      place: placeOfKey(file, key),
      ruleId: 'yaml-unknown-key',
      source: origin
    }).fatal = true
  })
  const result = configSchema.safeParse(exported)
  if (!result.success) {
    for (const issue of result.error.issues) {
      const keyPath = issue.path.map(String)
      const last = [...keyPath].reverse().find((key) => !/^\d+$/.test(key))
      file.message(`Invalid config \`${keyPath.join('.')}\`: ${issue.message}`, {place: last ? placeOfKey(file, last) : {line: 1, column: 1}, ruleId: 'yaml-schema', source: origin}).fatal = true
    }
  }
  if (!result.success || file.messages.some((message) => message.fatal)) throw new ConfigError(file)
  return result.data
}

/** Call `unknown` for every key of a plain object (nested too) that its schema does not name. */
function checkObjectKeys(value: unknown, schema: z.ZodType, keyPath: string[], unknown: (key: string, keyPath: string[], known: string[]) => void): void {
  const inner = unwrap(schema)
  if (Array.isArray(value) && inner instanceof ZodArray) {
    for (const [index, item] of value.entries()) checkObjectKeys(item, inner.element as z.ZodType, [...keyPath, String(index)], unknown)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || inner instanceof ZodRecord || !(inner instanceof ZodObject)) return
  const shape = inner.shape as Record<string, z.ZodType>
  const known = Object.keys(shape)
  for (const [key, item] of Object.entries(value)) {
    if (known.includes(key)) checkObjectKeys(item, shape[key]!, [...keyPath, key], unknown)
    else unknown(key, keyPath, known)
  }
}

/** Where `key` is first written as a key in the module's text (else its start). */
function placeOfKey(file: VFile, key: string): {line: number; column: number} {
  const text = String(file.value ?? '')
  const match = new RegExp(`(^|[\\s{,'"])${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"]?\\s*:`, 'm').exec(text)
  if (!match) return {line: 1, column: 1}
  return placeAt(text, match.index + match[1]!.length)
}

/** The config file is unusable; `file.messages` say why and where. */
export class ConfigError extends Error {
  override name = 'ConfigError'
  /** The config file with its messages. */
  readonly file: VFile

  constructor(file: VFile) {
    super(`The config \`${path.basename(file.path || configName)}\` is invalid; see the messages above`)
    this.file = file
  }
}
