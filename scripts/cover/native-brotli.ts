/**
 * What the CLI bundle gives fontkit for `brotli/decompress.js` (an esbuild
 * alias, see `npm run bundle`): Node's own Brotli decoder, with the
 * package's signature. fontkit imports the JavaScript decoder at load time
 * for WOFF2 files, which `native-woff2.ts` decompresses natively anyway;
 * the bundle so never loads it (its dictionary alone took about 40 ms).
 */
import zlib from 'node:zlib'

export default function decompress(buffer: Uint8Array): Uint8Array {
  return zlib.brotliDecompressSync(buffer)
}
