/**
 * The document model: what one parse of one source produces, and what both
 * the print and the EPUB renderers consume. Nothing downstream re-reads the
 * Markdown.
 */
import type {Root} from 'hast'
import type {VFile} from 'vfile'
import type {FrontMatter} from '../config/schema.js'
import type {Position} from 'unist'

/** A file a document refers to (an image), resolved and checked by our code. */
export interface Asset {
  /** Path relative to the document root, as used in rendered HTML: `assets/<hash>.<ext>`. */
  href: string
  /** Media type detected from the bytes, not the extension. */
  mediaType: string
  /** The file's bytes. */
  data: Uint8Array
  /** Absolute real path of the original file. */
  source: string
}

/** A link from one article to another (found by `rehypeCrossReferences`). */
export interface CrossReference {
  /** Absolute path of the target source. */
  target: string
  /** Fragment (heading id) in the target, without `#`; empty for the top. */
  fragment: string
  /** Where the link is, for messages. */
  position?: Position | undefined
}

/** A heading of the body, in document order. */
export interface Heading {
  /** 1–6 (the title is not a heading of the body). */
  depth: number
  /** Plain text, whitespace collapsed. */
  text: string
  /** Element id (slug). */
  id: string
}

/** A bookmark of a printed PDF: its title and its level in the outline (0 is the top). */
export interface OutlineEntry {
  /** Title with its spaces intact (Chromium drops the one at a wrap). */
  title: string
  /** Nesting level: an entry is the child of the nearest earlier entry of a lower level. */
  level: number
}

/** One parsed source. */
export interface Document {
  /** The source file, carrying its messages. */
  file: VFile
  /** Output base name: `dist/<name>.pdf`. */
  name: string
  /** Validated front matter. */
  meta: FrontMatter
  /** Sanitised HTML syntax tree of the body. */
  tree: Root
  /** Headings of the body, for bookmarks and navigation. */
  headings: Heading[]
  /** Links to other articles; the tree's links carry `data-xref` = index here. */
  crossReferences: CrossReference[]
  /** Images the body uses, by `href`. */
  assets: Map<string, Asset>
  /** The cover image from front matter `cover` (otherwise one is generated). */
  cover?: Asset | undefined
  /** The date every output carries (from `date`, or `SOURCE_DATE_EPOCH`). */
  date: Date
  /** Stable identifier derived from the content: `urn:uuid:…`. */
  id: string
}
