/**
 * A title for every source: front matter `title`, else the first `#` heading
 * (removed from the body, so the masthead does not repeat it; a link to it
 * goes to the title), else the file name made readable. Most Markdown in the world (READMEs, changelogs, notes)
 * has no front matter but says its title in its first heading.
 */
import path from 'node:path'
import GithubSlugger from 'github-slugger'
import type {Heading, Nodes, Root} from 'mdast'
import type {VFile} from 'vfile'

declare module 'vfile' {
  interface DataMap {
    /**
     * The id the heading that became the title would have had (`rehype-slug`'s, as
     * GitHub gives it): a link to it goes to the title (`rehypeLinks`).
     */
    titleSlug: string
  }
}

/** Resolve `file.data.frontMatter.title`. Runs after `remarkFrontMatter`. */
export default function remarkTitleFromHeading() {
  return (tree: Root, file: VFile) => {
    const meta = file.data.frontMatter
    if (meta === undefined || meta.title !== '') return
    const heading = takeTitleHeading(tree)
    meta.title = heading?.text ?? titleFromFileName(file.path)
    if (heading?.removed) file.data.titleSlug = new GithubSlugger().slug(heading.raw)
  }
}

/**
 * Remove the first top-level `#` heading with text from `tree` and return its
 * text (whitespace collapsed, and as written) and whether it left the body,
 * or `undefined` when there is none.
 */
export function takeTitleHeading(tree: Root): {text: string; raw: string; removed: boolean} | undefined {
  const index = tree.children.findIndex((node) => node.type === 'heading' && node.depth === 1 && plainText(node).trim() !== '')
  if (index === -1) return undefined
  const heading = tree.children[index] as Heading
  const raw = plainText(heading)
  const text = raw.replace(/\s+/g, ' ').trim()
  // A heading that also shows an image or HTML (a README's logo) stays in the body.
  const removed = !heading.children.some((child) => child.type === 'image' || child.type === 'imageReference' || child.type === 'html')
  if (removed) tree.children.splice(index, 1)
  // The schema's limit for a written title: a longer heading is cut at a word.
  return {text: text.length <= 300 ? text : `${text.slice(0, 299).replace(/\s+\S*$/, '')}…`, raw, removed}
}

/** `two_words-here.md` → `Two words here`; `README.md` stays `README`. */
export function titleFromFileName(filePath: string | undefined): string {
  const base = path.basename(filePath ?? 'Untitled', path.extname(filePath ?? ''))
  const words =
    base
      .replace(/[-_.]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim() || 'Untitled'
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** Text of a Markdown node, as written (iterative: no recursion to overflow). */
function plainText(node: Nodes): string {
  const parts: string[] = []
  const stack: Nodes[] = [node]
  while (stack.length > 0) {
    const current = stack.pop()!
    if ('value' in current && typeof current.value === 'string' && current.type !== 'html') parts.push(current.value)
    if ('children' in current) for (let index = current.children.length - 1; index >= 0; index--) stack.push(current.children[index]!)
  }
  return parts.join('')
}
