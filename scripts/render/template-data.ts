/**
 * The one shape of template data. A handout is a publication of one article:
 * its page, a book's title pages, a book's article and a generated cover all
 * get the same fields, filled from a document or from a publication.
 */
import type {Publication} from '../config/schema.js'
import type {Document} from '../core/types.js'
import {formatDate, type Labels, labelsFor} from './labels.js'
import {cssString} from './templates.js'

/** What every template gets about the article or publication it shows. */
export interface TemplateData {
  lang: string
  /** `ltr` or `rtl`, from the language (`labels.yaml`). */
  dir: string
  /** Justify and hyphenate the print body (articles; front matter `justify`). */
  justify: boolean | undefined
  title: string
  subtitle: string | undefined
  /** Small label above the title (series or genre). */
  kicker: string | undefined
  publisher: string | undefined
  /** Authors joined by commas. */
  authors: string | undefined
  /** The date in words, only when the source or config states one. */
  dateText: string | undefined
  /** `YYYY-MM-DD` as stated. */
  dateIso: string | undefined
  /** Period the publication covers (books only). */
  period: string | undefined
  /** `lead · short title`: the running head of pages 2 onwards. */
  runningHead: string
  /** Date in words, then the authors (a book's article heading). */
  byline: string[]
  labels: Labels
  /** Escapes any text as a CSS string literal (for `content:` in `@page` rules). */
  cssString: typeof cssString
}

/**
 * The data of one article. `lead` starts its running head: the article's
 * publisher in a handout, the book's publisher (or title) in a book.
 */
export function articleData(document: Document, lead: string | undefined = document.meta.publisher): TemplateData {
  const {meta} = document
  const authorList = meta.author === undefined ? [] : [meta.author].flat()
  // The resolved date (front matter, SOURCE_DATE_EPOCH, last commit or mtime), in words.
  const dateText = formatDate(document.date, meta.lang)
  const labels = labelsFor(meta.lang)
  return {
    lang: meta.lang,
    dir: labels.dir,
    justify: meta.justify,
    title: meta.title,
    subtitle: meta.subtitle,
    kicker: meta.kicker,
    publisher: meta.publisher,
    authors: authorList.length > 0 ? authorList.join(', ') : undefined,
    dateText,
    dateIso: document.date.toISOString().slice(0, 10),
    period: undefined,
    runningHead: [lead, meta.runningHead ?? shortTitle(meta.title)].filter(Boolean).join(' · '),
    byline: [dateText, ...authorList].filter((part): part is string => Boolean(part)),
    labels,
    cssString
  }
}

/** How wide a running head's title may be, in ASCII letters (a wide letter, such as Chinese, counts two): one line at 8 pt. */
export const runningHeadWidth = 64

// Letters set at about twice a Latin letter's width.
const wide = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303F\uFF00-\uFF60]/u

/**
 * `title` as a running head shows it: whole when it fits `runningHeadWidth`,
 * else cut at the last space that fits (at the width, when a word is longer)
 * and ended with `…`, so the head stays one line in the margin.
 */
export function shortTitle(title: string): string {
  let width = 0
  let end = 0
  for (const character of title) {
    width += wide.test(character) ? 2 : 1
    if (width > runningHeadWidth) break
    end += character.length
  }
  if (end >= title.length) return title
  const space = title.lastIndexOf(' ', end)
  return `${title.slice(0, space > end / 2 ? space : end).trimEnd()}…`
}

/** The data of a publication as a whole (its cover and title pages). */
export function publicationData(publication: Publication, date: Date, publisher: string | undefined): TemplateData {
  const authorList = publication.author === undefined ? [] : [publication.author].flat()
  const dateText = publication.date ? formatDate(date, publication.lang) : undefined
  const labels = labelsFor(publication.lang)
  return {
    lang: publication.lang,
    dir: labels.dir,
    justify: undefined,
    title: publication.title,
    subtitle: publication.subtitle,
    kicker: undefined,
    publisher,
    authors: authorList.length > 0 ? authorList.join(', ') : undefined,
    dateText,
    dateIso: publication.date,
    period: publication.period,
    runningHead: [publisher ?? shortTitle(publication.title), shortTitle(publication.title)].join(' · '),
    byline: [dateText, ...authorList].filter((part): part is string => Boolean(part)),
    labels,
    cssString
  }
}
