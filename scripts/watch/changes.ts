/**
 * Change collection for watch mode: file events are sorted into what they
 * touch (a source or image, the templates, the config), bursts are debounced
 * into one rebuild, and rebuilds never overlap: changes made during one are
 * gathered into exactly one more.
 */
import path from 'node:path'
import {watch as watchFiles} from 'chokidar'

/** What has changed since the last rebuild started. */
export interface Pending {
  /** Changed source and image paths (absolute). */
  files: Set<string>
  templates: boolean
  config: boolean
}

/** Options of `collectChanges`. */
export interface CollectOptions {
  root: string
  /** Folders and files to watch (absolute). */
  inputs: string[]
  templatesDir: string
  configPath: string
  outDir: string
  /** Quiet time after the last event before a rebuild starts, in ms (at least `minDebounce`). */
  debounce: number
  /** Is this file one a source uses (an image)? */
  isDependency: (file: string) => boolean
  /** Run one rebuild with what changed; the loop calls it again while changes keep coming. */
  rebuild: (pending: Pending) => Promise<void>
  onError: (error: Error) => void
}

/** The file watcher and the rebuild loop. */
export interface ChangeCollector {
  /** Resolves once the file watcher lists its files. */
  ready: Promise<void>
  /** Run `first` now (the initial build), then whatever changed during it. */
  runFirst(first: () => Promise<void>): Promise<void>
  /**
   * Watch more files (images, which may live outside the watched folders). Waits
   * until the watcher lists them: an edit made before its watch is in place would be lost.
   */
  add(files: string[]): Promise<void>
  /** Keep paths for the next rebuild, which another change starts (a rebuild that could not finish). */
  defer(files: Iterable<string>): void
  /** Resolves when no change is waiting and no rebuild is running. */
  idle(): Promise<void>
  /** Stop watching and wait for a rebuild under way. */
  close(): Promise<void>
}

/**
 * The shortest quiet time: chokidar drops a file's second `change` event when it
 * comes within 50 ms of the first. A rebuild that read the file inside that
 * window would miss the second save for good; one that starts later reads it.
 */
export const minDebounce = 60

/** Watch files and run `options.rebuild` after each burst of changes. */
export function collectChanges(options: CollectOptions): ChangeCollector {
  const debounce = Math.max(options.debounce, minDebounce)
  const pending: Pending = {files: new Set(), templates: false, config: false}
  /** Paths a rebuild could not finish: retried with the next change, never on their own. */
  const deferred = new Set<string>()
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  let closed = false
  let idleWaiters: Array<() => void> = []
  const waiting = () => pending.files.size > 0 || pending.templates || pending.config
  const take = (): Pending => {
    const taken = {files: new Set([...pending.files, ...deferred]), templates: pending.templates, config: pending.config}
    pending.files.clear()
    deferred.clear()
    pending.templates = false
    pending.config = false
    return taken
  }
  const notifyIdle = () => {
    if (timer || running || waiting()) return
    const waiters = idleWaiters
    idleWaiters = []
    for (const resolve of waiters) resolve()
  }
  // One loop runs rebuilds; a change during one is picked up by the same loop right
  // after it, as one more rebuild, unless more events are still arriving.
  const loop = (first?: () => Promise<void>) => {
    running = (async () => {
      if (first) await first()
      while (!closed && !timer && waiting()) await options.rebuild(take())
    })().finally(() => {
      running = undefined
      notifyIdle()
    })
    return running
  }
  const schedule = () => {
    if (closed) return
    clearTimeout(timer)
    timer = setTimeout(() => {
      timer = undefined
      if (running || closed) return
      loop().catch((error: unknown) => options.onError(error as Error))
    }, debounce)
  }

  const files = watchSources(options, pending, schedule)

  return {
    ready: new Promise<void>((resolve) => files.once('ready', () => resolve())),
    runFirst: (first) => loop(first),
    async add(added) {
      files.add(added)
      const listed = (file: string) => files.getWatched()[path.dirname(file)]?.includes(path.basename(file)) ?? false
      for (const deadline = performance.now() + 2000; performance.now() < deadline && !added.every(listed); ) {
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    },
    defer(files) {
      for (const file of files) deferred.add(file)
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve)
        notifyIdle()
      })
    },
    async close() {
      closed = true
      clearTimeout(timer)
      timer = undefined
      await files.close()
      // Its failure was already reported (or is being thrown by `watch()` itself).
      await running?.catch(() => {})
      notifyIdle()
    }
  }
}

/** The chokidar watcher: sorts each event into `pending`, then calls `schedule`. */
function watchSources(options: CollectOptions, pending: Pending, schedule: () => void) {
  const inside = (file: string, dir: string) => file === dir || file.startsWith(dir + path.sep)
  const files = watchFiles([...options.inputs, options.templatesDir, options.configPath], {
    ignoreInitial: true,
    // Editors that save by write-temp-and-rename briefly delete the file: report a change, not a delete.
    atomic: true,
    // Our own outputs (when the output folder is inside a watched one), dependencies and Git's internals.
    ignored: (file) => inside(path.resolve(options.root, file), options.outDir) || /[\\/](node_modules|\.git)([\\/]|$)/.test(file)
  })
  files.on('all', (event, file) => {
    const absolute = path.resolve(options.root, file)
    if (inside(absolute, options.templatesDir)) pending.templates = true
    else if (absolute === options.configPath) pending.config = true
    else if (options.isDependency(absolute) || /\.(md|markdown)$/i.test(absolute) || event === 'addDir' || event === 'unlinkDir') pending.files.add(absolute)
    // Anything else (editor swap files, unrelated files) is not ours to rebuild for.
    else return
    schedule()
  })
  files.on('error', (error) => options.onError(error as Error))
  return files
}
