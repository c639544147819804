/**
 * The render side of rich content: words filled in the article's language,
 * the contents list, math and page breaks in the EPUB.
 */
import path from 'node:path'
import {toHtml} from 'hast-util-to-html'
import {describe, expect, it} from 'vitest'
import {VFile} from 'vfile'
import type {Document} from '../scripts/core/types.js'
import {createProcessor, toHtmlTree} from '../scripts/markdown/processor.js'
import {contentsList} from '../scripts/render/contents-list.js'
import {fillLabels} from '../scripts/render/fill-labels.js'
import {currentLabelTable, parseLabelTable, useLabelTable} from '../scripts/render/labels.js'
import {renderEpubBody} from '../scripts/render/render-epub.js'
import {repo} from './support/tools.js'

const processor = createProcessor({root: repo})

async function documentOf(markdown: string): Promise<Document> {
  const file = new VFile({path: path.join(repo, 'tests', 'fixtures', 'markdown', 'doc.md'), value: markdown})
  const tree = await toHtmlTree(processor, file)
  return {
    file,
    name: 'doc',
    meta: file.data.frontMatter!,
    tree,
    headings: file.data.headings ?? [],
    crossReferences: file.data.crossReferences ?? [],
    assets: new Map(),
    date: new Date(0),
    id: 'urn:x'
  }
}

describe('rich content rendering', () => {
  it('fills callout titles and numbered labels in the article language', async () => {
    const document = await documentOf('---\ntitle: T\nlang: fr\n---\n\n> [!WARNING]\n> Chaud.\n\n| a |\n| - |\n| b |\n\nTable: Légende {#tbl:t}\n\nVoir @tbl:t.\n')
    const tree = structuredClone(document.tree)
    fillLabels(tree, document.meta.lang)
    const html = toHtml(tree)
    expect(html).toContain('<p class="callout-title">Avertissement</p>')
    expect(html).toContain('<caption><span class="caption-label">Tableau\u00a01</span>: Légende</caption>')
    expect(html).toContain('<a href="#tbl-t" class="xref-number"><span class="caption-label">Tableau\u00a01</span></a>')
  })

  it('lists headings down to tocDepth, nested, only when toc is on', async () => {
    const body = '\n## One\n\n### One.1\n\n#### Deep\n\n## Two\n'
    const on = await documentOf(`---\ntitle: T\ntoc: true\ntocDepth: 3\n---\n${body}`)
    expect(toHtml(contentsList(on)!)).toBe(
      '<nav class="contents-list" aria-label="Contents"><p class="contents-list-title">Contents</p><ol><li><a href="#one">One</a><ol><li><a href="#one1">One.1</a></li></ol></li><li><a href="#two">Two</a></li></ol></nav>'
    )
    expect(contentsList(await documentOf(`---\ntitle: T\n---\n${body}`))).toBeUndefined()
  })

  it('names headings without their footnote references, in contents and bookmarks', async () => {
    const document = await documentOf('---\ntitle: T\n---\n\n## A note[^1] here\n\n[^1]: The note.\n')
    expect(document.headings.map((heading) => heading.text)).toEqual(['A note here'])
  })

  it('gives the EPUB MathML with alttext and drops page breaks', async () => {
    const html = renderEpubBody(await documentOf('---\ntitle: T\n---\n\n$x^2$\n\n\\newpage\n\nEnd.\n'))
    expect(html).toMatch(/^<p><span class="math-inline" dir="ltr"><math xmlns="http:\/\/www.w3.org\/1998\/Math\/MathML" alttext="x\^2" dir="ltr"><semantics>/)
    expect(html).not.toMatch(/katex|page-break/)
  })

  it('displays `$$…$$` written on one line, as a block alone in its paragraph and inside a line as well', async () => {
    const html = renderEpubBody(await documentOf('---\ntitle: T\n---\n\n$$E = mc^2$$\n\nWith $$\\frac{a}{b}$$ in a line, $x$ inline, `$$code$$`, and $$5.\n'))
    expect(html).toMatch(/^<div class="math-display" dir="ltr"><math xmlns="http:\/\/www.w3.org\/1998\/Math\/MathML" display="block" alttext="E = mc\^2"/)
    expect(html).toContain('<p>With <span class="math-inline" dir="ltr"><math xmlns="http://www.w3.org/1998/Math/MathML" display="block" alttext="\\frac{a}{b}"')
    expect(html).toContain('<span class="math-inline" dir="ltr"><math xmlns="http://www.w3.org/1998/Math/MathML" alttext="x"')
    expect(html).toContain('<code>$$code$$</code>, and $$5.</p>')
  })

  it('stops a formula whose macros expand past 20,000 tokens, and typesets macros used in measure', async () => {
    const body = `x+`.repeat(2000)
    const bomb = await documentOf(`---\ntitle: T\n---\n\n$$\n\\def\\a{${body}x}${'\\a'.repeat(30)}\n$$\n\n$$\\newcommand{\\Rn}{\\mathbb{R}^n}\\def\\f#1{f(#1)} \\Rn \\f{x} + \\f{y}$$\n`)
    expect(bomb.file.messages.map((message) => [message.line, message.ruleId, message.reason.replace(/`[^`]*`/, '`…`')])).toEqual([
      [5, 'math-invalid', 'Invalid TeX `…`: its macros expand to over 20000 tokens; shown as code']
    ])
    const html = renderEpubBody(bomb)
    // The bomb stays its TeX, as code; the measured macros are typeset.
    expect(html).toContain('<pre><code class="math-error">\\def\\a{x+x+')
    expect(html).toContain('alttext="\\newcommand{\\Rn}{\\mathbb{R}^n}\\def\\f#1{f(#1)} \\Rn \\f{x} + \\f{y}"')
  })

  it('renders a chapter again when where its links go or the labels change, and only then', async () => {
    const document = await documentOf('---\ntitle: T\n---\n\nSee [the other](other.md#part).[^1]\n\n[^1]: A note.\n')
    expect(document.crossReferences).toHaveLength(1)
    const plain = renderEpubBody(document)
    expect(plain).toContain('>Notes</h2>')
    expect(plain).not.toContain('href="other.xhtml#part"')
    // The same document and the same answers: the same text (remembered, not rendered again).
    expect(renderEpubBody(document)).toBe(plain)
    const linked = renderEpubBody(document, () => 'other.xhtml#part')
    expect(linked).toContain('href="other.xhtml#part"')
    expect(renderEpubBody(document)).toBe(plain)
    const before = currentLabelTable()
    try {
      useLabelTable(parseLabelTable('en:\n  notes: Endnotes\n'))
      expect(renderEpubBody(document)).toContain('>Endnotes</h2>')
    } finally {
      useLabelTable(before)
    }
    expect(renderEpubBody(document)).toBe(plain)
  })
})
