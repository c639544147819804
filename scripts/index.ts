/**
 * The public API. Everything else under `scripts/` is internal.
 */
export {build, createBuilder} from './pipeline/build.js'
export type {BrowserEnvironment, BuildEvent, BuildHooks, BuildReport, Builder, OutputReport, SourceReport} from './pipeline/build.js'
export type {PublicationReport} from './pipeline/book.js'
export {ConfigError, loadConfig} from './config/load-config.js'
export {buildOptionsSchema, configSchema, frontMatterSchema, publicationSchema, resolveBuildOptions} from './config/schema.js'
export type {BuildOptions, BuildOptionsInput, Config, Format, FrontMatter, PageSize, Publication} from './config/schema.js'
export {findSources} from './content/find-sources.js'
export type {SourceEntry} from './content/find-sources.js'
export type {Document} from './core/types.js'
export {watch} from './watch/session.js'
export type {Rebuild, WatchEvent, WatchHooks, WatchOptions, WatchOptionsInput, Watcher} from './watch/session.js'
