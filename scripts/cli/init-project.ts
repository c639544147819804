/**
 * `handout init [dir]`: a small working project to start from: an example
 * article, a commented config, and a `.gitignore` for the outputs and the
 * cache. Existing files are never overwritten.
 */
import fs from 'node:fs/promises'
import path from 'node:path'

const article = `---
title: What is a handout?
subtitle: An example article to edit or replace
kicker: Explainer
date: 2024-04-05
publisher: My Press
lang: en
---

## What does this file show?

Each \`##\` question becomes a bookmark in the PDF and an entry in the EPUB's
table of contents. *Emphasis*, **strong text**, [links](https://example.org)
and footnotes[^1] work as in any Markdown.

## Can it have tables?

| Format | For |
| --- | --- |
| PDF | printing, A4 by default |
| EPUB | e-readers |

[^1]: Notes print after the article, under "Notes".
`

const config = `# handout-press project config. Every key is optional; an unknown key is an error.

# Language of articles whose front matter sets none (hyphenation, quotes, dates, labels).
# lang: en

# The look of every PDF (paths are relative to this file).
theme:
  pageSize: A4                 # any CSS page size: A5, B5, letter, '176mm 250mm'
  # margins: 17mm 35mm 19mm
  # brandColor: '#1c4a7a'
  # logo: brand/logo.png       # PNG, JPEG, GIF, WebP or SVG, top right of the masthead
  # stylesheet: brand/extra.css  # appended after the templates' CSS

# Books compiled from several articles (each article still gets its handout).
# publications:
#   - name: my-booklet
#     title: My booklet
#     sources: content/*.md
`

const gitignore = `dist/
.cache/
node_modules/
`

/** The files `init` writes, relative to the project folder. */
export const projectFiles: Record<string, string> = {
  'content/what-is-a-handout.md': article,
  'handout.config.yaml': config,
  '.gitignore': gitignore
}

/** Write the example project into `dir`; resolves with the files written and those kept as they were. */
export async function initProject(dir: string): Promise<{written: string[]; kept: string[]}> {
  const written: string[] = []
  const kept: string[] = []
  for (const [name, text] of Object.entries(projectFiles)) {
    const file = path.join(dir, name)
    await fs.mkdir(path.dirname(file), {recursive: true})
    try {
      await fs.writeFile(file, text, {flag: 'wx'})
      written.push(name)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      kept.push(name)
    }
  }
  return {written, kept}
}
