/**
 * The whole Markdown → HTML tree chain, in order. Built once per build (or
 * watch session) and reused for every source.
 */
import type {Root as HastRoot} from 'hast'
import type {MarkdownConfig} from '../config/resolve-plugins.js'
import rehypeSanitize, {defaultSchema, type Options as SanitizeSchema} from 'rehype-sanitize'
import rehypeSlug from 'rehype-slug'
import rehypeStringify from 'rehype-stringify'
import remarkDefinitionList, {defListHastHandlers} from 'remark-definition-list'
import remarkDirective from 'remark-directive'
import remarkFrontmatter from 'remark-frontmatter'
import remarkGfm from 'remark-gfm'
import remarkMath from 'remark-math'
import remarkParse from 'remark-parse'
import remarkRehype from 'remark-rehype'
import {unified} from 'unified'
import type {VFile} from 'vfile'
import rehypeCitations from './rehype-citations.js'
import rehypeContentModel from './rehype-content-model.js'
import rehypeCrossReferences from './rehype-cross-references.js'
import rehypeDirection from './rehype-direction.js'
import rehypeEmptyHeadings from './rehype-empty-headings.js'
import rehypeHeadings from './rehype-headings.js'
import rehypeHighlightCode from './rehype-highlight-code.js'
import rehypeImages from './rehype-images.js'
import rehypeLinks from './rehype-links.js'
import rehypeMath from './rehype-math.js'
import rehypeMissingGlyphs from './rehype-missing-glyphs.js'
import rehypeRawHtml from './rehype-raw-html.js'
import rehypeNumbering from './rehype-numbering.js'
import rehypePhrasingContent from './rehype-phrasing-content.js'
import rehypeReportUnsafe, {attributeValues} from './rehype-report-unsafe.js'
import rehypeTableAlign from './rehype-table-align.js'
import rehypeTaskList from './rehype-task-list.js'
import rehypeUniqueIds from './rehype-unique-ids.js'
import rehypeXmlCharacters from './rehype-xml-characters.js'
import remarkCallouts from './remark-callouts.js'
import remarkCodeMeta from './remark-code-meta.js'
import remarkFencedCallouts from './remark-fenced-callouts.js'
import remarkFigureIds from './remark-figure-ids.js'
import remarkFrontMatter from './remark-front-matter.js'
import remarkLanguageScript from './remark-language-script.js'
import remarkPageBreaks from './remark-page-breaks.js'
import remarkSmartQuotes from './remark-smart-quotes.js'
import remarkSubSuper from './remark-sub-super.js'
import remarkUnknownDirectives from './remark-unknown-directives.js'
import remarkTitleFromHeading from './remark-title-from-heading.js'
import {checkSourceLimits, checkTreeDepth, type SourceLimits} from './source-limits.js'
import {stringifyOptions} from './stringify.js'
import type {UserPlugins} from './user-plugins.js'

export {stringify} from './stringify.js'

/** Options of `createProcessor`. */
export interface ProcessorOptions {
  /** Project root: images must resolve inside it (required). */
  root: string
  /** Largest image file, in bytes (default: 20 MiB). */
  maxImageBytes?: number
  /** Most pixels of a raster image (default: 50 million). */
  maxImagePixels?: number
  /** Language of sources whose front matter sets no `lang`, BCP 47 (default: `markdown.lang`, else `'en'`). */
  lang?: string
  /** The config's plugins (as references; `loadUserPlugins` imports them) and sanitiser additions (default: none). */
  markdown?: MarkdownConfig
}

/**
 * Create the processor. `processor.run(processor.parse(file), file)` gives the
 * sanitised HTML tree; `file.data` then holds `frontMatter`, `headings` and
 * `assets`. `plugins` are the config's, loaded by `loadUserPlugins` from
 * `options.markdown` (default: none).
 */
export function createProcessor(options: ProcessorOptions, plugins: UserPlugins = {remark: [], rehype: []}) {
  const lang = options.lang ?? options.markdown?.lang
  return (
    unified()
      // Markdown tree.
      .use(remarkParse)
      .use(remarkFrontmatter, ['yaml'])
      // Front matter first: a source without valid metadata is not worth transforming.
      .use(remarkFrontMatter, {...(lang === undefined ? {} : {lang}), ...(options.markdown?.kicker ? {kicker: options.markdown.kicker} : {})})
      // Before anything reads headings (and before smart quotes set the title's): the title heading leaves the body.
      .use(remarkTitleFromHeading)
      // Before smart quotes and hyphenation use the language: is it the text's?
      .use(remarkLanguageScript)
      // Single tildes are subscript (`remarkSubSuper`), so only `~~x~~` is strikethrough.
      .use(remarkGfm, {singleTilde: false})
      // Rich content (issue 14). Syntax first: `$…$` math is a node of its own, so
      // smartypants and escapes never touch TeX (`\,` survives).
      .use(remarkMath)
      .use(remarkDirective)
      .use(remarkDefinitionList)
      .use(remarkCodeMeta)
      // `:::note Title` paragraphs become the container directives `remarkCallouts` reads.
      .use(remarkFencedCallouts)
      .use(remarkCallouts)
      .use(remarkPageBreaks)
      // After every plugin that uses directives: the rest go back to their text.
      .use(remarkUnknownDirectives)
      .use(remarkFigureIds)
      // Before smart quotes, which would turn the `^`/`~` pairs' neighbours into entities.
      .use(remarkSubSuper)
      // End of rich content syntax.
      // Quotes by the front matter's `lang`, in the body and the title (needs the validated front matter).
      .use(remarkSmartQuotes)
      // The publisher's remark plugins (config): after ours, on the final Markdown tree.
      .use(plugins.remark)
      // HTML tree. Raw HTML is parsed into real nodes so the sanitiser sees all of it.
      .use(remarkRehype, {allowDangerousHtml: true, handlers: defListHastHandlers})
      // Raw HTML balanced per block first, so a tag left open ends with its paragraph or cell.
      .use(rehypeRawHtml)
      // The publisher's rehype plugins (config): trusted code, but what they make from
      // untrusted content passes the image checks and the sanitiser below like the rest.
      .use(plugins.rehype)
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
      .use(rehypeSanitize, widenSchema(sanitizeSchema, options.markdown?.classes))
      // On the sanitised elements: characters XML forbids that references made, blocks out of
      // phrasing-only parents and other misplaced elements, then headings with no text out
      // (before `rehype-slug` would give them an empty id).
      .use(rehypeXmlCharacters)
      .use(rehypePhrasingContent)
      .use(rehypeContentModel)
      .use(rehypeEmptyHeadings)
      // Heading ids after the sanitiser, so they stay short and stable; then no id twice.
      .use(rehypeSlug)
      .use(rehypeUniqueIds)
      // Needs the final ids (adds `fig-…`/`tbl-…` ones) and makes `#…` links that
      // `rehypeLinks` then checks.
      .use(rehypeNumbering)
      // After the sanitiser (citeproc's HTML gets a schema of its own) and numbering
      // (`[@fig:x]` is a reference, not a citation); its `#ref-…` links are checked next.
      .use(rehypeCitations, {root: options.root})
      // Links to other articles (`other.md#id`) are marked for the renderers, after the
      // sanitiser (which would drop the mark) and before links to nowhere are unwrapped.
      .use(rehypeCrossReferences)
      // Needs the final ids: links to a missing id or a relative file are unwrapped.
      .use(rehypeLinks)
      .use(rehypeTableAlign)
      .use(rehypeTaskList)
      // Reads the final ids and text.
      .use(rehypeHeadings)
      // Scripts and direction (issue 15): read the final text, before math and code are
      // typeset (KaTeX's and the highlighter's markup is ours, in fonts of its own).
      .use(rehypeDirection)
      .use(rehypeMissingGlyphs)
      // Typeset math and highlighted code, after the sanitiser: this markup is ours, made
      // from text, so its classes and KaTeX's inline styles need no place in the schema.
      // After `rehypeHeadings`, so a heading's bookmark shows its TeX once, not the
      // typeset copy and its MathML twice.
      .use(rehypeMath)
      // After math: invalid TeX stays a `code.math-error`, which is not highlighted.
      .use(rehypeHighlightCode)
      // The end of the chain: HTML text that is also valid XHTML (the EPUB's chapters).
      // Renderers copy and adapt the tree per output first, then call `stringify()`.
      .use(rehypeStringify, stringifyOptions)
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
    // above holds it as one node): a message, not a crash. Only that RangeError: another
    // (an invalid date, a bad length) is a bug to report as itself.
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      file.fail(`Content is nested too deeply to process (${error.message}): flatten nested HTML elements`, {
        place: {line: 1, column: 1},
        ruleId: 'nesting-too-deep',
        source: 'handout:limits'
      })
    }
    throw error
  }
}

// Rich content (issue 14): what the Markdown plugins make before the sanitiser,
// and inline HTML writers use, kept by exact class or role. Math, highlighting
// and numbering are added after the sanitiser and need nothing here.
const richTagNames = ['aside', 'mark', 'u', 'abbr']
const richAttributes: SanitizeSchema['attributes'] = {
  // Callouts (`remarkCallouts`).
  aside: [
    ['className', 'callout', 'callout-note', 'callout-tip', 'callout-important', 'callout-warning', 'callout-caution'],
    ['role', 'note']
  ],
  p: [['className', 'callout-title']],
  // Page breaks (`remarkPageBreaks`), and `<div class="page-break">` written by hand.
  div: [...(defaultSchema.attributes?.div ?? []), ['className', 'page-break']],
  // Definition lists (`remark-definition-list`), GitHub's `dl` attributes kept.
  dl: [...(defaultSchema.attributes?.dl ?? [])]
}

// GitHub's schema with image titles kept for figure captions. No id prefix: ids
// from remark-rehype (footnotes) already carry one, and rendered pages run no
// script of their own. The scripts we run in a page to measure it read no
// global an id could stand for (`layout-hyphen-runs.ts`), and `name` is kept on
// links only (`<a name>` anchors): on an image it would stand for a property of
// `document` (`<img name="fonts">` is `document.fonts`).
const sanitizeSchema: SanitizeSchema = {
  ...defaultSchema,
  clobberPrefix: '',
  // Drop these with their content: unwrapping would print CSS or script source as text.
  strip: ['script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed', 'textarea', 'select', 'title'],
  // Not `strike`/`tt` (obsolete: epubcheck rejects them; their text is kept) nor `source`
  // (its `srcset` loads any URL); figures come from `rehypeImages`.
  tagNames: [...(defaultSchema.tagNames ?? []).filter((name) => !['strike', 'tt', 'source'].includes(name)), 'figure', 'figcaption', ...richTagNames],
  // Ruby annotations outside `<ruby>` are invalid XHTML.
  ancestors: {...defaultSchema.ancestors, rp: ['ruby'], rt: ['ruby']},
  attributes: {
    ...defaultSchema.attributes,
    // `dir`, `lang` and numbers only with values XHTML takes (`rehypeReportUnsafe` names the others); not
    // `rev` (obsolete, which XHTML refuses).
    '*': (defaultSchema.attributes?.['*'] ?? [])
      .filter((name) => name !== 'name' && name !== 'rev')
      .map((name) => (typeof name === 'string' && Object.hasOwn(attributeValues, name) ? [name, attributeValues[name]!.allowed] : name)),
    a: [...(defaultSchema.attributes?.a ?? []), 'name'],
    // No `longdesc` (obsolete, and a URL) but `title` for figure captions.
    img: [...(defaultSchema.attributes?.img ?? []).filter((name) => name !== 'longDesc'), 'title'],
    // `cite` URLs are shown nowhere: dropped, so the book names no host it does not link to.
    blockquote: [],
    del: [],
    ins: [],
    q: [],
    source: [],
    // The stand-in for an image that could not be used (`rehypeImages`).
    span: [['className', 'image-missing']],
    ...richAttributes
  }
}

/**
 * The sanitiser schema with the config's `sanitize.classes` added: per element,
 * the listed class names (or any, for `*`) join the ones kept already. Only
 * `className` is ever added, so handlers, styles and scripts stay out.
 */
export function widenSchema(schema: SanitizeSchema, classes: Record<string, string[]> = {}): SanitizeSchema {
  if (Object.keys(classes).length === 0) return schema
  const attributes = {...schema.attributes}
  for (const [tagName, names] of Object.entries(classes)) {
    const current = attributes[tagName] ?? []
    // The sanitiser uses the first `className` definition it finds: merge into one.
    const before = current.find((entry) => (typeof entry === 'string' ? entry : entry[0]) === 'className')
    const rest = current.filter((entry) => entry !== before)
    const any = names.includes('*') || before === 'className'
    const kept = any ? 'className' : (['className', ...(Array.isArray(before) ? before.slice(1) : []), ...names] as [string, ...string[]])
    attributes[tagName] = [kept, ...rest]
  }
  return {...schema, attributes}
}
