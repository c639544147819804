/**
 * What the CLI bundle gives epub-gen-memory for `node-fetch` (an esbuild
 * alias, see `npm run bundle`): a fetch that refuses. We hand the packager
 * every image, font and cover as bytes (`write-epub.ts` overrides its
 * downloads), so it never fetches; this keeps it so whatever a source
 * says, and spares loading node-fetch and its URL tables (about 0.1 s at
 * every EPUB build's start).
 */
export default function fetch(url: unknown): Promise<never> {
  return Promise.reject(new Error(`The EPUB packager fetches nothing (asked for ${String(url)})`))
}
