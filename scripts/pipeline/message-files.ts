/**
 * The files with messages of a build report's item, for whoever prints or
 * counts them (the CLI, watch, the preview): a source's file, or a book's and
 * those of its articles. Small on purpose: it loads none of the pipeline.
 */
import type {VFile} from 'vfile'
import type {PublicationReport, SourceReport} from './build.js'

/** Every file with messages of `item`: a source's, or a book's and its articles'. */
export function messageFiles(item: SourceReport | PublicationReport): VFile[] {
  return 'articleFiles' in item ? [item.file, ...item.articleFiles] : [item.file]
}
