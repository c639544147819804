/**
 * Read a file a source names in its front matter (a bibliography, a citation
 * style): relative to the Markdown file, by real path (symlinks followed, then
 * checked) inside the project root, within a size limit. The same rules as
 * images (`load-image.ts`), for text.
 */
import fs from 'node:fs'
import path from 'node:path'

/** A file's text, or why it cannot be used (a message for the author). */
export type LoadedFile = ({ok: true; text: string; real: string} | {ok: false; reason: string; ruleId: string}) & {
  /** The file it looked at (resolved, not followed) and the text read there, for the build cache (`file-reads.ts`). */
  read?: {path: string; text?: string}
}

/** Load `relative` from the folder `base` inside `root`, at most `maxBytes` (default: 4 MiB). */
export function loadProjectFile(relative: string, base: string, root: string, maxBytes = 4 * 1024 * 1024): LoadedFile {
  let read: LoadedFile['read']
  const fail = (reason: string, ruleId: string): LoadedFile => ({ok: false, reason, ruleId, ...(read ? {read} : {})})
  const realRoot = fs.realpathSync(root)
  if (relative.includes('\0')) return fail(`\`${relative}\` is not a file name`, 'file-path')
  if (path.isAbsolute(relative) || /^[a-z][a-z0-9+.-]*:/i.test(relative)) return fail(`\`${relative}\` is absolute or a URL: use a path relative to the Markdown file`, 'file-outside')
  read = {path: path.resolve(base, relative)}
  let real: string
  try {
    real = fs.realpathSync(read.path)
  } catch {
    return fail(`Cannot find \`${relative}\` (looked for \`${path.relative(realRoot, path.resolve(base, relative))}\`)`, 'file-missing')
  }
  if (!real.startsWith(realRoot + path.sep)) return fail(`\`${relative}\` is outside the project: copy it into the project folder`, 'file-outside')
  try {
    const stat = fs.statSync(real)
    if (!stat.isFile()) return fail(`\`${relative}\` is not a file`, 'file-missing')
    if (stat.size > maxBytes) return fail(`\`${relative}\` is ${stat.size} bytes, over the limit of ${maxBytes}`, 'file-too-large')
    read.text = fs.readFileSync(real, 'utf8')
    return {ok: true, text: read.text, real, read}
  } catch (error) {
    return fail(`Cannot read \`${relative}\`: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'file-unreadable')
  }
}
