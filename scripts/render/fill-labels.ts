/**
 * Words the parse stage leaves to the renderers, who know the article's
 * language: numbered labels (`<span data-label="figure">1</span>` → "Figure 1")
 * and empty callout titles (`aside.callout-note > p.callout-title` → "Note").
 * Shared by print and EPUB.
 */
import type {Element, Root} from 'hast'
import {visit} from 'unist-util-visit'
import {type RichLabels, richLabelsFor} from './labels.js'

/** Fill the labels of `tree` (a copy the renderer owns) in `lang`. */
export function fillLabels(tree: Root, lang: string): void {
  const words = richLabelsFor(lang)
  visit(tree, 'element', (node: Element) => {
    const key = node.properties.dataLabel
    if (typeof key === 'string') {
      delete node.properties.dataLabel
      const word = wordFor(words, key)
      if (word) node.children.unshift({type: 'text', value: node.children.length > 0 ? `${word}\u00a0` : word})
      return
    }
    if (node.tagName !== 'aside' || !classesOf(node).includes('callout')) return
    const type = classesOf(node)
      .find((name) => name.startsWith('callout-'))
      ?.slice('callout-'.length)
    const title = node.children.find((child): child is Element => child.type === 'element' && classesOf(child).includes('callout-title'))
    const word = type ? wordFor(words, type) : undefined
    if (title && title.children.length === 0 && word) title.children = [{type: 'text', value: word}]
  })
}

function wordFor(words: RichLabels, key: string): string | undefined {
  return Object.hasOwn(words, key) ? words[key as keyof RichLabels] : undefined
}

function classesOf(node: Element): string[] {
  return Array.isArray(node.properties.className) ? node.properties.className.map(String) : []
}
