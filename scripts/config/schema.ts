/**
 * The one place that says what a source's front matter and a build's options
 * may contain: each zod schema below is at once the TypeScript type, the
 * defaults and the documentation (every field's `.describe()` text is what
 * `README.md` lists).
 */
import path from 'node:path'
import * as z from 'zod'
import {findProjectRoot} from './project-root.js'

/** Paper sizes the print template knows. */
export const pageSizes = ['A4', 'A5', 'Letter'] as const
/** A paper size: one the templates know, or any CSS page size from the config's `theme.pageSize`. */
export type PageSize = (typeof pageSizes)[number] | (string & {})
/** Output formats. */
export const formats = ['pdf', 'epub'] as const
/** An output format. */
export type Format = (typeof formats)[number]

const cssLength = String.raw`(?:0|\d+(?:\.\d+)?(?:mm|cm|in|pt|pc|px))`
const namedPageSize = `(?:A[0-9]|A10|B[0-9]|B10|C[0-9]|JIS-B[0-9]|JIS-B10|letter|legal|ledger)`
/** Any CSS page size: a named one (`B5`, `A4 landscape`) or two lengths (`176mm 250mm`). */
const cssPageSize = z
  .string()
  .regex(new RegExp(String.raw`^(?:${namedPageSize}(?: (?:portrait|landscape))?|${cssLength} ${cssLength})$`, 'i'), 'expected a CSS page size such as `A4`, `B5`, `A3 landscape` or `176mm 250mm`')

/** `YYYY-MM-DD`, a day that exists (not 2024-02-30 nor 2024-13-45), in year 1 or later (EPUB dates have no year 0). */
const isoDate = z.string().refine((value) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || value.startsWith('0000')) return false
  const date = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value)
}, 'expected a calendar date as `YYYY-MM-DD`')

/**
 * Longest glob a publication's `sources` may be: a real pattern is tens of
 * characters, and a bound keeps matching cost bounded for hostile configs.
 */
export const maxGlobLength = 512

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max)

/** The form of a BCP 47 language tag (`en`, `fr-CA`, `hi`), in config, front matter and content's `lang` attributes. */
export const languageTagPattern = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/

/** A BCP 47 language tag (`en`, `fr-CA`, `hi`). */
const languageTag = z.string().regex(languageTagPattern, 'expected a BCP 47 language tag such as `en` or `fr-CA`')

/** Front matter of one source (YAML, core schema). */
export const frontMatterSchema = z.object({
  title: text(300).optional().describe('Title of the article: masthead, PDF Title, EPUB dc:title (default: the first `#` heading, which then is not repeated in the body, else the file name).'),
  subtitle: text(300).optional().describe('Line under the title.'),
  kicker: text(60).optional().describe('Small label above the title (series or genre); none unless set.'),
  date: isoDate
    .optional()
    .describe('Publication date `YYYY-MM-DD`: printed in words, and pins PDF/EPUB dates unless `SOURCE_DATE_EPOCH` is set (default: the last git commit of the file, else its modification time).'),
  publisher: text(200).optional().describe('Publisher or brand: masthead, running head, footer, metadata.'),
  author: z
    .union([text(200), z.array(text(200)).min(1).max(20)])
    .optional()
    .describe('Author name or list of names; PDF Author falls back to the publisher.'),
  lang: languageTag
    .optional()
    .describe(
      "Language (BCP 47): date in words, page labels, quotes, hyphenation, direction (`ar`, `he`, `fa`, `ur` are right-to-left), PDF /Lang, EPUB dc:language (default: `--lang`, else the config's `lang`, else `en`)."
    ),
  justify: z.boolean().default(true).describe('Justify the printed body, hyphenated by language at build time; `false` keeps it ragged-right. EPUB readers choose for themselves.'),
  description: text(2000).optional().describe('One-paragraph summary: PDF Subject, EPUB dc:description.'),
  tags: z.array(text(100)).max(50).default([]).describe('Keywords: PDF Keywords, EPUB dc:subject.'),
  cover: text(500).optional().describe('Cover image (PNG or JPEG) for the EPUB, relative to the Markdown file (default: generated from title, date and publisher).'),
  runningHead: text(120).optional().describe('Short title for the running head of pages 2 onwards (default: the title, cut at a word with `…` past 64 letters, or 32 wide ones such as Chinese).'),
  identifier: text(200).optional().describe('Book identifier such as `urn:isbn:…` (default: a UUID derived from publisher, title, date and file name, so edits keep it).'),
  pageSize: z.enum(pageSizes).optional().describe('Paper size for this source, overriding `--page-size`.'),
  // Rich content (issue 14).
  toc: z.boolean().default(false).describe('Print a contents list of the headings after the masthead (and at the top of the EPUB chapter).'),
  tocDepth: z.number().int().min(2).max(6).default(3).describe('Deepest heading level in the contents: 2 lists `##` questions only, 3 adds `###`.'),
  bibliography: text(500).optional().describe('Bibliography file (BibTeX `.bib` or CSL-JSON `.json`), relative to the Markdown file, for `[@key]` citations.'),
  csl: text(500).optional().describe('Citation style: `apa` (default), `vancouver` or `harvard1`, or a `.csl` file relative to the Markdown file.')
})

/** Front matter as written and validated, defaults applied (title and language may be missing). */
export type WrittenFrontMatter = z.output<typeof frontMatterSchema>

/**
 * Front matter of a parsed source: title and language always resolved (from
 * the first `#` heading or the file name, and from the build's language).
 */
export type FrontMatter = Omit<WrittenFrontMatter, 'title' | 'lang'> & {title: string; lang: string}

/** Options of one build: the CLI's flags and the API's argument. */
export const buildOptionsSchema = z.object({
  root: z
    .string()
    .default(() => findProjectRoot(path.resolve('.')))
    .describe('Project root: sources, images and fonts must stay inside it (default: the folder of the nearest `handout.config.yaml` at or above the working directory, else the working directory).'),
  inputs: z.array(z.string()).default([]).describe('Files or folders to build (default: `content/`). Folders are searched for `*.md`.'),
  outDir: z.string().default('dist').describe('Where outputs are written.'),
  formats: z.array(z.enum(formats)).min(1).default(['pdf', 'epub']).describe('Which outputs to make.'),
  pageSize: z.enum(pageSizes).default('A4').describe('Default paper size of the PDF.'),
  templates: z.string().default('templates').describe("Folder of the project's own templates, relative to the root: each file in it overrides the package's file of the same name."),
  browser: z.string().optional().describe("Chromium/Chrome executable (default: `HANDOUT_BROWSER`, `PUPPETEER_EXECUTABLE_PATH`, Puppeteer's cache, then system paths)."),
  sourceDateEpoch: z.number().int().nonnegative().optional().describe("Seconds since 1970 to use as every output's date (the CLI reads `SOURCE_DATE_EPOCH`)."),
  browserWSEndpoint: z
    .string()
    .regex(/^wss?:\/\/\S+$/, 'expected a DevTools WebSocket URL such as `ws://127.0.0.1:3000`')
    .optional()
    .describe('Print through a running Chrome at this DevTools WebSocket URL (e.g. a browserless pool) instead of launching one.'),
  concurrency: z.number().int().min(1).max(16).default(2).describe('Documents printed at once (browser pages in the pool).'),
  timeout: z.number().int().min(1000).default(60_000).describe('Per-document time limit for printing, in ms.'),
  cacheDir: z
    .string()
    .default('.cache/handout')
    .describe("The cache folder, relative to the root: generated covers, parses and the list of written outputs (safe to delete; `''` turns the disk cache off)."),
  cache: z
    .boolean()
    .default(true)
    .describe(
      "Skip what has not changed: a source whose bytes, images and options are unchanged is not parsed again, an output whose inputs, templates and options are unchanged is not made again (the CLI's `--no-cache` makes everything)."
    ),
  limits: z
    .object({
      sourceBytes: z
        .number()
        .int()
        .positive()
        .default(4 * 1024 * 1024)
        .describe('Largest source file, in bytes.'),
      imageBytes: z
        .number()
        .int()
        .positive()
        .default(20 * 1024 * 1024)
        .describe('Largest image file, in bytes.'),
      imagePixels: z.number().int().positive().default(50_000_000).describe('Most pixels a raster image may have (its header is checked before decoding).'),
      inlineMarkers: z.number().int().positive().default(1000).describe('Most emphasis, code and bracket markers in one paragraph, heading or table cell.'),
      blockDepth: z.number().int().positive().default(32).describe('Deepest nesting of block quotes and lists.'),
      treeDepth: z.number().int().positive().default(128).describe('Deepest nesting of the parsed document tree.'),
      footnoteReferences: z.number().int().positive().default(2000).describe('Most footnote references in one source.')
    })
    .default({sourceBytes: 4 * 1024 * 1024, imageBytes: 20 * 1024 * 1024, imagePixels: 50_000_000, inlineMarkers: 1000, blockDepth: 32, treeDepth: 128, footnoteReferences: 2000})
    .describe("Per-source limits against hostile or broken input (the CLI's `--limit name=N`)."),
  lang: languageTag.optional().describe("Language of sources whose front matter sets no `lang`, and of books whose publication sets none (the CLI's `--lang`; wins over the config's `lang`)."),
  publication: z.string().optional().describe('Build only this publication of the config (its handouts and book).'),
  shard: z
    .object({index: z.number().int().min(1), count: z.number().int().min(1)})
    .refine((shard) => shard.index <= shard.count, 'expected `index` ≤ `count`')
    .optional()
    .describe("Build only part `index` of `count` (1-based) of the sorted sources, for n machines building disjoint parts (the CLI's `--shard i/n`).")
})

/** Options as the caller gives them (all optional). */
export type BuildOptionsInput = z.input<typeof buildOptionsSchema>
/** Options with defaults applied. */
export type BuildOptions = z.output<typeof buildOptionsSchema>

/** Build options that do not validate (a `TypeError`; the CLI exits 2 for it, as for bad usage). */
export class OptionsError extends TypeError {
  override name = 'OptionsError'
}

/**
 * Validate build options, throwing an `OptionsError` that names the offending key path.
 */
export function resolveBuildOptions(input: BuildOptionsInput = {}): BuildOptions {
  const result = buildOptionsSchema.safeParse(input)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const where = issue?.path.join('.') || '(options)'
  throw new OptionsError(`Invalid option \`${where}\`: ${issue?.message ?? 'invalid value'}`)
}

/** One publication of the project config: a set of articles built as handouts and/or one book. */
export const publicationSchema = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'expected a file-safe name (letters, digits, `.`, `_`, `-`)')
    .describe("Name of the publication: `--publication NAME`, and the book's file name `dist/<name>.pdf`."),
  title: text(300).describe('Title of the book: cover, title page, metadata.'),
  subtitle: text(300).optional().describe('Subtitle of the book.'),
  publisher: text(200).optional().describe("Publisher of the book (default: the first article's)."),
  author: z
    .union([text(200), z.array(text(200)).min(1).max(20)])
    .optional()
    .describe('Author or authors of the book.'),
  lang: languageTag.optional().describe("Language of the book (BCP 47; default: `--lang`, else the config's `lang`, else `en`)."),
  date: isoDate.optional().describe("Date of the book `YYYY-MM-DD` (default: the newest article's)."),
  period: text(100).optional().describe('Period the book covers, printed on the title page, e.g. `April 2024`.'),
  description: text(2000).optional().describe('Summary of the book: PDF Subject, EPUB dc:description.'),
  identifier: text(200).optional().describe('Book identifier such as `urn:isbn:…` (default: derived from name and title).'),
  cover: z.string().optional().describe('Cover image path (PNG/JPEG), relative to the config file (default: generated).'),
  pageSize: cssPageSize.optional().describe("Paper size of the book and its handouts: any CSS page size, as the theme's (default: the theme's, else `--page-size`)."),
  sources: z
    .union([z.array(z.string()).min(1), z.string().max(maxGlobLength, `a glob may have at most ${maxGlobLength} characters: list the files, or use a shorter pattern`)])
    .describe('Articles: a list of files in reading order, or one glob such as `content/2024-04/*.md`.'),
  sort: z.enum(['date', 'name', 'none']).default('date').describe("Order of a glob's articles: by `date` (oldest first), by file `name`, or `none` (list order)."),
  outputs: z
    .array(z.enum(['handouts', 'book']))
    .min(1)
    .default(['handouts', 'book'])
    .describe('What to build: per-article `handouts`, a compiled `book`, or both.'),
  rectoStart: z.boolean().default(false).describe('Start every article of the printed book on a right-hand (odd) page.')
})

/** A publication as written and validated (its language may be missing). */
export type WrittenPublication = z.output<typeof publicationSchema>
/** A publication of a build: its language resolved (see `planBuild`). */
export type Publication = Omit<WrittenPublication, 'lang'> & {lang: string}

// --- The config's `theme`: the look of every PDF, without copying a template. ---

/** The project's theme (`theme:` in the config). Paths are relative to the config file and stay inside the root. */
export const themeSchema = z.object({
  pageSize: cssPageSize.optional().describe('Paper size of every PDF: any CSS page size (`A3`, `B5`, `letter`, `A4 landscape`, `176mm 250mm`); front matter, a publication and `--page-size` win.'),
  margins: z
    .string()
    .regex(new RegExp(String.raw`^${cssLength}(?: ${cssLength}){0,3}$`), 'expected one to four CSS lengths such as `20mm` or `15mm 25mm 18mm`')
    .optional()
    .describe('Page margins, as in CSS (`top right bottom left`, e.g. `15mm 25mm 18mm`).'),
  brandColor: z
    .string()
    .regex(/^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-z]{3,20})$/, 'expected a colour such as `#1c4a7a` or `teal`')
    .optional()
    .describe('Colour of the title, the questions and the masthead rule.'),
  logo: z.string().max(500).optional().describe('Logo (PNG, JPEG, GIF, WebP or SVG) printed at the top right of the masthead.'),
  stylesheet: z.string().max(500).optional().describe("A CSS file appended after the templates' print CSS."),
  bodyFont: text(100).optional().describe('Font family of the body text (a shipped family, or one your stylesheet declares with `@font-face`).'),
  headingFont: text(100).optional().describe('Font family of the title and questions.'),
  kicker: text(60).optional().describe("Small label above every article's title (a source's front matter `kicker` wins)."),
  footer: text(200).optional().describe('Text at the foot of every PDF page, opposite the page number (default: the publisher).')
})

/** A validated theme. */
export type Theme = z.output<typeof themeSchema>

// --- Plugins: the publisher's own remark and rehype plugins (trusted code; their output is still sanitised). ---

/** An npm package name, as `npm install` takes it. */
const packageName = z
  .string()
  .max(214)
  .regex(/^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(?:\/[\w.-]+)*$/i, 'expected an npm package name such as `remark-toc` or `@scope/rehype-foo`')

/** A plugin function (only in `handout.config.mjs` / `.js`). */
const pluginFunction = z.custom<(...parameters: never[]) => unknown>((value) => typeof value === 'function', 'expected a package name, a plugin function, or `[plugin, options]`')

/**
 * One plugin: a package name (or, in a `.mjs`/`.js` config, a function), alone
 * or as `[plugin, options]`. Options of a YAML config are plain data.
 */
export const pluginEntrySchema = z.union([packageName, pluginFunction, z.tuple([z.union([packageName, pluginFunction]), z.unknown()])])

/** A plugin as written in the config. */
export type PluginEntry = z.output<typeof pluginEntrySchema>

const pluginList = z.array(pluginEntrySchema).max(100).default([])

/** Class names kept on one element: a list of names, or `['*']` for any class. */
const classList = z
  .array(z.string().regex(/^(?:\*|-?[_a-zA-Z][\w-]*)$/, 'expected a CSS class name such as `answer-box`, or `*` for any'))
  .min(1)
  .max(100)

/** Elements whose classes the config may keep (ones the sanitiser keeps at all). */
const classElements = new Set([
  'div',
  'span',
  'p',
  'section',
  'aside',
  'figure',
  'figcaption',
  'blockquote',
  'table',
  'td',
  'th',
  'tr',
  'ul',
  'ol',
  'li',
  'dl',
  'dt',
  'dd',
  'strong',
  'em',
  'code',
  'pre',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'a',
  'img'
])

/** What the config adds to the sanitiser's schema (it only ever widens it by these). */
export const sanitizeSchema = z.object({
  classes: z
    .record(z.string(), classList)
    .superRefine((value, context) => {
      for (const tagName of Object.keys(value)) {
        if (!classElements.has(tagName))
          context.addIssue({code: 'custom', path: [tagName], message: `expected an element the sanitiser keeps: ${[...classElements].map((name) => `\`${name}\``).join(', ')}`})
      }
    })
    .default({})
    .describe(
      'Classes to keep, by element: `{div: [answer-box, hint], span: ["*"]}` keeps `<div class="answer-box">` and any class on `<span>` (all other attributes, scripts and handlers are still removed).'
    )
})

/** The project config file: `handout.config.yaml` (or `.yml`), or the default export of `handout.config.mjs` (or `.js`), at the project root. */
export const configSchema = z.object({
  publications: z.array(publicationSchema).default([]).describe('Publications to build; without any, every source becomes its own handout.'),
  theme: themeSchema.optional().describe('The look of every PDF: page size, margins, colour, fonts, a logo, an extra stylesheet.'),
  remarkPlugins: pluginList.describe(
    'remark plugins run on the Markdown tree after the built-in ones: package names installed in the project (`remark-toc`) or `[name, options]`; in a `.mjs` config also functions or `[function, options]`.'
  ),
  rehypePlugins: pluginList.describe("rehype plugins run on the HTML tree before the sanitiser, so their output is sanitised like the content's (same forms as `remarkPlugins`)."),
  sanitize: sanitizeSchema.optional().describe('Widen the sanitiser: `classes` to keep on given elements, for your stylesheet.'),
  lang: languageTag
    .optional()
    .describe('Language of every article whose front matter sets none, and of every book whose publication sets none (BCP 47, e.g. `ru`, `hi`; default: `en`; `--lang` wins).')
})

/** A validated project config. */
export type Config = z.output<typeof configSchema>
