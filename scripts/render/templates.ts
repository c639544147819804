/**
 * Load the designer-editable templates once and fill them. Templates are EJS:
 * `<%= value %>` escapes, `<%- html %>` inserts our own sanitised HTML or
 * values escaped by the helpers below. Content is never concatenated into HTML.
 */
import {createHash} from 'node:crypto'
import {existsSync} from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import ejs from 'ejs'
import {type LabelTable, parseLabelTable, useLabelTable} from './labels.js'
import {packageDir} from '../core/version.js'

/** The package's own templates: every file a project's `templates/` does not override. */
export const packageTemplatesDir = path.join(packageDir, 'templates')

/** The files of a template folder, read once per build or watch session. */
export interface Templates {
  /** Folder they came from. */
  dir: string
  /** Print page (`print.html`) as a compiled function. */
  print: ejs.TemplateFunction
  /** Print stylesheet (`print.css`). */
  printCss: string
  /** Compiled book page (`book.html`). */
  book: ejs.TemplateFunction
  /** Book stylesheet (`book.css`), loaded after `print.css`. */
  bookCss: string
  /** Generated cover (`cover.svg`; fill it with `coverSvg`). */
  cover: ejs.TemplateFunction
  /**
   * What the cover template is, for the cover cache: a hash of `cover.svg`'s
   * source; `undefined` when it includes other files (then a cover is known
   * by its filled SVG only).
   */
  coverKey: string | undefined
  /** EPUB stylesheet (`epub/epub.css`). */
  epubCss: string
  /** EPUB templates handed to epub-gen-memory (EJS sources). */
  epub: {chapter: string; contentOpf: string; tocXhtml: string; tocNcx: string; cover: ejs.TemplateFunction}
  /** Words by language (`labels.yaml`; English alone when the folder has none). */
  labels: LabelTable
}

/**
 * Read and compile every template. Each file (partials included) comes from
 * `dir` when it has one, else from `defaults` (the package's own): a project
 * overrides single files. `dir` need not exist. Throws naming a missing file.
 */
export async function loadTemplates(dir: string, defaults: string = packageTemplatesDir): Promise<Templates> {
  // Compiled partials are cached by file name; a reload (watch mode) must see their edits.
  ejs.clearCache()
  const layers = path.resolve(dir) === path.resolve(defaults) ? [dir] : [dir, defaults]
  const locate = (name: string) => layers.map((layer) => path.join(layer, name)).find((file) => existsSync(file)) ?? path.join(layers.at(-1)!, name)
  const read = async (name: string) => {
    const file = locate(name)
    try {
      return {file, source: await fs.readFile(file, 'utf8')}
    } catch (error) {
      throw new Error(`Cannot read template \`${file}\`: restore it, or reinstall the package`, {cause: error})
    }
  }
  // `include('partials/x')` from either layer is looked up in the layers again, project first.
  // ejs passes no resolved path when the file is missing beside the including one: then it is relative to the folder.
  const includer = (original: string, resolved: string | undefined) => {
    if (resolved === undefined) return {filename: locate(original)}
    const layer = layers.find((candidate) => !path.relative(candidate, resolved).startsWith('..'))
    return {filename: layer === undefined ? resolved : locate(path.relative(layer, resolved))}
  }
  const text = async (name: string) => (await read(name)).source
  const compile = async (name: string) => compileWith(await read(name), includer, name)
  // One after another (a dozen small files): a missing one is named the same way every time.
  const print = await compile('print.html')
  const printCss = await text('print.css')
  const book = await compile('book.html')
  const bookCss = await text('book.css')
  const coverFile = await read('cover.svg')
  const cover = compileWith(coverFile, includer, 'cover.svg')
  const coverKey = includesOthers(coverFile.source) ? undefined : createHash('sha256').update(coverFile.source).digest('hex')
  const epubCss = await text('epub/epub.css')
  const chapter = await text('epub/chapter.xhtml.ejs')
  const contentOpf = await text('epub/content.opf.ejs')
  const tocXhtml = await text('epub/toc.xhtml.ejs')
  const tocNcx = await text('epub/toc.ncx.ejs')
  const epubCover = await compile('epub/cover.xhtml.ejs')
  const labels = await readLabels(locate('labels.yaml'))
  // The table every `labelsFor()` call uses from now on (renderers without the templates at hand).
  useLabelTable(labels)
  return {dir, print, printCss, book, bookCss, cover, coverKey, epubCss, epub: {chapter, contentOpf, tocXhtml, tocNcx, cover: epubCover}, labels}
}

/** A template folder's `labels.yaml`; optional, so an older copied folder keeps working (in English). */
async function readLabels(file: string): Promise<LabelTable> {
  let source: string
  try {
    source = await fs.readFile(file, 'utf8')
  } catch {
    return {}
  }
  try {
    return parseLabelTable(source, file)
  } catch (error) {
    throw new Error(`Template \`labels.yaml\` has an error: ${(error as Error).message}`, {cause: error})
  }
}

/** Whether a template's source calls `include()`: then what it shows depends on other files, known only as it runs. */
function includesOthers(source: string): boolean {
  return /\binclude\s*\(/.test(source)
}

function compileWith({file, source}: {file: string; source: string}, includer: ejs.IncluderCallback, name: string): ejs.TemplateFunction {
  try {
    // The full path lets templates include partials (`<%- include('partials/fonts.html') %>`).
    return ejs.compile(source, {filename: file, cache: true, includer})
  } catch (error) {
    throw new Error(`Template \`${name}\` has an error: ${(error as Error).message}`, {cause: error})
  }
}

/**
 * A CSS string literal for any text: every character outside `[A-Za-z0-9 ]` is
 * written as a hex escape, so nothing in it can end the string or the `<style>`.
 */
export function cssString(value: string): string {
  let result = '"'
  for (const char of value) {
    result += /[A-Za-z0-9 ]/.test(char) ? char : `\\${char.codePointAt(0)!.toString(16)} `
  }
  return result + '"'
}
