/**
 * The publisher's remark and rehype plugins, imported where the processor is
 * built (a parse worker): a package by the file URL it was resolved to from
 * the project root, a function from the config module's default export.
 * Each is guarded: a plugin that throws fails the source it was given with a
 * message naming the plugin, never the build.
 */
import type {Pluggable, Plugin, PluggableList, Transformer} from 'unified'
import type {VFile} from 'vfile'
import {VFileMessage} from 'vfile-message'
import type {MarkdownConfig, PluginRef} from '../config/resolve-plugins.js'

/** Loaded plugins, ready for `createProcessor`. */
export interface UserPlugins {
  remark: PluggableList
  rehype: PluggableList
}

/** Import the plugins `markdown` names. Throws, naming the config key, when one cannot be loaded. */
export async function loadUserPlugins(markdown: MarkdownConfig | undefined): Promise<UserPlugins> {
  if (!markdown || (markdown.remarkPlugins.length === 0 && markdown.rehypePlugins.length === 0)) return {remark: [], rehype: []}
  const exported = markdown.module ? (((await import(markdown.module)) as {default?: Record<string, unknown>}).default ?? {}) : {}
  const load = async (ref: PluginRef, list: 'remarkPlugins' | 'rehypePlugins'): Promise<Pluggable> => {
    let plugin: unknown
    let options = ref.options
    if (ref.fromModule) {
      const entry = (exported[list] as unknown[] | undefined)?.[Number(ref.key.split('.')[1])]
      ;[plugin, options] = Array.isArray(entry) ? entry : [entry, undefined]
    }
    if (typeof plugin !== 'function' && ref.url) {
      try {
        plugin = ((await import(ref.url)) as {default?: unknown}).default
      } catch (error) {
        throw new Error(`Cannot load the plugin \`${ref.name}\` (\`${ref.key}\` in the config): ${(error as Error).message.split('\n')[0]}`, {cause: error})
      }
    }
    if (typeof plugin !== 'function') throw new Error(`The plugin \`${ref.name}\` (\`${ref.key}\` in the config) is no unified plugin: its default export must be a function`)
    const guarded = guard(plugin as Plugin<unknown[]>, ref)
    return options === undefined ? guarded : [guarded, options]
  }
  return {
    remark: await Promise.all(markdown.remarkPlugins.map((ref) => load(ref, 'remarkPlugins'))),
    rehype: await Promise.all(markdown.rehypePlugins.map((ref) => load(ref, 'rehypePlugins')))
  }
}

/** `plugin`, with what it throws (set up or transform) made a fatal message on the source. */
function guard(plugin: Plugin<unknown[]>, ref: PluginRef): Plugin<unknown[]> {
  const fail = (file: VFile, error: unknown): never => {
    // A plugin that reports with `file.fail()` already said why, at its own place.
    if (error instanceof VFileMessage && file.messages.includes(error)) throw error
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error)
    return file.fail(`The plugin \`${ref.name}\` (\`${ref.key}\` in the config) failed: ${reason}`, {
      place: {line: 1, column: 1},
      ruleId: 'plugin-failed',
      source: 'handout:plugins',
      ...(error instanceof Error ? {cause: error} : {})
    })
  }
  return function (this: unknown, ...parameters: unknown[]) {
    let transformer: Transformer | undefined
    try {
      transformer = plugin.apply(this as never, parameters) as Transformer | undefined
    } catch (error) {
      return (_tree: unknown, file: VFile) => fail(file, error)
    }
    if (typeof transformer !== 'function') return transformer
    const transform = transformer
    // Called with two arguments: a transformer that wants a callback gets one here.
    return async (tree: never, file: VFile) => {
      try {
        if (transform.length > 2) {
          return await new Promise<unknown>((resolve, reject) => {
            transform(tree, file, (error, result) => {
              if (error) reject(error)
              else resolve(result)
            })
          })
        }
        return await transform(tree, file, () => undefined)
      } catch (error) {
        return fail(file, error)
      }
    }
  } as Plugin<unknown[]>
}
