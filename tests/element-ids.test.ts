import type {Root} from 'hast'
import {describe, expect, it} from 'vitest'
import {documentIds, elementIds} from '../scripts/core/element-ids.js'

const tree = (): Root => ({
  type: 'root',
  children: [
    {type: 'element', tagName: 'h2', properties: {id: 'intro'}, children: [{type: 'text', value: 'Intro'}]},
    {type: 'element', tagName: 'p', properties: {}, children: [{type: 'element', tagName: 'span', properties: {id: 'note'}, children: []}]}
  ]
})

describe('element ids', () => {
  it('are the string ids of every element, however deep', () => {
    expect([...elementIds(tree())]).toEqual(['intro', 'note'])
  })

  it('of a parsed document are found once: its tree is not changed after the parse', () => {
    const document = {tree: tree()}
    const first = documentIds(document)
    expect([...first]).toEqual(['intro', 'note'])
    // Changed all the same (which nothing does): the ids found first stand.
    document.tree.children.push({type: 'element', tagName: 'p', properties: {id: 'late'}, children: []})
    expect(documentIds(document)).toBe(first)
    // Another document (a new parse) has its own.
    const other = documentIds({tree: tree()})
    expect(other).not.toBe(first)
    expect([...other]).toEqual(['intro', 'note'])
    expect([...elementIds(document.tree)]).toEqual(['intro', 'note', 'late'])
  })
})
