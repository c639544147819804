/**
 * Read a source into a vfile, normalising what text editors and copy-paste
 * leave behind, so that later stages only ever see clean UTF-8 text.
 */
import fs from 'node:fs/promises'
import type {VFile} from 'vfile'
import {codePointName, illegalXmlCharacters} from '../core/xml-characters.js'

/** Largest source accepted by default, in bytes (a handout is a few KiB). */
export const maxSourceBytes = 4 * 1024 * 1024

/**
 * Read the file at `file.path` into `file.value`. Invalid UTF-8 and oversized files fail the file
 * (a message is attached and thrown); a BOM is dropped; characters that are
 * illegal in XML are removed with a warning at their place.
 */
export async function readSource(file: VFile, maxBytes = maxSourceBytes): Promise<void> {
  const buffer = await fs.readFile(file.path)
  if (buffer.byteLength > maxBytes) {
    file.fail(`Source is ${buffer.byteLength} bytes, over the limit of ${maxBytes}: split it into several articles (or raise \`--limit sourceBytes=N\`)`, {
      ruleId: 'source-too-large',
      source: 'handout'
    })
  }

  let value: string
  try {
    value = new TextDecoder('utf-8', {fatal: true}).decode(buffer)
  } catch {
    const offset = firstInvalidUtf8(buffer)
    const before = buffer.subarray(0, offset).toString('utf8')
    const line = before.split('\n').length
    const column = before.length - before.lastIndexOf('\n')
    file.fail('Source is not valid UTF-8: save it as UTF-8 in your editor', {
      place: {line, column},
      ruleId: 'invalid-utf8',
      source: 'handout'
    })
  }

  if (value.charCodeAt(0) === 0xfeff) value = value.slice(1)
  value = value.replace(/\r\n?/g, '\n')

  const illegalXml = illegalXmlCharacters()
  let reported = 0
  for (let match = illegalXml.exec(value); match && reported < 10; match = illegalXml.exec(value)) {
    const before = value.slice(0, match.index)
    file.message(`Removed control character \`${codePointName(match[0])}\`, which XML and e-readers reject`, {
      place: {line: before.split('\n').length, column: match.index - before.lastIndexOf('\n')},
      ruleId: 'control-character',
      source: 'handout'
    })
    reported++
  }
  file.value = value.replace(illegalXml, '')
}

/** Byte offset of the first malformed UTF-8 sequence (linear scan). */
function firstInvalidUtf8(buffer: Uint8Array): number {
  let index = 0
  while (index < buffer.length) {
    const byte = buffer[index]!
    const length = byte < 0x80 ? 1 : byte >= 0xc2 && byte < 0xe0 ? 2 : byte >= 0xe0 && byte < 0xf0 ? 3 : byte >= 0xf0 && byte < 0xf5 ? 4 : 0
    if (length === 0) return index
    try {
      new TextDecoder('utf-8', {fatal: true}).decode(buffer.subarray(index, index + length))
    } catch {
      return index
    }
    index += length
  }
  return index
}
