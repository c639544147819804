/**
 * Zip an EPUB, its text entries deflated once: an entry whose text was
 * deflated before is handed to JSZip as its earlier compressed bytes, which
 * JSZip writes as they are (no UTF-8 encoding, checksum or deflate again). A
 * watch session rebuilding a 200-article book after an edit deflates the
 * edited chapter and the navigation, not 200 chapters (JSZip's level-9
 * deflate in JavaScript: about 0.3 s an edit).
 *
 * The compressed bytes kept are JSZip's own, read back from the zip it made
 * (`loadAsync` reads the headers and nothing else), so an EPUB made from the
 * cache has the same bytes as one made without it.
 */
import {SizedCache} from '../core/sized-cache.js'

/** JSZip's compressed file (`lib/compressedObject.js`; its typings keep it private). */
interface CompressedObject {
  compressedSize: number
  compressedContent: Uint8Array
}

/** The part of a JSZip entry this reaches into. */
interface ZipEntry {
  dir: boolean
  options: {compression?: string | null}
  /** A promise of the entry's text or bytes, or a `CompressedObject` (JSZip's `_data`). */
  _data: unknown
}

/** The part of a JSZip instance this uses. */
export interface Zip {
  files: Record<string, ZipEntry>
  generateAsync(options: {type: 'uint8array'; mimeType: string; compression: 'DEFLATE'; compressionOptions: {level: number}}): Promise<Uint8Array>
  loadAsync(data: Uint8Array): Promise<Zip>
}

/** Compressed entries by their text; the least recently used go first. */
// Kept up to 16 million characters and bytes (a 200-article book: 1.6 million characters of chapters, about 0.5 MB deflated).
const deflated = new SizedCache<string, CompressedObject>(16 * 1024 * 1024)

/** The EPUB's bytes: every entry deflated at level 9 but those stored as they are. `zip` is spent after. */
export async function zipEpub(zip: Zip): Promise<Uint8Array> {
  // Text entries not deflated before, by name: read back once the zip is made.
  const fresh = new Map<string, string>()
  for (const [name, entry] of Object.entries(zip.files)) {
    if (entry.dir || entry.options.compression === 'STORE') continue
    const data: unknown = await entry._data
    if (typeof data !== 'string') continue
    const kept = deflated.get(data)
    if (kept) entry._data = kept
    else fresh.set(name, data)
  }
  const bytes = await zip.generateAsync({type: 'uint8array', mimeType: 'application/epub+zip', compression: 'DEFLATE', compressionOptions: {level: 9}})
  if (fresh.size > 0) {
    // Loaded into the same zip (JSZip has no constructor to reach from an instance): it is done with.
    const made = await zip.loadAsync(bytes)
    for (const [name, text] of fresh) {
      const compressed = made.files[name]?._data as CompressedObject | undefined
      if (!compressed || !(compressed.compressedContent instanceof Uint8Array)) continue
      // A copy: the view would keep the whole EPUB alive.
      compressed.compressedContent = compressed.compressedContent.slice()
      deflated.set(text, compressed, text.length + compressed.compressedSize)
    }
  }
  return bytes
}
