/**
 * The preview page's own files: its script and stylesheet (plain browser
 * files in the package's top-level `preview/` folder, shipped as they are, so
 * they work the same from `scripts/`, the compiled `lib/` and the bundle) and
 * pdf.js from the installed `pdfjs-dist` (no CDN). A fixed list: nothing else
 * on disk can be asked for.
 */
import fs from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

/** A served asset. */
export interface ViewerAsset {
  type: string
  body: Uint8Array
}

const javascript = 'text/javascript; charset=utf-8'
const require = createRequire(import.meta.url)

/** The package root: the nearest folder above this module with the viewer in it. */
function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (fs.existsSync(path.join(dir, 'preview', 'viewer.js'))) return dir
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error(`Cannot find the preview viewer (\`preview/viewer.js\`) above \`${fileURLToPath(import.meta.url)}\`: reinstall the package`)
    dir = parent
  }
}

let files: Map<string, {file: string; type: string}> | undefined

/** Asset path (after `/assets/`) → file and media type; resolved once, on first use. */
function assetFiles(): Map<string, {file: string; type: string}> {
  if (files) return files
  const viewer = path.join(packageRoot(), 'preview')
  // The modern build: the preview runs in the current Chromium (156 here), which supports it.
  const pdfjs = path.join(path.dirname(require.resolve('pdfjs-dist/package.json')), 'build')
  files = new Map([
    ['viewer.js', {file: path.join(viewer, 'viewer.js'), type: javascript}],
    ['viewer.css', {file: path.join(viewer, 'viewer.css'), type: 'text/css; charset=utf-8'}],
    ['pdfjs/pdf.min.mjs', {file: path.join(pdfjs, 'pdf.min.mjs'), type: javascript}],
    ['pdfjs/pdf.worker.min.mjs', {file: path.join(pdfjs, 'pdf.worker.min.mjs'), type: javascript}]
  ])
  return files
}

/** The asset at `name` (`viewer.js`, `pdfjs/pdf.min.mjs`, …), or `undefined` when it is not one of ours. */
export async function viewerAsset(name: string): Promise<ViewerAsset | undefined> {
  const entry = assetFiles().get(name)
  if (!entry) return undefined
  // Read on each request: the files are small next to a PDF, and an edited viewer shows on reload.
  return {type: entry.type, body: await fs.promises.readFile(entry.file)}
}
