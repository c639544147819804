/**
 * Change collection for watch mode: file events are sorted into what they
 * touch (a source or image, the templates, the config), bursts are debounced
 * into one rebuild, and rebuilds never overlap: changes made during one are
 * gathered into exactly one more. A save the file watcher never reported is
 * found by reading the changed files again after each rebuild.
 */
import {createHash} from 'node:crypto'
import fs from 'node:fs/promises'
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
  /** Quiet time after the last event before a rebuild starts, in ms. */
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
 * How long after a file's event chokidar may stay silent about its next save:
 * it drops a file's second `change` event when it comes within 50 ms of the
 * first (and a raw event within 5 ms of the one before). A rebuild that read
 * the file inside that window would never hear of that save; so after each
 * rebuild, once this long has passed since the last event it took, the files
 * it took are read again, and any that differ from what they were when it
 * started are rebuilt (`changedSince`).
 */
export const eventWindow = 60

/** What kind of input an event touched. */
type Touched = 'file' | 'templates' | 'config'

/** What waits for the next rebuild: the pending changes, and which paths had events since the last one started. */
class Gathered {
  readonly pending: Pending = {files: new Set(), templates: false, config: false}
  /** Paths with an event since the last `take`: what they touch and when (the latest event). */
  private readonly touched = new Map<string, {kind: Touched; at: number}>()
  /** Paths a rebuild could not finish: retried with the next change, never on their own. */
  readonly deferred = new Set<string>()

  waiting(): boolean {
    return this.pending.files.size > 0 || this.pending.templates || this.pending.config
  }

  note(file: string, kind: Touched): void {
    if (kind === 'templates') this.pending.templates = true
    else if (kind === 'config') this.pending.config = true
    else this.pending.files.add(file)
    this.touched.set(file, {kind, at: performance.now()})
  }

  /** Everything pending, for one rebuild, with the touched files' contents as they are now (before it reads them). */
  async take(): Promise<{taken: Pending; checks: Check[]}> {
    const {pending} = this
    const taken = {files: new Set([...pending.files, ...this.deferred]), templates: pending.templates, config: pending.config}
    const checks = [...this.touched].map(([file, {kind, at}]) => ({file, kind, at, before: ''}))
    pending.files.clear()
    this.deferred.clear()
    this.touched.clear()
    pending.templates = false
    pending.config = false
    for (const check of checks) check.before = await fingerprint(check.file)
    return {taken, checks}
  }
}

/** Once `eventWindow` has passed since the last of `checks`' events: those whose files differ now from when their rebuild took them. */
async function changedSince(checks: Check[]): Promise<Check[]> {
  if (checks.length === 0) return []
  const wait = Math.max(...checks.map((check) => check.at)) + eventWindow - performance.now()
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
  const changed: Check[] = []
  for (const check of checks) if ((await fingerprint(check.file)) !== check.before) changed.push(check)
  return changed
}

/** Watch files and run `options.rebuild` after each burst of changes. */
export function collectChanges(options: CollectOptions): ChangeCollector {
  const debounce = Math.max(options.debounce, 0)
  const gathered = new Gathered()
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  let closed = false
  let idleWaiters: Array<() => void> = []
  const notifyIdle = () => {
    if (timer || running || gathered.waiting()) return
    const waiters = idleWaiters
    idleWaiters = []
    for (const resolve of waiters) resolve()
  }
  // One loop runs rebuilds; a change during one is picked up by the same loop right
  // after it, as one more rebuild, unless more events are still arriving.
  const loop = (first?: () => Promise<void>) => {
    running = (async () => {
      if (first) await first()
      while (!closed && !timer && gathered.waiting()) {
        const {taken, checks} = await gathered.take()
        await options.rebuild(taken)
        // A save chokidar did not report (see `eventWindow`) is pending again.
        for (const check of await changedSince(checks)) if (!closed) gathered.note(check.file, check.kind)
      }
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

  const files = watchSources(options, (file, kind) => {
    gathered.note(file, kind)
    schedule()
  })

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
      for (const file of files) gathered.deferred.add(file)
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

/** A file changed since a rebuild started: what it took (path, kind, last event) and the file's content then. */
interface Check {
  file: string
  kind: Touched
  at: number
  before: string
}

/** A file's content as a hash; a folder or a missing file as such. */
async function fingerprint(file: string): Promise<string> {
  try {
    return createHash('sha256')
      .update(await fs.readFile(file))
      .digest('hex')
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EISDIR' ? 'folder' : 'missing'
  }
}

/** The chokidar watcher: passes each event that touches an input to `touch`, with what it touches. */
function watchSources(options: CollectOptions, touch: (file: string, kind: Touched) => void) {
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
    if (inside(absolute, options.templatesDir)) touch(absolute, 'templates')
    else if (absolute === options.configPath) touch(absolute, 'config')
    else if (options.isDependency(absolute) || /\.(md|markdown)$/i.test(absolute) || event === 'addDir' || event === 'unlinkDir') touch(absolute, 'file')
    // Anything else (editor swap files, unrelated files) is not ours to rebuild for.
  })
  files.on('error', (error) => options.onError(error as Error))
  return files
}
