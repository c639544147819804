/**
 * The whole Markdown → HTML tree chain, in order. Built once per build (or
 * watch session) and reused for every source.
 */
import type {Root as HastRoot} from 'hast'
import rehypeRaw from 'rehype-raw'
import rehypeSanitize, {defaultSchema, type Options as SanitizeSchema} from 'rehype-sanitize'
import rehypeSlug from 'rehype-slug'
import remarkFrontmatter from 'remark-frontmatter'
import remarkGfm from 'remark-gfm'
import remarkParse from 'remark-parse'
import remarkRehype from 'remark-rehype'
import remarkSmartypants from 'remark-smartypants'
import {unified} from 'unified'
import type {VFile} from 'vfile'
import rehypeBalanceRaw from './rehype-balance-raw.js'
import rehypeCrossReferences from './rehype-cross-references.js'
import rehypeEmptyHeadings from './rehype-empty-headings.js'
import rehypeHeadings from './rehype-headings.js'
import rehypeImages from './rehype-images.js'
import rehypeLinks from './rehype-links.js'
import rehypePhrasingContent from './rehype-phrasing-content.js'
import rehypeReportUnsafe from './rehype-report-unsafe.js'
import rehypeTableAlign from './rehype-table-align.js'
import rehypeTaskList from './rehype-task-list.js'
import rehypeUniqueIds from './rehype-unique-ids.js'
import remarkFrontMatter from './remark-front-matter.js'
import remarkTitleFromHeading from './remark-title-from-heading.js'
import {checkSourceLimits, checkTreeDepth, type SourceLimits} from './source-limits.js'

/** Options of `createProcessor`. */
export interface ProcessorOptions {
  /** Project root: images must resolve inside it (required). */
  root: string
  /** Largest image file, in bytes (default: 20 MiB). */
  maxImageBytes?: number
  /** Most pixels of a raster image (default: 50 million). */
  maxImagePixels?: number
  /** Language of sources whose front matter sets no `lang`, BCP 47 (default: `'en'`). */
  lang?: string
}

/**
 * Create the processor. `processor.run(processor.parse(file), file)` gives the
 * sanitised HTML tree; `file.data` then holds `frontMatter`, `headings` and
 * `assets`.
 */
export function createProcessor(options: ProcessorOptions) {
  return (
    unified()
      // Markdown tree.
      .use(remarkParse)
      .use(remarkFrontmatter, ['yaml'])
      // Front matter first: a source without valid metadata is not worth transforming.
      .use(remarkFrontMatter, options.lang === undefined ? {} : {lang: options.lang})
      // Before anything reads headings: the title heading leaves the body.
      .use(remarkTitleFromHeading)
      .use(remarkGfm)
      .use(remarkSmartypants, {dashes: 'oldschool'})
      // HTML tree. Raw HTML is parsed into real nodes so the sanitiser sees all of it.
      .use(remarkRehype, {allowDangerousHtml: true})
      // Raw HTML balanced per block first, so a tag left open ends with its paragraph or cell.
      .use(rehypeBalanceRaw)
      .use(rehypeRaw)
      // Images before the sanitiser: it would silently drop `file:`/`data:` sources that
      // deserve a message. What this adds (`assets/…` src, figure, stand-in span) the schema keeps.
      .use(rehypeImages, {
        root: options.root,
        ...(options.maxImageBytes === undefined ? {} : {maxBytes: options.maxImageBytes}),
        ...(options.maxImagePixels === undefined ? {} : {maxPixels: options.maxImagePixels})
      })
      // Then say what the sanitiser is about to remove (scripts, handlers, embeds, URLs)…
      .use(rehypeReportUnsafe)
      // …and remove it: GitHub's schema (no scripts, handlers, styles, iframes; only
      // http(s)/mailto links), tightened below.
      .use(rehypeSanitize, sanitizeSchema)
      // On the sanitised elements: blocks out of phrasing-only parents, then headings with no
      // text out (before `rehype-slug` would give them an empty id).
      .use(rehypePhrasingContent)
      .use(rehypeEmptyHeadings)
      // Heading ids after the sanitiser, so they stay short and stable; then no id twice.
      .use(rehypeSlug)
      .use(rehypeUniqueIds)
      // Links to other articles (`other.md#id`) are marked for the renderers, after the
      // sanitiser (which would drop the mark) and before links to nowhere are unwrapped.
      .use(rehypeCrossReferences)
      // Needs the final ids: links to a missing id or a relative file are unwrapped.
      .use(rehypeLinks)
      .use(rehypeTableAlign)
      .use(rehypeTaskList)
      // Last: reads the final ids and text.
      .use(rehypeHeadings)
  )
}

/** The processor type. */
export type Processor = ReturnType<typeof createProcessor>

/**
 * Parse and transform one vfile into its sanitised HTML tree. Limits are
 * checked before and after parsing (`source-limits.ts`): a parse cannot be
 * interrupted, so shapes that would take minutes fail at once with a message.
 */
export async function toHtmlTree(processor: Processor, file: VFile, limits: SourceLimits = {}): Promise<HastRoot> {
  checkSourceLimits(file, limits)
  const tree = processor.parse(file)
  // Before any plugin: most of them recurse, and a deep enough tree overflows the stack.
  checkTreeDepth(tree, file, limits)
  try {
    return (await processor.run(tree, file)) as HastRoot
  } catch (error) {
    // Raw HTML nested thousands deep overflows the stack in rehype-raw (the tree checked
    // above holds it as one node): a message, not a crash.
    if (error instanceof RangeError) {
      file.fail(`Content is nested too deeply to process (${error.message}): flatten nested HTML elements`, {
        place: {line: 1, column: 1},
        ruleId: 'nesting-too-deep',
        source: 'handout:limits'
      })
    }
    throw error
  }
}

// GitHub's schema with image titles kept for figure captions. No id prefix: ids
// from remark-rehype (footnotes) already carry one, and rendered pages run no
// script, so DOM clobbering is moot.
const sanitizeSchema: SanitizeSchema = {
  ...defaultSchema,
  clobberPrefix: '',
  // Drop these with their content: unwrapping would print CSS or script source as text.
  strip: ['script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed', 'textarea', 'select', 'title'],
  // Not `strike`/`tt` (obsolete: epubcheck rejects them; their text is kept) nor `source`
  // (its `srcset` loads any URL); figures come from `rehypeImages`.
  tagNames: [...(defaultSchema.tagNames ?? []).filter((name) => !['strike', 'tt', 'source'].includes(name)), 'figure', 'figcaption'],
  // Ruby annotations outside `<ruby>` are invalid XHTML.
  ancestors: {...defaultSchema.ancestors, rp: ['ruby'], rt: ['ruby']},
  attributes: {
    ...defaultSchema.attributes,
    // No `longdesc` (obsolete, and a URL) but `title` for figure captions.
    img: [...(defaultSchema.attributes?.img ?? []).filter((name) => name !== 'longDesc'), 'title'],
    // `cite` URLs are shown nowhere: dropped, so the book names no host it does not link to.
    blockquote: [],
    del: [],
    ins: [],
    q: [],
    source: [],
    // The stand-in for an image that could not be used (`rehypeImages`).
    span: [['className', 'image-missing']]
  }
}
