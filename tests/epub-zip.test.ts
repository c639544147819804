/**
 * How the EPUB's files are zipped: files that are compressed already (WOFF2
 * fonts, JPEG images) are stored as they are, everything else is deflated.
 */
import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {build} from '../scripts/index.js'
import {tempProject} from './support/tools.js'

/** Each entry's compression method (0 stored, 8 deflated), read from the zip's local file headers. */
function methods(zip: Buffer): Map<string, number> {
  const result = new Map<string, number>()
  for (let at = zip.indexOf('PK\x03\x04'); at >= 0; at = zip.indexOf('PK\x03\x04', at + 4)) {
    const method = zip.readUInt16LE(at + 8)
    const nameLength = zip.readUInt16LE(at + 26)
    result.set(zip.toString('utf8', at + 30, at + 30 + nameLength), method)
  }
  return result
}

// The smallest baseline JPEG (1 × 1, grey): starts with the SOI and JFIF markers, as sniffing wants.
const jpeg = Buffer.from(
  'ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b080001000101011100ffc4001f0000010501010101010100000000000000000102030405060708090a0bffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00fbd3ffd9',
  'hex'
)

describe('the EPUB zip', {timeout: 120_000}, () => {
  it('stores WOFF2 fonts and JPEG images as they are, and deflates text and PNG', async () => {
    const root = tempProject({
      'content/hindi.md': '---\ntitle: नमस्ते\nlang: hi\n---\n\nयह एक छोटा लेख है, हिंदी में लिखा हुआ।\n\n![A grey dot](dot.jpg)\n',
      'content/dot.jpg': jpeg
    })
    const report = await build({root, formats: ['epub'], cache: false})
    expect(report.ok, JSON.stringify(report.sources.flatMap((source) => source.file.messages.map(String)))).toBe(true)
    const entries = methods(fs.readFileSync(path.join(root, 'dist', 'hindi.epub')))
    const of = (pattern: RegExp) => [...entries].filter(([name]) => pattern.test(name))
    expect(of(/\.woff2$/).length).toBeGreaterThan(0)
    expect(of(/\.jpe?g$/).length).toBe(1)
    for (const [name, method] of [...of(/\.woff2$/), ...of(/\.jpe?g$/)]) expect(method, name).toBe(0)
    // The generated cover's PNG shrinks when deflated again.
    expect(of(/cover\.png$/)).toEqual([['OEBPS/cover.png', 8]])
    for (const [name, method] of of(/\.(xhtml|opf|ncx|css)$/)) expect(method, name).toBe(8)
    expect(entries.get('mimetype')).toBe(0)
  })
})
