/**
 * Words the templates print, by language, and dates in words. (Quotation marks
 * by language are set in the Markdown stage: `markdown/remark-smart-quotes.ts`.) The words live
 * in `templates/labels.yaml`, which designers edit and extend; the template
 * loader reads it (`parseLabelTable`) and makes it the table in use.
 */
import {parse} from 'yaml'
import * as z from 'zod'
import {rightToLeftLanguages} from '../markdown/rehype-direction.js'

/** Fixed words and typography of the templates, for one language. */
export interface Labels {
  page: string
  /** Name of the EPUB's list of the print's pages (its page-list nav). */
  pages: string
  of: string
  contents: string
  notes: string
  /** Small label above the title when the source sets no `kicker`. */
  kicker: string
  /** Footer text with `{page}` and `{pages}` for the counters. */
  pageOf: string
  /** CSS counter style of page numbers. */
  numbers: string
  /** Figure and table caption labels. */
  figure: string
  table: string
  /** Writing direction of the language. */
  dir: 'ltr' | 'rtl'
}

const entrySchema = z
  .object({
    page: z.string(),
    pages: z.string(),
    of: z.string(),
    contents: z.string(),
    notes: z.string(),
    kicker: z.string(),
    pageOf: z.string(),
    numbers: z.string().regex(/^[a-z-]+$/, 'expected a CSS counter style name such as `decimal`'),
    figure: z.string(),
    table: z.string(),
    dir: z.enum(['ltr', 'rtl'])
  })
  .partial()

/** Labels by primary language subtag, as `templates/labels.yaml` gives them (each key optional but in `en`). */
export type LabelTable = Record<string, Partial<Labels>>

const english: Labels = {
  page: 'Page',
  pages: 'Pages',
  of: 'of',
  contents: 'Contents',
  notes: 'Notes',
  kicker: 'Explainer',
  pageOf: 'Page {page} of {pages}',
  numbers: 'decimal',
  figure: 'Figure',
  table: 'Table',
  dir: 'ltr'
}

let current: LabelTable = {en: english}

/**
 * Parse `labels.yaml`; throws naming the language and key of a wrong entry.
 * `file` is for the message.
 */
export function parseLabelTable(source: string, file = 'labels.yaml'): LabelTable {
  const data: unknown = parse(source)
  const table: LabelTable = {}
  for (const [lang, entry] of Object.entries(z.record(z.string(), z.unknown()).parse(data ?? {}))) {
    const result = entrySchema.safeParse(entry)
    if (!result.success) {
      const issue = result.error.issues[0]
      throw new Error(`\`${file}\`: \`${lang}.${issue?.path.join('.') ?? ''}\`: ${issue?.message ?? 'invalid value'}`)
    }
    table[lang.toLowerCase()] = result.data as Partial<Labels>
  }
  return table
}

/** Make `table` the one `labelsFor` uses by default (the template loader does this). */
export function useLabelTable(table: LabelTable): void {
  current = table
}

/** The table `labelsFor` uses by default (what a render depends on, for a cache). */
export function currentLabelTable(): LabelTable {
  return current
}

/** Labels for a BCP 47 tag, by its primary language; English for what the table lacks. */
export function labelsFor(lang: string, table: LabelTable = current): Labels {
  const primary = lang.split('-')[0]!.toLowerCase()
  const labels = {...english, ...table.en, ...table[primary]}
  if (table[primary]?.dir === undefined) labels.dir = rightToLeftLanguages.has(primary) ? 'rtl' : 'ltr'
  return labels
}

/** `rtl` for a right-to-left language (`ar`, `he`, `fa`, `ur`…), else `ltr`. */
export function directionOf(lang: string): 'ltr' | 'rtl' {
  return labelsFor(lang).dir
}

/**
 * A date in words for `lang` ("5 April 2024"), always in UTC so that no reader's
 * time zone shifts the day. Bare `en` uses international day-month-year order.
 */
export function formatDate(date: Date, lang: string): string {
  const format = dateFormat(lang)
  return format ? format.format(date) : date.toISOString().slice(0, 10)
}

/** A formatter per language (making one costs about a millisecond, and a 200-article book formats hundreds of dates); `undefined` for a language Intl refuses. */
const dateFormats = new Map<string, Intl.DateTimeFormat | undefined>()

function dateFormat(lang: string): Intl.DateTimeFormat | undefined {
  if (dateFormats.has(lang)) return dateFormats.get(lang)
  const locale = lang.toLowerCase() === 'en' ? 'en-GB' : lang
  let format: Intl.DateTimeFormat | undefined
  try {
    format = new Intl.DateTimeFormat(locale, {day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC'})
  } catch {
    format = undefined
  }
  dateFormats.set(lang, format)
  return format
}

// Rich content (issue 14): callout titles, figure and table numbers, the
// references heading. A table of its own, in the shape of `labels`, so it can
// move into the editable labels file with them.

/** Words of rich content: callout titles, numbered captions, references. */
export interface RichLabels {
  note: string
  tip: string
  important: string
  warning: string
  caution: string
  figure: string
  table: string
  references: string
}

const richLabels: Record<string, RichLabels> = {
  en: {note: 'Note', tip: 'Tip', important: 'Important', warning: 'Warning', caution: 'Caution', figure: 'Figure', table: 'Table', references: 'References'},
  fr: {note: 'Remarque', tip: 'Astuce', important: 'Important', warning: 'Avertissement', caution: 'Attention', figure: 'Figure', table: 'Tableau', references: 'Références'},
  de: {note: 'Hinweis', tip: 'Tipp', important: 'Wichtig', warning: 'Warnung', caution: 'Vorsicht', figure: 'Abbildung', table: 'Tabelle', references: 'Literatur'},
  es: {note: 'Nota', tip: 'Consejo', important: 'Importante', warning: 'Advertencia', caution: 'Precaución', figure: 'Figura', table: 'Tabla', references: 'Referencias'},
  it: {note: 'Nota', tip: 'Suggerimento', important: 'Importante', warning: 'Avviso', caution: 'Attenzione', figure: 'Figura', table: 'Tabella', references: 'Bibliografia'},
  pt: {note: 'Nota', tip: 'Dica', important: 'Importante', warning: 'Aviso', caution: 'Cuidado', figure: 'Figura', table: 'Tabela', references: 'Referências'},
  nl: {note: 'Opmerking', tip: 'Tip', important: 'Belangrijk', warning: 'Waarschuwing', caution: 'Let op', figure: 'Figuur', table: 'Tabel', references: 'Literatuur'},
  ru: {note: 'Примечание', tip: 'Совет', important: 'Важно', warning: 'Предупреждение', caution: 'Осторожно', figure: 'Рисунок', table: 'Таблица', references: 'Список литературы'},
  uk: {note: 'Примітка', tip: 'Порада', important: 'Важливо', warning: 'Попередження', caution: 'Обережно', figure: 'Рисунок', table: 'Таблиця', references: 'Джерела'},
  hi: {note: 'टिप्पणी', tip: 'सुझाव', important: 'महत्वपूर्ण', warning: 'चेतावनी', caution: 'सावधानी', figure: 'चित्र', table: 'तालिका', references: 'संदर्भ'},
  ar: {note: 'ملاحظة', tip: 'نصيحة', important: 'مهم', warning: 'تحذير', caution: 'تنبيه', figure: 'شكل', table: 'جدول', references: 'المراجع'},
  he: {note: 'הערה', tip: 'טיפ', important: 'חשוב', warning: 'אזהרה', caution: 'זהירות', figure: 'איור', table: 'טבלה', references: 'מקורות'},
  zh: {note: '注', tip: '提示', important: '重要', warning: '警告', caution: '注意', figure: '图', table: '表', references: '参考文献'},
  ko: {note: '참고', tip: '팁', important: '중요', warning: '경고', caution: '주의', figure: '그림', table: '표', references: '참고 문헌'}
}

/** Rich content words for a BCP 47 tag, by its primary language; English otherwise. */
export function richLabelsFor(lang: string): RichLabels {
  return richLabels[lang.split('-')[0]!.toLowerCase()] ?? richLabels.en!
}
