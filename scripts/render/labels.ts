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
  nl: {note: 'Opmerking', tip: 'Tip', important: 'Belangrijk', warning: 'Waarschuwing', caution: 'Let op', figure: 'Figuur', table: 'Tabel', references: 'Literatuur'}
}

/** Rich content words for a BCP 47 tag, by its primary language; English otherwise. */
export function richLabelsFor(lang: string): RichLabels {
  return richLabels[lang.split('-')[0]!.toLowerCase()] ?? richLabels.en!
}
