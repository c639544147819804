/**
 * `handout eject [file...]`: copy the package's template files (all, or the
 * named ones) into the project's `templates/`, to edit them there. A file the
 * project has already is never overwritten: it is reported as skipped.
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import {closest} from '../config/safe-yaml.js'
import {packageTemplatesDir} from '../render/templates.js'

/** What `ejectTemplates` did, by path relative to the templates folder. */
export interface EjectReport {
  written: string[]
  /** Already in the project: left as they are. */
  skipped: string[]
}

/** Every template file of the package, relative to its templates folder, sorted. */
export async function packageTemplateFiles(from = packageTemplatesDir): Promise<string[]> {
  const entries = await fs.readdir(from, {recursive: true, withFileTypes: true})
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(from, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort()
}

/**
 * Copy `names` (default: every file) into `templatesDir`. Throws for a name
 * the package does not have, with a "did you mean".
 */
export async function ejectTemplates(templatesDir: string, names: string[] = [], from = packageTemplatesDir): Promise<EjectReport> {
  const all = await packageTemplateFiles(from)
  for (const name of names) {
    if (all.includes(name)) continue
    const hint = closest(name, all) ?? all.find((file) => path.posix.basename(file) === name)
    throw new Error(`The package has no template \`${name}\`: ${hint ? `did you mean \`${hint}\`?` : `use one of ${all.map((file) => `\`${file}\``).join(', ')}`}`)
  }
  const report: EjectReport = {written: [], skipped: []}
  for (const name of names.length > 0 ? names : all) {
    const target = path.join(templatesDir, name)
    await fs.mkdir(path.dirname(target), {recursive: true})
    try {
      // `COPYFILE_EXCL`: an existing file (the project's own edit) is never replaced.
      await fs.copyFile(path.join(from, name), target, fs.constants.COPYFILE_EXCL)
      report.written.push(name)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      report.skipped.push(name)
    }
  }
  return report
}
