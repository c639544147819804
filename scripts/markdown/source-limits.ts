/**
 * Limits checked on the Markdown text before parsing, in one linear pass.
 * micromark is superlinear on a few shapes (cmark's pathological tests):
 * thousands of unmatched `*a_`, `a]` or backtick runs in one paragraph, and
 * list items nested hundreds of levels deep take from seconds to hours, and a
 * parse cannot be interrupted. No real handout comes near these numbers.
 */
import type {VFile} from 'vfile'

/** Limits of one source. Every default is written down. */
export interface SourceLimits {
  /**
   * Most emphasis, strikethrough and code runs (`*`, `_`, `~`, `` ` ``) plus
   * brackets (`[`, `]`) in one paragraph, outside fenced code and link
   * reference definitions (default: `1000`).
   */
  maxInlineMarkers?: number
  /** Deepest nesting of block quotes and list items (default: `32`). */
  maxBlockDepth?: number
  /** Deepest nesting of the parsed document tree, any node kind (default: `128`). */
  maxTreeDepth?: number
}

/** The defaults of `SourceLimits`. */
export const defaultSourceLimits: Required<SourceLimits> = {maxInlineMarkers: 1000, maxBlockDepth: 32, maxTreeDepth: 128}

const origin = 'handout:limits'

/** Fail `file` (a located message) when its text exceeds a limit. */
export function checkSourceLimits(file: VFile, limits: SourceLimits = {}): void {
  const {maxInlineMarkers, maxBlockDepth} = {...defaultSourceLimits, ...limits}
  const lines = String(file.value).split('\n')
  let fence: string | undefined
  let markers = 0
  let paragraphStart = 1
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!
    const lineNumber = index + 1

    // Block depth: `>` markers, and for a list item its indentation counted as list
    // levels (two columns each, the least a nested item needs).
    const prefix = /^[ \t>]*(?:(?:[*+-]|\d{1,9}[.)])(?=[ \t]|$))?/.exec(line)![0]
    if (fence === undefined && prefix.length > maxBlockDepth) {
      const quotes = prefix.split('>').length - 1
      const item = /[*+\-.)]$/.test(prefix)
      const columns = prefix.replace(/\t/g, '    ').replace(/>/g, '').length
      const depth = quotes + (item ? Math.floor(columns / 2) + 1 : 0)
      if (depth > maxBlockDepth) {
        file.fail(`Block quotes and lists nest about ${depth} levels deep here, over the limit of ${maxBlockDepth}: flatten the structure`, {
          place: {line: lineNumber, column: 1},
          ruleId: 'nesting-too-deep',
          source: origin
        })
      }
    }

    const fenceMatch = /^[ \t>]*(`{3,}|~{3,})/.exec(line)
    if (fence !== undefined) {
      if (fenceMatch && fenceMatch[1]!.startsWith(fence)) fence = undefined
      continue
    }
    if (fenceMatch) {
      fence = fenceMatch[1]!
      continue
    }
    if (line.trim() === '') {
      markers = 0
      paragraphStart = lineNumber + 1
      continue
    }
    // Link reference definitions (`[id]: url`) are parsed in linear time.
    if (/^[ \t>]*\[[^\]]+\]:/.test(line)) continue
    // A run of `*`, `_`, `~` or backticks is one delimiter; every bracket is one.
    const runs = line.match(/[*_~`]+|[[\]]/g) ?? []
    markers += runs.length
    // micromark looks for a closing run of the same length for every backtick run: long,
    // varied runs make that quadratic. No code span needs more than a few.
    const ticks = runs.find((run) => /`{33}/.test(run))
    if (ticks !== undefined) {
      file.fail(`Run of ${ticks.length} backticks: a code span needs at most a few (the limit is 32)`, {
        place: {line: lineNumber, column: line.indexOf(ticks) + 1},
        ruleId: 'too-many-markers',
        source: origin
      })
    }
    if (markers > maxInlineMarkers) {
      file.fail(`Paragraph has over ${maxInlineMarkers} emphasis, code or bracket markers (\`*\`, \`_\`, \`~\`, \`\` \` \`\`, \`[\`, \`]\`): split it or escape them with \`\\\``, {
        place: {line: paragraphStart, column: 1},
        ruleId: 'too-many-markers',
        source: origin
      })
    }
  }
}

/** Fail `file` when `tree` nests deeper than `maxTreeDepth` (an iterative walk: no recursion to overflow). */
export function checkTreeDepth(tree: {children?: unknown[]}, file: VFile, limits: SourceLimits = {}): void {
  const {maxTreeDepth} = {...defaultSourceLimits, ...limits}
  const stack: Array<{node: {children?: unknown[]; position?: {start: {line: number; column: number}}}; depth: number}> = [{node: tree, depth: 0}]
  while (stack.length > 0) {
    const {node, depth} = stack.pop()!
    if (depth > maxTreeDepth) {
      file.fail(`Content nests over ${maxTreeDepth} levels deep (emphasis, links, quotes or lists inside each other): flatten it`, {
        place: node.position?.start ?? {line: 1, column: 1},
        ruleId: 'nesting-too-deep',
        source: origin
      })
    }
    for (const child of node.children ?? []) stack.push({node: child as typeof node, depth: depth + 1})
  }
}
