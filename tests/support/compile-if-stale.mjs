#!/usr/bin/env node
// Compiles scripts/ into lib/ (`npm run compile`) when any TypeScript under
// scripts/ is newer than the bundled CLI, so a developer's `npm run build`,
// `npm run watch` and `npm test` never run a stale build. The published CLI
// (bin/handout.js) runs compiled code only.
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const compiled = path.join(root, 'lib', 'cli.bundle.js')

/** Newest modification time of a source the compiled CLI is made from. */
function newest() {
  let latest = Math.max(fs.statSync(path.join(root, 'package.json')).mtimeMs, fs.statSync(path.join(root, 'tests', 'support', 'bundle.mjs')).mtimeMs)
  for (const entry of fs.readdirSync(path.join(root, 'scripts'), {withFileTypes: true, recursive: true})) {
    if (entry.isFile() && entry.name.endsWith('.ts')) latest = Math.max(latest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs)
  }
  return latest
}

export function compileIfStale() {
  let stale = true
  try {
    stale = fs.statSync(compiled).mtimeMs < newest()
  } catch {
    // Never compiled.
  }
  if (!stale) return
  const result = spawnSync('npm', ['run', '--silent', 'compile'], {cwd: root, stdio: 'inherit'})
  if (result.status !== 0) throw new Error('`npm run compile` failed: fix the type errors above')
}

// vitest's globalSetup calls the default export; `node compile-if-stale.mjs` runs it directly.
export default compileIfStale
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    compileIfStale()
  } catch (error) {
    console.error(error.message)
    process.exit(1)
  }
}
