/**
 * The public API. Everything else under `scripts/` is internal.
 */

export {ConfigError, loadConfig} from './config/load-config.js'
export type {BuildOptions, BuildOptionsInput, Config, Format, FrontMatter, PageSize, Publication, WrittenPublication} from './config/schema.js'
export {buildOptionsSchema, configSchema, frontMatterSchema, publicationSchema, resolveBuildOptions} from './config/schema.js'
export type {SourceEntry} from './content/find-sources.js'
export {findSources, SourcePathError} from './content/find-sources.js'
export {OutDirError} from './output/out-dir.js'
export {PlanError} from './pipeline/plan.js'
export type {Document} from './core/types.js'
export type {BrowserEnvironment, BuildEvent, BuildHooks, BuildReport, Builder, OutputReport, PublicationReport, SourceReport} from './pipeline/build.js'
export {build, createBuilder} from './pipeline/build.js'
export type {Rebuild, WatchEvent, WatchHooks, WatchOptions, WatchOptionsInput, Watcher} from './watch/session.js'
export {watch} from './watch/session.js'
