/**
 * Entries of a built `.epub`, read straight out of the zip (fflate), so the
 * preview can show the reflowable chapters as an e-reader would without
 * unpacking anything to disk.
 */
import fs from 'node:fs/promises'
import {unzipSync} from 'fflate'

/** One reading-order document of an EPUB. */
export interface EpubChapter {
  /** Zip entry path (`OEBPS/article.xhtml`). */
  href: string
  /** Its manifest id (`cover`, `chapter-0`, …). */
  id: string
}

// Our EPUBs are small; a limit still keeps a broken or hostile zip from taking the server's memory.
const maxEntryBytes = 64 * 1024 * 1024

/** Read one entry of the zip at `file`; `undefined` when the file or the entry is missing or too large. */
export async function readEpubEntry(file: string, entry: string): Promise<Uint8Array | undefined> {
  let zip: Uint8Array
  try {
    zip = await fs.readFile(file)
  } catch {
    return undefined
  }
  const found = unzipSync(zip, {filter: (info) => info.name === entry && info.originalSize <= maxEntryBytes})
  return found[entry]
}

/** The spine of the EPUB at `file` (`container.xml` → package document → spine), as zip entry paths. */
export async function epubChapters(file: string): Promise<EpubChapter[] | undefined> {
  const container = await readEpubEntry(file, 'META-INF/container.xml')
  if (!container) return undefined
  const opfPath = /<rootfile\b[^>]*\bfull-path="([^"]+)"/.exec(text(container))?.[1]
  if (!opfPath) return []
  const opf = await readEpubEntry(file, opfPath)
  if (!opf) return []
  const source = text(opf)
  const base = opfPath.includes('/') ? opfPath.slice(0, opfPath.lastIndexOf('/') + 1) : ''
  const hrefs = new Map<string, string>()
  for (const item of source.matchAll(/<item\b[^>]*>/g)) {
    const id = attribute(item[0], 'id')
    const href = attribute(item[0], 'href')
    if (id && href && attribute(item[0], 'media-type') === 'application/xhtml+xml') hrefs.set(id, base + decodeHref(href))
  }
  const chapters: EpubChapter[] = []
  for (const ref of source.matchAll(/<itemref\b[^>]*>/g)) {
    const id = attribute(ref[0], 'idref')
    const href = id === undefined ? undefined : hrefs.get(id)
    if (id && href) chapters.push({id, href})
  }
  return chapters
}

function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes)
}

function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1]
}

/** Manifest hrefs are URLs: decode their escapes, but never fail on a bad one. */
function decodeHref(href: string): string {
  try {
    return decodeURIComponent(href)
  } catch {
    return href
  }
}
