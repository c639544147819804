/**
 * Keep what follows a fenced code block's language (```` ```python numbers ````)
 * for `rehypeHighlightCode`: raw HTML parsing rebuilds the HTML tree and drops
 * node data, so the meta is recorded on the file by the block's start offset,
 * which the HTML tree keeps.
 */
import type {Root} from 'mdast'
import {visit} from 'unist-util-visit'
import type {VFile} from 'vfile'

declare module 'vfile' {
  interface DataMap {
    /** Fenced code meta strings by the block's start offset (set by `remarkCodeMeta`). */
    codeMeta: globalThis.Map<number, string>
  }
}

/** Record the meta of every fenced code block that has one. */
export default function remarkCodeMeta() {
  return (tree: Root, file: VFile) => {
    const metas = new Map<number, string>()
    visit(tree, 'code', (node) => {
      const offset = node.position?.start.offset
      if (node.meta && offset !== undefined) metas.set(offset, node.meta)
    })
    file.data.codeMeta = metas
  }
}
