/**
 * The whole Markdown → HTML tree chain, in order. Built once per build (or
 * watch session) and reused for every source.
 */
import type {Root as HastRoot} from 'hast'
import rehypeRaw from 'rehype-raw'
import rehypeSanitize, {defaultSchema} from 'rehype-sanitize'
import rehypeSlug from 'rehype-slug'
import remarkFrontmatter from 'remark-frontmatter'
import remarkGfm from 'remark-gfm'
import remarkParse from 'remark-parse'
import remarkRehype from 'remark-rehype'
import remarkSmartypants from 'remark-smartypants'
import {unified} from 'unified'
import type {VFile} from 'vfile'
import rehypeHeadings from './rehype-headings.js'
import rehypeImages from './rehype-images.js'
import rehypeTableAlign from './rehype-table-align.js'
import rehypeTaskList from './rehype-task-list.js'
import remarkFrontMatter from './remark-front-matter.js'

/** Options of `createProcessor`. */
export interface ProcessorOptions {
  /** Project root: images must resolve inside it (required). */
  root: string
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
      .use(remarkFrontMatter)
      .use(remarkGfm)
      .use(remarkSmartypants, {dashes: 'oldschool'})
      // HTML tree. Raw HTML is parsed into real nodes so the sanitiser sees all of it.
      .use(remarkRehype, {allowDangerousHtml: true})
      .use(rehypeRaw)
      // Sanitise before anything of ours adds attributes: GitHub's schema (no scripts,
      // handlers, styles, iframes; only http(s)/mailto links), ids prefixed `user-content-`.
      .use(rehypeSanitize, sanitizeSchema)
      // Heading ids after the sanitiser, so they stay short and stable.
      .use(rehypeSlug)
      .use(rehypeImages, {root: options.root})
      .use(rehypeTableAlign)
      .use(rehypeTaskList)
      // Last: reads the final ids and text.
      .use(rehypeHeadings)
  )
}

/** The processor type. */
export type Processor = ReturnType<typeof createProcessor>

/** Parse and transform one vfile into its sanitised HTML tree. */
export async function toHtmlTree(processor: Processor, file: VFile): Promise<HastRoot> {
  return (await processor.run(processor.parse(file), file)) as HastRoot
}

// GitHub's schema with image titles kept for figure captions. No id prefix: ids
// from remark-rehype (footnotes) already carry one, and rendered pages run no
// script, so DOM clobbering is moot.
const sanitizeSchema = {
  ...defaultSchema,
  clobberPrefix: '',
  // Drop these with their content: unwrapping would print CSS or script source as text.
  strip: ['script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed', 'textarea', 'select', 'title'],
  attributes: {
    ...defaultSchema.attributes,
    img: [...(defaultSchema.attributes?.img ?? []), 'title']
  }
}
