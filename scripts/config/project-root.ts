/**
 * Where the project is: the folder of the nearest `handout.config.*` at or
 * above the working directory (as ESLint and Vite find theirs), else the
 * working directory itself. Sources, images, fonts and the output folder are
 * resolved inside it.
 */
import fs from 'node:fs'
import path from 'node:path'

/** Config file names that mark a project root, in the order they are looked for. */
export const configNames = ['handout.config.yaml', 'handout.config.yml', 'handout.config.mjs', 'handout.config.js'] as const

/** The project root for a command run in `cwd` (an absolute path). */
export function findProjectRoot(cwd: string): string {
  let dir = path.resolve(cwd)
  for (;;) {
    if (configNames.some((name) => fs.existsSync(path.join(dir, name)))) return dir
    const parent = path.dirname(dir)
    if (parent === dir) return path.resolve(cwd)
    dir = parent
  }
}
