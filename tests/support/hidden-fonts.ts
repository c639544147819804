/**
 * A fontconfig set-up that hides the machine's fonts from Chromium, so a test
 * proves the output depends only on the fonts the project ships.
 *
 * Chromium 156 cannot load any web font when fontconfig lists no font at all
 * (every `FontFace` ends in status `error` and the PDF has no text: tried
 * here), so the one font fontconfig lists is a stand-in: the Latin subset of a
 * shipped family (Source Sans 3), unpacked from its WOFF. It has no glyph of any
 * other script, and its name is a shipped one, so a PDF whose `pdffonts` lists
 * only shipped families took nothing from the machine.
 */
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import {repo} from './tools.js'

/** Write `fonts.conf` (and its one stand-in font) under `dir`; returns the file for `FONTCONFIG_FILE`. */
export function hiddenFontsConfig(dir: string): string {
  const fonts = path.join(dir, 'fonts')
  fs.mkdirSync(fonts, {recursive: true})
  const woff = fs.readFileSync(path.join(repo, 'node_modules/@fontsource/source-sans-3/files/source-sans-3-latin-400-normal.woff'))
  fs.writeFileSync(path.join(fonts, 'stand-in.ttf'), woffToSfnt(woff))
  const file = path.join(dir, 'fonts.conf')
  fs.writeFileSync(file, `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${fonts}</dir>\n  <cachedir>${path.join(dir, 'cache')}</cachedir>\n</fontconfig>\n`)
  return file
}

/** WOFF 1.0 → the TrueType/OpenType file it packs (tables inflated, directory rebuilt). */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.toString('latin1', 0, 4) !== 'wOFF') throw new Error('not a WOFF file')
  const count = woff.readUInt16BE(12)
  const tables = Array.from({length: count}, (_, index) => {
    const entry = 44 + index * 20
    const offset = woff.readUInt32BE(entry + 4)
    const compressed = woff.readUInt32BE(entry + 8)
    const length = woff.readUInt32BE(entry + 12)
    const raw = woff.subarray(offset, offset + compressed)
    return {tag: woff.subarray(entry, entry + 4), checksum: woff.readUInt32BE(entry + 16), data: compressed < length ? zlib.inflateSync(raw) : raw}
  })
  const header = Buffer.alloc(12 + count * 16)
  woff.copy(header, 0, 4, 8)
  header.writeUInt16BE(count, 4)
  const power = 2 ** Math.floor(Math.log2(count))
  header.writeUInt16BE(power * 16, 6)
  header.writeUInt16BE(Math.log2(power), 8)
  header.writeUInt16BE(count * 16 - power * 16, 10)
  const parts: Buffer[] = [header]
  let offset = header.length
  tables.forEach((table, index) => {
    const record = 12 + index * 16
    table.tag.copy(header, record)
    header.writeUInt32BE(table.checksum, record + 4)
    header.writeUInt32BE(offset, record + 8)
    header.writeUInt32BE(table.data.length, record + 12)
    const padded = Buffer.alloc(Math.ceil(table.data.length / 4) * 4)
    table.data.copy(padded)
    parts.push(padded)
    offset += padded.length
  })
  return Buffer.concat(parts)
}
