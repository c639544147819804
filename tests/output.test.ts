/**
 * The output stage's hygiene (issue 11): temporary files of our own naming
 * pattern left by a killed build are removed at start (only those, only old
 * ones), a file in place of the output folder is an `OutDirError`, and file
 * system errors become one sentence naming the output and what to do.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {describeWriteError, OutDirError, prepareOutDir, removeStaleTemps} from '../scripts/output/out-dir.js'
import {isTempName, tempNameFor, writeAtomic} from '../scripts/output/write-atomic.js'

let base = ''

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'handout-output-'))
})

afterAll(() => {
  if (base) fs.rmSync(base, {recursive: true, force: true})
})

describe('temporary file names', () => {
  test('ours are recognised, and nothing a user or another tool writes is', () => {
    const name = tempNameFor('/out/a.pdf')
    expect(name).toMatch(/^\.a\.pdf\.[0-9a-f]{12}\.handout\.tmp$/)
    expect(isTempName(name)).toBe(true)
    expect(tempNameFor('/out/a.pdf')).not.toBe(name)
    for (const other of [
      'a.pdf',
      '.a.pdf.tmp',
      '.a.pdf.1234abcd.tmp',
      'a.pdf.0123456789ab.handout.tmp',
      '.a.pdf.0123456789AB.handout.tmp',
      '.a.pdf.0123456789ab.handout.tmp.keep',
      '.handout.tmp',
      'notes.tmp'
    ]) {
      expect(isTempName(other), other).toBe(false)
    }
  })

  test('writeAtomic leaves only the target behind', async () => {
    const dir = fs.mkdtempSync(path.join(base, 'write-'))
    await writeAtomic(path.join(dir, 'a.pdf'), new Uint8Array([1, 2, 3]))
    expect(fs.readdirSync(dir)).toEqual(['a.pdf'])
  })
})

describe('removeStaleTemps', () => {
  test('removes our old temp files and nothing else', async () => {
    const dir = fs.mkdtempSync(path.join(base, 'stale-'))
    const started = new Date()
    const old = new Date(started.getTime() - 3_600_000)
    const write = (name: string, mtime: Date) => {
      fs.writeFileSync(path.join(dir, name), 'x')
      fs.utimesSync(path.join(dir, name), mtime, mtime)
    }
    const stale = tempNameFor(path.join(dir, 'a.pdf'))
    const fresh = tempNameFor(path.join(dir, 'b.epub'))
    write(stale, old)
    write(fresh, new Date(started.getTime() + 1000))
    // Old, and named like a temp file, but not ours: kept.
    for (const name of ['a.pdf', '.a.pdf.tmp', '.notes.md.swp', '.a.pdf.1a2b3c.tmp', 'a.pdf.0123456789ab.handout.tmp']) write(name, old)
    fs.mkdirSync(path.join(dir, 'sub'))
    write(path.join('sub', tempNameFor('c.pdf')), old)
    // A symlink named like ours, pointing at a file that must survive.
    fs.writeFileSync(path.join(base, 'precious.txt'), 'keep')
    fs.symlinkSync(path.join(base, 'precious.txt'), path.join(dir, tempNameFor('d.pdf')))

    const removed = await removeStaleTemps(dir, {olderThan: started})

    expect(removed).toEqual([path.join(dir, stale)])
    const left = fs.readdirSync(dir).sort()
    expect(left).not.toContain(stale)
    expect(left).toContain(fresh)
    expect(left.filter((name) => !isTempName(name))).toEqual(['.a.pdf.1a2b3c.tmp', '.a.pdf.tmp', '.notes.md.swp', 'a.pdf', 'a.pdf.0123456789ab.handout.tmp', 'sub'])
    expect(fs.readdirSync(path.join(dir, 'sub'))).toHaveLength(1)
    expect(fs.readFileSync(path.join(base, 'precious.txt'), 'utf8')).toBe('keep')
  })

  test('a missing output folder is no error', async () => {
    expect(await removeStaleTemps(path.join(base, 'never-made'), {olderThan: new Date()})).toEqual([])
  })
})

describe('prepareOutDir', () => {
  test('creates the folder and its parents', async () => {
    const dir = path.join(base, 'made', 'deep', 'dist')
    await prepareOutDir(dir)
    expect(fs.statSync(dir).isDirectory()).toBe(true)
    await prepareOutDir(dir)
  })

  test('a file in place of the folder, or on its path, is an OutDirError naming it', async () => {
    const file = path.join(base, 'dist-file')
    fs.writeFileSync(file, 'not a folder')
    for (const outDir of [file, path.join(file, 'inner')]) {
      const error = await prepareOutDir(outDir).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(OutDirError)
      expect((error as OutDirError).outDir).toBe(outDir)
      expect((error as Error).message).toBe(`The output folder \`${outDir}\` is a file (or lies below one): move that file, or choose another --out`)
      expect(['EEXIST', 'ENOTDIR']).toContain(((error as Error).cause as NodeJS.ErrnoException).code)
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('not a folder')
  })
})

describe('describeWriteError', () => {
  const errno = (code: string) => Object.assign(new Error(`${code}: something, write`), {code, errno: -1, syscall: 'write'})
  const cases: Array<[string, RegExp]> = [
    ['ENOSPC', /^No space left on device writing `dist\/a\.pdf`: free some space or choose another --out$/],
    ['EDQUOT', /^Disk quota exceeded writing `dist\/a\.pdf`: /],
    ['EACCES', /^Permission denied writing `dist\/a\.pdf`: make its folder writable or choose another --out$/],
    ['EPERM', /^Not permitted to write `dist\/a\.pdf`: /],
    ['EEXIST', /^Cannot write `dist\/a\.pdf`: a file stands where a folder on its path should be: /],
    ['EROFS', /^Read-only file system writing `dist\/a\.pdf`: choose another --out on a writable disk$/],
    ['ENOTDIR', /^Cannot write `dist\/a\.pdf`: part of its path is a file, not a folder: /],
    ['EISDIR', /^Cannot write `dist\/a\.pdf`: a folder stands in its place: /],
    ['EIO', /^Cannot write `dist\/a\.pdf` \(EIO\): check the output folder or choose another --out$/]
  ]
  for (const [code, message] of cases) {
    test(`${code}: one sentence naming the output, the original error as cause`, () => {
      const original = errno(code)
      const described = describeWriteError(original, 'dist/a.pdf')
      expect(described.message).toMatch(message)
      expect(described.message).not.toMatch(/\n/)
      expect(described.cause).toBe(original)
    })
  }

  test('a real EISDIR from writeAtomic is described', async () => {
    const dir = fs.mkdtempSync(path.join(base, 'isdir-'))
    fs.mkdirSync(path.join(dir, 'a.pdf'))
    const error = await writeAtomic(path.join(dir, 'a.pdf'), new Uint8Array([1])).catch((caught: unknown) => caught)
    expect(describeWriteError(error, 'dist/a.pdf').message).toMatch(/^Cannot write `dist\/a\.pdf`: a folder stands in its place/)
    // The failed write left no temp file.
    expect(fs.readdirSync(dir)).toEqual(['a.pdf'])
  })

  test('something that is no errno error still gets a sentence', () => {
    expect(describeWriteError('boom', 'x.epub').message).toBe('Cannot write `x.epub` (boom): check the output folder or choose another --out')
  })
})
