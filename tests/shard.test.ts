/**
 * `--shard i/n`: n machines given 1/n … n/n build disjoint parts of the sorted
 * sources that together cover all of them, the same way on every run, with
 * output names that do not depend on the shard.
 */
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {findSources, parseShard, shardSources} from '../scripts/content/find-sources.js'

const split = <T>(items: readonly T[], count: number) => Array.from({length: count}, (_, i) => shardSources(items, {index: i + 1, count}))

describe('shardSources', () => {
  it('splits into disjoint parts that cover every source, sizes within one', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string(), {maxLength: 60}), fc.integer({min: 1, max: 12}), (items, count) => {
        const parts = split(items, count)
        const all = parts.flat()
        expect(all).toHaveLength(items.length)
        expect(new Set(all)).toEqual(new Set(items))
        const sizes = parts.map((part) => part.length)
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
      })
    )
  })

  it('is stable: the same input gives the same parts, in source order', () => {
    const items = Array.from({length: 10}, (_, i) => `article-${i}`)
    expect(split(items, 3)).toEqual(split([...items], 3))
    expect(shardSources(items, {index: 2, count: 3})).toEqual(['article-1', 'article-4', 'article-7'])
    expect(shardSources(items, undefined)).toEqual(items)
  })

  it('rejects impossible shards', () => {
    expect(() => shardSources([1, 2], {index: 0, count: 2})).toThrow(/Invalid shard/)
    expect(() => shardSources([1, 2], {index: 3, count: 2})).toThrow(/Invalid shard/)
  })
})

describe('parseShard', () => {
  it('reads i/n and refuses anything else', () => {
    expect(parseShard('1/3')).toEqual({index: 1, count: 3})
    expect(parseShard(' 3/3 ')).toEqual({index: 3, count: 3})
    for (const bad of ['0/3', '4/3', '1/0', '1', '1/2/3', 'a/b', '-1/2', '1.5/2', '']) expect(parseShard(bad)).toBeUndefined()
  })
})

describe('sharded findSources', () => {
  it('keeps the names the unsharded build gives, whatever the directory order', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'handout-shard-'))
    try {
      // Two sources whose names collide get suffixes over the whole list, before splitting.
      await fs.mkdir(path.join(dir, 'a'))
      await fs.mkdir(path.join(dir, 'b'))
      for (const file of ['a/intro.md', 'b/intro.md', 'c.md', 'd.md', 'e.md']) await fs.writeFile(path.join(dir, file), '# x\n')
      const all = await findSources(dir, ['.'])
      const parts = split(all, 2)
      expect(
        parts
          .flat()
          .map((source) => source.name)
          .sort()
      ).toEqual(all.map((source) => source.name).sort())
      expect(parts[1]!.map((source) => source.name)).toEqual(['intro-2', 'd'])
      expect(await findSources(dir, ['.'])).toEqual(all)
    } finally {
      await fs.rm(dir, {recursive: true, force: true})
    }
  })
})
