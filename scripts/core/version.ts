/**
 * The tool's name and version, read once from package.json: PDF Creator and
 * EPUB generator say which version made them.
 */
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

/**
 * The package's own manifest: the nearest `package.json` above this module, as
 * compiled (`lib/core/`), bundled (`lib/`) or run from source (`scripts/core/`).
 */
function readManifest(): {name: string; version: string; bin?: Record<string, string>; dir: string} {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const file = path.join(dir, 'package.json')
    if (fs.existsSync(file)) return {...(JSON.parse(fs.readFileSync(file, 'utf8')) as {name: string; version: string; bin?: Record<string, string>}), dir}
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error(`Cannot find the package.json of handout-press above \`${fileURLToPath(import.meta.url)}\`: reinstall the package`)
    dir = parent
  }
}

const manifest = readManifest()

/** Package name. */
export const toolName = manifest.name
/** The command users type: the package's `bin` (`handout`), which usage lines and messages name. */
export const commandName = Object.keys(manifest.bin ?? {})[0] ?? manifest.name
/** Package version. */
export const toolVersion = manifest.version
/**
 * The installed package's folder (a checkout, or `node_modules/handout-press`):
 * its default `templates/` and `preview/` are found from here, never from the
 * working directory.
 */
export const packageDir = manifest.dir
/** `name version`, as written into outputs. */
export const generator = `${toolName} ${toolVersion}`
