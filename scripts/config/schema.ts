/**
 * The one place that says what a source's front matter and a build's options
 * may contain: each zod schema below is at once the TypeScript type, the
 * defaults and the documentation (every field's `.describe()` text is what
 * `README.md` lists).
 */
import {z} from 'zod'

/** Paper sizes the print template knows. */
export const pageSizes = ['A4', 'A5', 'Letter'] as const
/** A paper size. */
export type PageSize = (typeof pageSizes)[number]
/** Output formats. */
export const formats = ['pdf', 'epub'] as const
/** An output format. */
export type Format = (typeof formats)[number]

const isoDate = z.string().refine(
  (value) => /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(value + 'T00:00:00Z').toISOString().startsWith(value),
  'expected a calendar date as `YYYY-MM-DD`'
)

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max)

/** Front matter of one source (YAML, core schema). */
export const frontMatterSchema = z.object({
  title: text(300).describe('Title of the article: masthead, PDF Title, EPUB dc:title. Required.'),
  subtitle: text(300).optional().describe('Line under the title.'),
  kicker: text(60).default('Explainer').describe('Small label above the title (series or genre).'),
  date: isoDate
    .optional()
    .describe('Publication date `YYYY-MM-DD`: printed in words, and pins PDF/EPUB dates (unless `SOURCE_DATE_EPOCH` is set).'),
  publisher: text(200).optional().describe('Publisher or brand: masthead, running head, footer, metadata.'),
  author: z
    .union([text(200), z.array(text(200)).min(1).max(20)])
    .optional()
    .describe('Author name or list of names; PDF Author falls back to the publisher.'),
  lang: z
    .string()
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'expected a BCP 47 language tag such as `en` or `fr-CA`')
    .default('en')
    .describe('Language (BCP 47): hyphenation, date words, PDF /Lang, EPUB dc:language.'),
  description: text(2000).optional().describe('One-paragraph summary: PDF Subject, EPUB dc:description.'),
  tags: z.array(text(100)).max(50).default([]).describe('Keywords: PDF Keywords, EPUB dc:subject.'),
  runningHead: text(120).optional().describe('Short title for the running head of pages 2 onwards (default: the title).'),
  identifier: text(200)
    .optional()
    .describe('Book identifier such as `urn:isbn:…` (default: a UUID derived from the content).'),
  pageSize: z.enum(pageSizes).optional().describe('Paper size for this source, overriding `--page-size`.')
})

/** Validated front matter, defaults applied. */
export type FrontMatter = z.output<typeof frontMatterSchema>

/** Options of one build: the CLI's flags and the API's argument. */
export const buildOptionsSchema = z.object({
  root: z.string().default('.').describe('Project root: sources, images and fonts must stay inside it.'),
  inputs: z
    .array(z.string())
    .default([])
    .describe('Files or folders to build (default: `content/`). Folders are searched for `*.md`.'),
  outDir: z.string().default('dist').describe('Where outputs are written.'),
  formats: z.array(z.enum(formats)).min(1).default(['pdf', 'epub']).describe('Which outputs to make.'),
  pageSize: z.enum(pageSizes).default('A4').describe('Default paper size of the PDF.'),
  templates: z.string().default('templates').describe('Folder with the print and EPUB templates.'),
  browser: z
    .string()
    .optional()
    .describe('Chromium/Chrome executable (default: `HANDOUT_BROWSER`, `PUPPETEER_EXECUTABLE_PATH`, Puppeteer\'s cache, then system paths).'),
  sourceDateEpoch: z
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe('Seconds since 1970 to use as every output\'s date (the CLI reads `SOURCE_DATE_EPOCH`).'),
  concurrency: z.number().int().min(1).max(16).default(2).describe('Documents printed at once (browser pages in the pool).'),
  timeout: z.number().int().min(1000).default(60_000).describe('Per-document time limit for printing, in ms.')
})

/** Options as the caller gives them (all optional). */
export type BuildOptionsInput = z.input<typeof buildOptionsSchema>
/** Options with defaults applied. */
export type BuildOptions = z.output<typeof buildOptionsSchema>

/**
 * Validate build options, throwing an error that names the offending key path.
 */
export function resolveBuildOptions(input: BuildOptionsInput = {}): BuildOptions {
  const result = buildOptionsSchema.safeParse(input)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const where = issue?.path.join('.') || '(options)'
  throw new TypeError(`Invalid option \`${where}\`: ${issue?.message ?? 'invalid value'}`)
}
