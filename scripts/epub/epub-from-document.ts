/**
 * Document model → the EPUB book description of a single-article handout.
 */
import type {Document, Heading} from '../model/types.js'
import {labelsFor} from '../render/labels.js'
import {renderEpubBody} from '../render/render-epub.js'
import {formatDate} from '../render/labels.js'
import {generator} from '../version.js'
import type {EpubBook, NavItem} from './write-epub.js'

const chapterFile = 'article.xhtml'

/** Describe the EPUB of one article; `cover` is the cover image's bytes. */
export function epubFromDocument(document: Document, cover: {data: Uint8Array; mediaType: string}): EpubBook {
  const {meta} = document
  const authors = meta.author === undefined ? [] : [meta.author].flat()
  const byline = [meta.date ? formatDate(document.date, meta.lang) : undefined, ...authors, meta.publisher].filter((part): part is string => Boolean(part))
  return {
    id: document.id,
    title: meta.title,
    subtitle: meta.subtitle,
    lang: meta.lang,
    creators: authors.length > 0 ? authors : meta.publisher ? [meta.publisher] : [],
    creatorRole: authors.length > 0 ? 'aut' : 'none',
    publisher: meta.publisher,
    date: meta.date,
    description: meta.description,
    subjects: meta.tags,
    modified: document.date,
    chapters: [{filename: chapterFile, title: meta.title, html: renderEpubBody(document), article: {kicker: meta.kicker, subtitle: meta.subtitle, byline}}],
    nav: [{title: meta.title, href: chapterFile, children: nest(document.headings, chapterFile)}],
    assets: [...document.assets.values()],
    cover: {...cover, alt: `Cover: ${meta.title}${meta.publisher ? `, ${meta.publisher}` : ''}`},
    generator,
    labels: labelsFor(meta.lang)
  }
}

/** Nest a flat heading list by depth. */
export function nest(headings: readonly Heading[], file: string): NavItem[] {
  const root: NavItem[] = []
  const stack: Array<{depth: number; children: NavItem[]}> = [{depth: 0, children: root}]
  for (const heading of headings) {
    while (stack.length > 1 && stack[stack.length - 1]!.depth >= heading.depth) stack.pop()
    const item: NavItem = {title: heading.text, href: `${file}#${heading.id}`, children: []}
    stack[stack.length - 1]!.children.push(item)
    stack.push({depth: heading.depth, children: item.children})
  }
  return root
}
