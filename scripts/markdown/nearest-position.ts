/**
 * Where to report a message about a node. Elements the Markdown-to-HTML step
 * makes (a footnote's back-link, its section) have no position: the nearest
 * ancestor that has one is named instead, so every message keeps a line.
 */
import type {Node, Position} from 'unist'

/** `node`'s position, else that of its nearest positioned ancestor (`ancestors`: root first, as `visitParents` gives them). */
export function nearestPosition(node: Node, ancestors: readonly Node[]): Position | undefined {
  return node.position ?? ancestors.findLast((ancestor) => ancestor.position !== undefined)?.position
}
