/**
 * Load the designer-editable templates once and fill them. Templates are EJS:
 * `<%= value %>` escapes, `<%- html %>` inserts our own sanitised HTML or
 * values escaped by the helpers below. Content is never concatenated into HTML.
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import ejs from 'ejs'
import {type LabelTable, parseLabelTable, useLabelTable} from './labels.js'

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
  /** EPUB stylesheet (`epub/epub.css`). */
  epubCss: string
  /** EPUB templates handed to epub-gen-memory (EJS sources). */
  epub: {chapter: string; contentOpf: string; tocXhtml: string; tocNcx: string; cover: ejs.TemplateFunction}
  /** Words by language (`labels.yaml`; English alone when the folder has none). */
  labels: LabelTable
}

/** Read and compile every template in `dir`; throws naming the missing file. */
export async function loadTemplates(dir: string): Promise<Templates> {
  // Compiled partials are cached by file name; a reload (watch mode) must see their edits.
  ejs.clearCache()
  const read = async (name: string) => {
    const file = path.join(dir, name)
    try {
      return await fs.readFile(file, 'utf8')
    } catch (error) {
      throw new Error(`Cannot read template \`${file}\`: restore it from the repository or pass another \`--templates\` folder`, {cause: error})
    }
  }
  // One after another (a dozen small files): a missing one is named the same way every time.
  const print = await compileWith(read, dir, 'print.html')
  const printCss = await read('print.css')
  const book = await compileWith(read, dir, 'book.html')
  const bookCss = await read('book.css')
  const cover = await compileWith(read, dir, 'cover.svg')
  const epubCss = await read('epub/epub.css')
  const chapter = await read('epub/chapter.xhtml.ejs')
  const contentOpf = await read('epub/content.opf.ejs')
  const tocXhtml = await read('epub/toc.xhtml.ejs')
  const tocNcx = await read('epub/toc.ncx.ejs')
  const epubCover = await compileWith(read, dir, 'epub/cover.xhtml.ejs')
  const labels = await readLabels(dir)
  // The table every `labelsFor()` call uses from now on (renderers without the templates at hand).
  useLabelTable(labels)
  return {dir, print, printCss, book, bookCss, cover, epubCss, epub: {chapter, contentOpf, tocXhtml, tocNcx, cover: epubCover}, labels}
}

/** `labels.yaml` of a template folder; optional, so an older copied folder keeps working (in English). */
async function readLabels(dir: string): Promise<LabelTable> {
  const file = path.join(dir, 'labels.yaml')
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

async function compileWith(read: (name: string) => Promise<string>, dir: string, name: string): Promise<ejs.TemplateFunction> {
  const source = await read(name)
  try {
    // The full path lets templates include partials (`<%- include('partials/fonts.html') %>`).
    return ejs.compile(source, {filename: path.join(dir, name), cache: true})
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
