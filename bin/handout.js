#!/usr/bin/env node
// The executable: runs the compiled, bundled CLI (lib/cli.bundle.js, made by
// `npm run compile` from scripts/: tsc, then esbuild). No TypeScript runs here.
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const compiled = path.join(root, 'lib', 'cli.bundle.js')

if (!fs.existsSync(compiled)) {
  process.stderr.write(`handout: the compiled CLI \`${compiled}\` is missing: run \`npm run compile\` in \`${root}\` (npm run setup does).\n`)
  process.exit(2)
}
const {main} = await import(pathToFileURL(compiled).href)
process.exitCode = await main(process.argv.slice(2))
