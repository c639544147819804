/**
 * Our own rows: the CLI as a user runs it (`node bin/handout.js build …`), and
 * the Chromium floor printing the pipeline's own print HTML (bench/floor.ts).
 */
import fs from 'node:fs'
import path from 'node:path'
import type {BuildOptionsInput} from '../../scripts/config/schema.js'
import {printHtml} from '../../scripts/pipeline/print-html.js'
import {type Bench, node, outDir, root} from './bench.js'
import {type Tool, tool} from './tool.js'

// Generated covers are cached in <cwd>/.cache/handout: "cold" runs start without it
// (a first build); `warm` runs keep it (a rebuild of unchanged articles).
export const coverCache = path.join(root, '.cache', 'handout')

/** `node <entry> build <inputs> --out DIR --timings FILE <extra>`, cold unless `warm`. */
export function ours(bench: Bench, label: string, entry: string, inputs: string[], extra: string[] = [], warm = false): Tool {
  return tool(label, (n) => {
    if (!warm) fs.rmSync(coverCache, {recursive: true, force: true})
    const dir = outDir(label, n)
    const timings = path.join(dir, 'timings.json')
    // A baseline from another commit brings the templates its code expects.
    const templates = path.join(path.dirname(path.dirname(entry)), 'templates')
    const own = entry === bench.baseline && fs.existsSync(templates) ? ['--templates', templates] : []
    return {command: node, args: [entry, 'build', ...inputs, '--out', dir, '--timings', timings, ...own, ...extra], timings}
  })
}

/** Pages for the floor: HTML files, the print stylesheet, and what else they load (`NAME` → file). */
export interface FloorPages {
  pages: string[]
  css: string
  assets: Record<string, string>
}

/**
 * The print HTML that a build of `input` hands the browser, from the
 * pipeline's own renderer (`printHtml`), written to `dir` for the floor.
 */
export async function floorPages(input: BuildOptionsInput, dir: string): Promise<FloorPages> {
  fs.rmSync(dir, {recursive: true, force: true})
  fs.mkdirSync(dir, {recursive: true})
  const written: FloorPages = {pages: [], css: path.join(dir, 'print.css'), assets: {}}
  for (const page of await printHtml({templates: path.join(root, 'templates'), ...input})) {
    const html = path.join(dir, `${page.name}.html`)
    fs.writeFileSync(html, page.html)
    written.pages.push(html)
    for (const [name, text] of Object.entries(page.styles)) {
      fs.writeFileSync(path.join(dir, name), text)
      if (name !== 'print.css') written.assets[name] = path.join(dir, name)
    }
    if (page.cover) {
      written.assets[page.cover.href] = path.join(dir, page.cover.href)
      fs.writeFileSync(written.assets[page.cover.href]!, page.cover.data)
    }
  }
  return written
}

/** bench/floor.ts printing `pages` one after another in one warm browser. */
export function floor(bench: Bench, label: string, pages: FloorPages): Tool {
  return tool(label, (n) => {
    const dir = outDir(label, n)
    const json = path.join(dir, 'floor.json')
    const pdfs = () => pages.pages.map((page) => path.join(dir, path.basename(page, '.html') + '.pdf'))
    const extra = Object.entries(pages.assets).flatMap(([name, file]) => ['--asset', `${name}=${file}`])
    const script = path.join(root, 'bench', 'floor.ts')
    return {
      command: node,
      args: ['--import', 'tsx', script, '--css', pages.css, ...extra, '--out', dir, '--json', json, '--browser', bench.chromium, ...pages.pages],
      floorJson: json,
      pdfs
    }
  })
}
