#!/usr/bin/env node
// Bundles the compiled lib/ into the CLI and the parse worker (`npm run bundle`,
// part of `npm run compile`): esbuild, with one change to a dependency's code.
//
// unist-util-visit-parents names the function it makes for each node it visits
// (`Object.defineProperty(visit, 'name', …)`), for stack traces while
// debugging. Every plugin's `visit` goes through it, tens of times per
// document, and defining a property on a fresh function costs more than the
// rest of the visit: the 200-article book's parse took 12.0 s summed over the
// workers, 9.1 s without it. The bundle leaves the naming out; nothing reads
// the names. The build fails if the library's code no longer matches, so an
// upgrade is looked at, not patched blindly.
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import * as esbuild from 'esbuild'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const lib = path.join(root, 'lib')

/** The naming statement, as unist-util-visit-parents 6.x writes it. */
const visitNaming = /\n( *)Object\.defineProperty\(visit, 'name', \{\n\s*value:\n\s*'node \(' \+ color\(node\.type \+ \(name \? '<' \+ name \+ '>' : ''\)\) \+ '\)'\n\s*\}\)\n/

/** @type {import('esbuild').Plugin} */
const unnamedVisits = {
  name: 'unnamed-visits',
  setup(build) {
    build.onLoad({filter: /[\\/]unist-util-visit-parents[\\/]lib[\\/]index\.js$/}, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8')
      if (!visitNaming.test(source)) {
        throw new Error(`${path.relative(root, args.path)}: the visitor naming to leave out was not found; check the new version and update tests/support/bundle.mjs`)
      }
      return {contents: source.replace(visitNaming, '\n$1// Visitor naming (for stack traces) left out by tests/support/bundle.mjs.\n'), loader: 'js'}
    })
  }
}

for (const file of fs.readdirSync(lib)) if (/^bundle-.*\.js$|\.bundle\.js$/.test(file)) fs.rmSync(path.join(lib, file))

await esbuild.build({
  absWorkingDir: root,
  entryPoints: {'cli.bundle': 'lib/cli/main.js', 'parse-worker.bundle': 'lib/parse/parse-worker.js'},
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  splitting: true,
  outdir: 'lib',
  entryNames: '[name]',
  chunkNames: 'bundle-[hash]',
  logLevel: 'warning',
  // Native addons and what must stay a package of its own (downloads, the browser's protocol, file watching).
  external: ['@resvg/resvg-js', 'puppeteer-core', '@puppeteer/browsers', 'chokidar'],
  alias: {
    // fontkit's JavaScript Brotli decoder: Node's own instead.
    'brotli/decompress.js': './lib/cover/native-brotli.js',
    'micromark-extension-math': './node_modules/micromark-extension-math/lib/syntax.js'
  },
  // Bundled CommonJS packages call `require`: an ES module has none of its own.
  banner: {js: "import {createRequire as __bundleRequire} from 'node:module'; const require = __bundleRequire(import.meta.url);"},
  plugins: [unnamedVisits]
})
