/**
 * Find links to other articles (`[see](other.md#heading)`): resolve them to
 * the target's absolute path and fragment, mark the link with
 * `data-xref`, and list them on `file.data.crossReferences`. Renderers then
 * point them at the right chapter or page (`render/cross-references.ts`).
 * A link to a file that does not exist is a warning at the link.
 */
import fs from 'node:fs'
import path from 'node:path'
import type {Root} from 'hast'
import {visit} from 'unist-util-visit'
import type {VFile} from 'vfile'
import {recordFound} from '../content/file-reads.js'
import type {CrossReference} from '../core/types.js'

declare module 'vfile' {
  interface DataMap {
    /** Links to other articles (set by `rehypeCrossReferences`). */
    crossReferences: CrossReference[]
  }
}

const origin = 'handout:cross-references'

/** Mark and list links to other Markdown sources. */
export default function rehypeCrossReferences() {
  return (tree: Root, file: VFile) => {
    const references: CrossReference[] = []
    file.data.crossReferences = references
    if (!file.path) return
    const base = path.dirname(file.path)
    visit(tree, 'element', (node) => {
      if (node.tagName !== 'a' || typeof node.properties.href !== 'string') return
      const match = /^([^:?#]+\.(?:md|markdown))(?:#(.*))?$/i.exec(node.properties.href)
      if (!match) return
      let target: string
      let fragment: string
      try {
        target = path.resolve(base, decodeURIComponent(match[1]!))
        fragment = decodeURIComponent(match[2] ?? '')
      } catch {
        return
      }
      const found = fs.existsSync(target)
      // The build cache parses this source again when the article appears or goes.
      recordFound(file, target, found)
      if (!found) {
        file.message(`Link to \`${match[1]}\`: no such article (looked for \`${path.relative(base, target)}\`)`, {place: node.position, ruleId: 'cross-reference-missing', source: origin})
      }
      node.properties.dataXref = String(references.length)
      references.push({target, fragment, position: node.position})
    })
  }
}
