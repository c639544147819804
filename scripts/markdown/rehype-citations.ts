/**
 * Citations (Pandoc's syntax): `[@key]`, `[@key, p. 12]`, `[@a; @b]` in text,
 * with a `bibliography:` file (BibTeX `.bib` or CSL-JSON `.json`) named in the
 * front matter, formatted by citation-js with a bundled CSL style (`csl:`,
 * default APA) and locale: offline, nothing fetched. Each citation links to its
 * entry in a references section at the end of the body (before the notes).
 * Runs after the sanitiser: citeproc's HTML, made from the bibliography (content,
 * so untrusted), goes through a small schema of its own.
 */
import {createHash} from 'node:crypto'
import path from 'node:path'
import type {Element, ElementContent, Root, Text} from 'hast'
import {fromHtml} from 'hast-util-from-html'
import {sanitize, type Schema} from 'hast-util-sanitize'
import {SKIP, visit} from 'unist-util-visit'
import type {VFile} from 'vfile'
import {location} from 'vfile-location'
import {recordRead} from '../content/file-reads.js'
import {loadProjectFile} from '../content/load-project-file.js'

/** Options of `rehypeCitations`. */
export interface Options {
  /** Project root: the bibliography and style must be inside it (required). */
  root: string
}

const origin = 'handout:citations'
// Linear on any input: brackets holding an `@`, then each `;`-separated item checked alone.
const group = /\[([^[\]]*@[^[\]]*)\]/g
// An optional prefix ending in a space (so `a@b.example` is no citation), `@key` (no trailing punctuation), an optional `, locator`.
const item = /^(?:[^@]*\s)?@([\p{L}\p{N}_](?:[\p{L}\p{N}_:.#$%&+?<>~/-]*[\p{L}\p{N}_])?)\s*(?:,(.*))?$/su
const locatorLabels: Record<string, string> = {
  p: 'page',
  pp: 'page',
  page: 'page',
  pages: 'page',
  ch: 'chapter',
  chap: 'chapter',
  chapter: 'chapter',
  sec: 'section',
  section: 'section',
  para: 'paragraph',
  fig: 'figure',
  vol: 'volume'
}
const bundledStyles = ['apa', 'vancouver', 'harvard1']
const bundledLocales: Record<string, string> = {en: 'en-US', fr: 'fr-FR', de: 'de-DE', es: 'es-ES', nl: 'nl-NL'}

interface Found {
  node: Text
  parent: Element | Root
  match: RegExpMatchArray
  items: Array<{id: string; locator?: string; label?: string}>
}

/** Format `[@key]` citations and append the references. */
export default function rehypeCitations(options: Options) {
  return async (tree: Root, file: VFile) => {
    const found = findCitations(tree)
    const meta = file.data.frontMatter
    if (found.length === 0 || !meta) return
    const place = location(file)
    // Text split by an earlier plugin (autolinks) has no place: its parent's.
    const at = (citation: Found) => {
      const start = citation.node.position?.start
      return start?.offset === undefined ? (start ?? citation.parent.position?.start) : place.toPoint(start.offset + citation.match.index!)
    }
    if (!meta.bibliography) {
      const first = found[0]!
      file.message(`Citation \`${first.match[0]}\` but no \`bibliography\` in the front matter: name a BibTeX or CSL-JSON file`, {
        place: at(first),
        ruleId: 'citation-no-bibliography',
        source: origin
      })
      return
    }
    const base = file.path ? path.dirname(file.path) : options.root
    const frontMatterPlace = keyPlace(file, 'bibliography')
    const loaded = loadProjectFile(meta.bibliography, base, options.root)
    recordRead(file, loaded.read?.path, loaded.read?.text)
    if (!loaded.ok) {
      file.message(`Front matter \`bibliography\`: ${loaded.reason}`, {place: frontMatterPlace, ruleId: loaded.ruleId, source: origin})
      return
    }
    const {Cite, plugins} = await import('./citation-engine.js')
    let library: InstanceType<typeof Cite>
    try {
      library = new Cite(/\.json$/i.test(loaded.real) ? JSON.parse(loaded.text) : loaded.text, /\.json$/i.test(loaded.real) ? {forceType: '@csl/list+object'} : {forceType: '@biblatex/text'})
    } catch (error) {
      file.message(`Front matter \`bibliography\`: cannot read \`${meta.bibliography}\`: ${(error as Error).message}`, {place: frontMatterPlace, ruleId: 'bibliography-invalid', source: origin})
      return
    }
    const template = styleOf(meta.csl, base, options.root, file, plugins)
    const lang = bundledLocales[meta.lang.split('-')[0]!.toLowerCase()] ?? 'en-US'
    const known = new Map(library.data.map((entry) => [entry.id, entry]))

    // Cited entries in order of first citation: numeric styles number them so.
    const cited: string[] = []
    const usable = found.filter((citation) => {
      const missing = citation.items.find((entry) => !known.has(entry.id))
      if (missing) {
        file.message(`Unknown citation key \`@${missing.id}\`: it is not in \`${meta.bibliography}\``, {place: at(citation), ruleId: 'citation-unknown', source: origin})
        return false
      }
      for (const entry of citation.items) if (!cited.includes(entry.id)) cited.push(entry.id)
      return true
    })
    if (usable.length === 0) return
    const used = new Cite(cited.map((id) => known.get(id)))
    for (const citation of usable.reverse()) {
      // Last first: splitting a text node leaves the earlier matches' offsets valid.
      const html = used.format('citation', {format: 'html', template, lang, entry: citation.items})
      replaceCitation(citation, html)
    }
    appendReferences(tree, used.format('bibliography', {format: 'html', template, lang}))
  }
}

function findCitations(tree: Root): Found[] {
  const found: Found[] = []
  visit(tree, 'text', (node: Text, _index, parent) => {
    if (!parent || !node.value.includes('@')) return
    if (parent.type === 'element' && ['code', 'pre', 'a', 'kbd'].includes(parent.tagName)) return
    for (const match of node.value.matchAll(group)) {
      const items = match[1]!.split(';').map((part) => item.exec(part))
      // `[@fig:x]` is a reference (`rehypeNumbering`), not a citation.
      if (items.some((entry) => !entry || /^(fig|tbl):/.test(entry[1]!))) continue
      found.push({
        node,
        parent,
        match,
        items: items.map((entry) => ({id: entry![1]!, ...locatorOf(entry![2]?.trim())}))
      })
    }
  })
  return found
}

function locatorOf(text: string | undefined): {locator?: string; label?: string} {
  if (!text) return {}
  const labelled = /^([a-z]+)\.?\s+(.+)$/i.exec(text)
  const label = labelled ? locatorLabels[labelled[1]!.toLowerCase()] : undefined
  return label ? {label, locator: labelled![2]!} : {label: 'page', locator: text}
}

function replaceCitation(citation: Found, html: string): void {
  const {node, parent, match} = citation
  const after = node.value.slice(match.index! + match[0].length)
  const link: Element = {type: 'element', tagName: 'a', properties: {href: `#${refId(citation.items[0]!.id)}`, className: ['citation']}, children: cleanHtml(html)}
  // The node keeps the text before: earlier citations of the same node (handled later) still point into it.
  node.value = node.value.slice(0, match.index)
  parent.children.splice(parent.children.indexOf(node) + 1, 0, link, ...(after ? [{type: 'text' as const, value: after}] : []))
}

function appendReferences(tree: Root, html: string): void {
  const entries: Element[] = []
  visit(fromHtml(html, {fragment: true}), 'element', (node: Element) => {
    const classes = Array.isArray(node.properties.className) ? node.properties.className.map(String) : []
    if (!classes.includes('csl-entry')) return
    const id = String(node.properties.dataCslEntryId ?? '')
    entries.push({type: 'element', tagName: 'div', properties: {id: refId(id), className: ['csl-entry']}, children: cleanHtml(node.children)})
    return SKIP
  })
  const section: Element = {
    type: 'element',
    tagName: 'section',
    properties: {className: ['references'], role: 'doc-bibliography', id: 'references'},
    children: [{type: 'element', tagName: 'p', properties: {className: ['references-title'], dataLabel: 'references'}, children: []}, ...entries]
  }
  const notes = tree.children.findIndex((child) => child.type === 'element' && child.tagName === 'section' && child.properties.dataFootnotes !== undefined)
  if (notes === -1) tree.children.push(section)
  else tree.children.splice(notes, 0, section)
}

// Formatting only: the bibliography is content, so no attributes but http(s) links.
const cslSchema: Schema = {
  tagNames: ['i', 'b', 'em', 'strong', 'sup', 'sub', 'span', 'a'],
  attributes: {a: ['href']},
  protocols: {href: ['http', 'https']},
  strip: ['script', 'style']
}

function cleanHtml(html: string | ElementContent[]): ElementContent[] {
  const root: Root = typeof html === 'string' ? fromHtml(html.trim(), {fragment: true}) : {type: 'root', children: html}
  const clean = sanitize(root, cslSchema)
  return (clean.type === 'root' ? clean.children : [clean]) as ElementContent[]
}

function refId(key: string): string {
  return `ref-${key.replace(/[^\p{L}\p{N}_-]/gu, '-')}`
}

function keyPlace(file: VFile, key: string) {
  const line =
    String(file.value)
      .split('\n')
      .findIndex((text) => text.startsWith(`${key}:`)) + 1
  return {line: Math.max(1, line), column: 1}
}

function styleOf(csl: string | undefined, base: string, root: string, file: VFile, plugins: typeof import('./citation-engine.js').plugins): string {
  if (!csl || bundledStyles.includes(csl)) return csl ?? 'apa'
  const loaded = loadProjectFile(csl, base, root)
  recordRead(file, loaded.read?.path, loaded.read?.text)
  if (!loaded.ok) {
    file.message(`Front matter \`csl\`: ${loaded.reason}; using APA`, {place: keyPlace(file, 'csl'), ruleId: loaded.ruleId, source: origin})
    return 'apa'
  }
  const name = `custom-${createHash('sha256').update(loaded.text).digest('hex').slice(0, 12)}`
  const templates = plugins.config.get('@csl').templates
  if (!templates.has(name)) templates.add(name, loaded.text)
  return name
}
