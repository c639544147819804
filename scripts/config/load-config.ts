/**
 * Find and read the project config, `handout.config.yaml` at the project
 * root. No file means no publications: every source is its own handout.
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import {VFile} from 'vfile'
import {VFileMessage} from 'vfile-message'
import {readYaml} from './safe-yaml.js'
import {configSchema, type Config} from './schema.js'

/** File name of the project config. */
export const configName = 'handout.config.yaml'

/** A loaded config, and the vfile that carries its messages. */
export interface LoadedConfig {
  config: Config
  /** `undefined` when there is no config file. */
  file?: VFile
}

/**
 * Read the config of `root`. Resolves with the config; rejects with a
 * `ConfigError` whose `file` carries `file:line:column` messages.
 */
export async function loadConfig(root: string): Promise<LoadedConfig> {
  const filePath = path.join(root, configName)
  let text: string
  try {
    text = await fs.readFile(filePath, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {config: configSchema.parse({})}
    throw error
  }
  const file = new VFile({path: filePath, cwd: root, value: text})
  try {
    const config = readYaml(text, configSchema, file, {firstLine: 1, origin: 'handout:config', label: 'config', unknownKeys: 'error'})
    const names = new Set<string>()
    for (const publication of config.publications) {
      if (names.has(publication.name)) {
        file.message(`Publication name \`${publication.name}\` is used twice: names must be unique`, {place: {line: 1, column: 1}, ruleId: 'config-duplicate', source: 'handout:config'}).fatal = true
      }
      names.add(publication.name)
    }
    if (file.messages.some((message) => message.fatal)) throw new ConfigError(file)
    return {config, file}
  } catch (error) {
    if (error instanceof VFileMessage || error instanceof ConfigError) throw new ConfigError(file)
    throw error
  }
}

/** The config file is unusable; `file.messages` say why and where. */
export class ConfigError extends Error {
  override name = 'ConfigError'
  /** The config file with its messages. */
  readonly file: VFile

  constructor(file: VFile) {
    super(`The config \`${configName}\` is invalid; see the messages above`)
    this.file = file
  }
}
