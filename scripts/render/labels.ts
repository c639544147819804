/**
 * Words the templates print, by language, and dates in words.
 */

/** Fixed words of the templates. */
export interface Labels {
  page: string
  of: string
  contents: string
  notes: string
}

const labels: Record<string, Labels> = {
  en: {page: 'Page', of: 'of', contents: 'Contents', notes: 'Notes'},
  fr: {page: 'Page', of: 'sur', contents: 'Sommaire', notes: 'Notes'},
  de: {page: 'Seite', of: 'von', contents: 'Inhalt', notes: 'Anmerkungen'},
  es: {page: 'Página', of: 'de', contents: 'Índice', notes: 'Notas'},
  it: {page: 'Pagina', of: 'di', contents: 'Indice', notes: 'Note'},
  pt: {page: 'Página', of: 'de', contents: 'Sumário', notes: 'Notas'},
  nl: {page: 'Pagina', of: 'van', contents: 'Inhoud', notes: 'Noten'}
}

/** Labels for a BCP 47 tag, by its primary language; English otherwise. */
export function labelsFor(lang: string): Labels {
  return labels[lang.split('-')[0]!.toLowerCase()] ?? labels.en!
}

/**
 * A date in words for `lang` ("5 April 2024"), always in UTC so that no reader's
 * time zone shifts the day. Bare `en` uses international day-month-year order.
 */
export function formatDate(date: Date, lang: string): string {
  const locale = lang.toLowerCase() === 'en' ? 'en-GB' : lang
  try {
    return new Intl.DateTimeFormat(locale, {day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC'}).format(date)
  } catch {
    return date.toISOString().slice(0, 10)
  }
}
