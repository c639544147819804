/** The part of citation-js (no types of its own) that `rehypeCitations` uses. */
declare module '@citation-js/core' {
  /** A CSL-JSON item. */
  export interface CslItem {
    id: string
    [key: string]: unknown
  }
  /** A cited item with its locator (`p. 12`). */
  export interface CiteItem {
    id: string
    locator?: string
    label?: string
  }
  export class Cite {
    constructor(data: unknown, options?: {forceType?: string})
    data: CslItem[]
    format(format: 'citation' | 'bibliography', options: {format: 'html' | 'text'; template: string; lang: string; entry?: Array<string | CiteItem>}): string
  }
  export const plugins: {
    config: {get(name: '@csl'): {templates: {add(name: string, xml: string): void; has(name: string): boolean}; locales: {has(name: string): boolean}}}
  }
}
declare module '@citation-js/plugin-bibtex'
declare module '@citation-js/plugin-csl'
