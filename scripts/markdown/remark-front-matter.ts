/**
 * Parse and validate the YAML front matter found by remark-frontmatter, and
 * remove it from the tree: the templates render title, date and publisher.
 */
import type {Root, Yaml} from 'mdast'
import type {VFile} from 'vfile'
import {frontMatterSchema, type FrontMatter} from '../config/schema.js'
import {readYaml} from '../config/safe-yaml.js'

declare module 'vfile' {
  interface DataMap {
    /** Validated front matter (set by `remarkFrontMatter`). */
    frontMatter: FrontMatter
  }
}

/** Largest front matter block accepted, in characters. */
export const maxFrontMatterLength = 64 * 1024

const origin = 'handout:front-matter'

/** Parse, validate and remove the front matter; fail the file if it is unusable. */
export default function remarkFrontMatter() {
  return (tree: Root, file: VFile) => {
    // `---js`, `---javascript`, `---coffee`…: gray-matter runs these as code. We never do,
    // and silently treating them as text would hide the author's mistake.
    const engine = /^---[ \t]*([A-Za-z][\w-]*)[ \t]*\n/.exec(String(file.value))
    if (engine) {
      file.fail(`Front matter engine \`${engine[1]}\` is not supported: use plain YAML between \`---\` lines`, {
        place: {line: 1, column: 4},
        ruleId: 'front-matter-engine',
        source: origin
      })
    }

    const node = tree.children[0]
    if (node?.type !== 'yaml') {
      file.fail('Missing front matter: start the file with `---`, a line `title: …`, and `---`', {
        place: {line: 1, column: 1},
        ruleId: 'front-matter-missing',
        source: origin
      })
    }
    tree.children.shift()

    // YAML starts on the line after the opening `---`.
    const firstLine = ((node as Yaml).position?.start.line ?? 1) + 1
    if (node.value.length > maxFrontMatterLength) {
      file.fail(`Front matter is ${node.value.length} characters, over the limit of ${maxFrontMatterLength}`, {
        place: {line: firstLine, column: 1},
        ruleId: 'front-matter-too-large',
        source: origin
      })
    }

    file.data.frontMatter = readYaml(node.value, frontMatterSchema, file, {firstLine, origin, label: 'front matter'})
  }
}
