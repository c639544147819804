/**
 * The config's remark and rehype plugins, resolved on the main thread into
 * what a parse worker can import: plugin functions cannot cross a thread, so
 * a package becomes the file URL it resolves to from the PROJECT root (the
 * user's `node_modules`, not ours), and a function in a `.mjs`/`.js` config
 * becomes its place in that module, which the worker imports itself.
 */
import path from 'node:path'
import {pathToFileURL} from 'node:url'
import {resolve} from 'import-meta-resolve'
import type {VFile} from 'vfile'
import type {Config, PluginEntry} from './schema.js'

/** One plugin as a parse worker loads it. */
export interface PluginRef {
  /** Key path in the config, e.g. `remarkPlugins.0` (messages name it). */
  key: string
  /** The package name, or `function` for a plugin given as a function. */
  name: string
  /** File URL of the package's entry (absent for a function). */
  url?: string
  /** Options of a YAML entry (plain data). A module's entry keeps its own. */
  options?: unknown
  /** The entry is taken from the config module's default export (`.mjs`/`.js` config). */
  fromModule?: boolean
}

/** What the Markdown processor takes from the config: data only, so it can be posted to a worker. */
export interface MarkdownConfig {
  /** File URL of a `.mjs`/`.js` config whose `remarkPlugins`/`rehypePlugins` the worker reads. */
  module?: string
  remarkPlugins: PluginRef[]
  rehypePlugins: PluginRef[]
  /** Classes the sanitiser keeps, by element (the config's `sanitize.classes`). */
  classes: Record<string, string[]>
  /** Kicker of articles whose front matter sets none (the config's `theme.kicker`). */
  kicker?: string
  /** Language of articles whose front matter sets none (`--lang`, else the config's `lang`; see `planBuild`). */
  lang?: string
}

/**
 * Resolve the config's plugins from `root`. A package that is not installed
 * is a fatal message on `file` at the line naming it (the caller then throws
 * `ConfigError`). `moduleUrl` is the config module's URL for a `.mjs`/`.js` config.
 */
export function resolvePlugins(config: Config, root: string, file: VFile, moduleUrl?: string): MarkdownConfig {
  // Resolution starts in the root folder, as `import` in a file there would.
  const parent = pathToFileURL(path.join(root, 'handout.config.mjs')).href
  const refs = (list: 'remarkPlugins' | 'rehypePlugins') =>
    config[list].map((entry, index): PluginRef => {
      const key = `${list}.${index}`
      const [plugin, options] = Array.isArray(entry) ? (entry as [PluginEntry, unknown]) : [entry, undefined]
      const ref: PluginRef = {key, name: typeof plugin === 'string' ? plugin : 'function'}
      if (moduleUrl) ref.fromModule = true
      else if (options !== undefined) ref.options = options
      if (typeof plugin !== 'string') return ref
      try {
        ref.url = resolve(plugin, parent)
      } catch (error) {
        const install = plugin.startsWith('@') ? plugin.split('/').slice(0, 2).join('/') : plugin.split('/')[0]
        const code = (error as NodeJS.ErrnoException).code
        const reason =
          code === 'ERR_MODULE_NOT_FOUND'
            ? `Cannot find the plugin package \`${plugin}\` (\`${key}\`) in the project: run \`npm install ${install}\` in ${root}`
            : `Cannot resolve the plugin \`${plugin}\` (\`${key}\`): ${(error as Error).message.split('\n')[0]}`
        file.message(reason, {place: placeOf(file, plugin), ruleId: 'config-plugin-missing', source: 'handout:config', cause: error as Error}).fatal = true
      }
      return ref
    })
  return {
    ...(moduleUrl ? {module: moduleUrl} : {}),
    remarkPlugins: refs('remarkPlugins'),
    rehypePlugins: refs('rehypePlugins'),
    classes: config.sanitize?.classes ?? {},
    ...(config.theme?.kicker ? {kicker: config.theme.kicker} : {})
  }
}

/** Line and column of the first mention of `name` in the config text (else its start). */
function placeOf(file: VFile, name: string): {line: number; column: number} {
  const text = String(file.value ?? '')
  const offset = text.search(new RegExp(`(["'\\s\\[])${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\1?`))
  if (offset < 0) return {line: 1, column: 1}
  const before = text.slice(0, offset + 1)
  const line = before.split('\n').length
  return {line, column: offset + 2 - (before.lastIndexOf('\n') + 1)}
}
