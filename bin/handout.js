#!/usr/bin/env node
// Runs the compiled CLI (lib/cli.bundle.js: scripts/ compiled by tsc, then bundled
// with the Markdown stack by esbuild, which loads in a third of the time of the
// separate modules; `npm run compile`, run on install). When the TypeScript under
// scripts/ is newer (a developer's edit), runs the sources through tsx instead,
// so a stale build is never used.
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const compiled = path.join(root, 'lib', 'cli.bundle.js')

function newest(dir) {
  let latest = 0
  for (const entry of fs.readdirSync(dir, {withFileTypes: true, recursive: true})) {
    if (entry.isFile() && entry.name.endsWith('.ts')) latest = Math.max(latest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs)
  }
  return latest
}

let entry = compiled
try {
  if (fs.statSync(compiled).mtimeMs < newest(path.join(root, 'scripts'))) entry = null
} catch {
  entry = null
}
if (!entry) {
  const {register} = await import('tsx/esm/api')
  register()
  entry = path.join(root, 'scripts', 'cli.ts')
}

const {main} = await import(pathToFileURL(entry).href)
process.exitCode = await main(process.argv.slice(2))
