/**
 * The layering rule of `scripts/`: data flows one way, and a folder imports
 * only from the folders before it in `layers` (`npm test` runs this through
 * `npm run lint:layers`; a back-edge fails it). `scripts/index.ts`, the public
 * API, sits on top and may import any stage but the CLI.
 */
const layers = [
  'config', // the one schema: types, defaults and docs of options, front matter, config
  'core', // types shared by every stage: Document, Asset, Heading, CrossReference; version, phase timings
  'output', // atomic writes (the last step of the pipeline, and the cover cache's writer)
  'content', // find and read sources, sniff and load images (real paths inside the root)
  'markdown', // the unified chain and its plugins
  'parse', // a source → its document model (in a worker, within limits)
  'render', // templates → print HTML, book HTML, EPUB chapter HTML
  'cover', // the generated cover, rasterised and cached
  'pdf', // the browser session, printing, PDF metadata
  'epub', // EPUB packaging
  'pipeline', // plan → parse → render → print/package → produce
  'preview', // watch mode's preview server
  'watch', // change collection, renames, the watch session
  'cli' // argv, reporting, signals: the only code that touches `process`
]

const later = (index) => layers.slice(index + 1)

module.exports = {
  forbidden: [
    ...layers.slice(0, -1).map((layer, index) => ({
      name: `layer-${layer}`,
      comment: `scripts/${layer}/ may import only from earlier stages (${layers.slice(0, index).join(', ') || 'none'}), not from ${later(index).join(', ')}`,
      severity: 'error',
      from: {path: `^scripts/${layer}/`},
      to: {path: `^scripts/(${later(index).join('|')})/`}
    })),
    {
      name: 'no-api-from-stages',
      comment: 'Stages never import the public API (scripts/index.ts): it imports them',
      severity: 'error',
      from: {path: '^scripts/[^/]+/'},
      to: {path: '^scripts/index\\.ts$'}
    },
    {
      name: 'api-not-cli',
      comment: 'The library does not import the CLI',
      severity: 'error',
      from: {path: '^scripts/index\\.ts$'},
      to: {path: '^scripts/cli/'}
    },
    {
      name: 'process-only-in-cli',
      comment: 'Only the CLI touches process (Biome makes every use of `process` an import of node:process)',
      severity: 'error',
      from: {path: '^scripts/', pathNot: '^scripts/cli/'},
      to: {path: '^(node:)?process$'}
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {path: '^scripts/'},
      to: {circular: true}
    },
    {
      name: 'no-loose-files',
      comment: 'Every module but the public API lives in a stage folder',
      severity: 'error',
      from: {path: '^scripts/[^/]+\\.ts$', pathNot: '^scripts/index\\.ts$'},
      to: {}
    }
  ],
  options: {
    doNotFollow: {path: 'node_modules'},
    tsPreCompilationDeps: true,
    tsConfig: {fileName: 'tsconfig.json'},
    enhancedResolveOptions: {exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default']}
  }
}
