/**
 * The in-memory cache the watch-session shortcuts use (`core/sized-cache.ts`):
 * bounded by the total size of what it keeps, least recently used out first.
 */
import {describe, expect, it} from 'vitest'
import {SizedCache} from '../scripts/core/sized-cache.js'

describe('SizedCache', () => {
  it('drops the least recently used while over its bound, a read counting as a use', () => {
    const cache = new SizedCache<string, number>(10)
    cache.set('a', 1, 4)
    cache.set('b', 2, 4)
    expect(cache.get('a')).toBe(1)
    cache.set('c', 3, 4)
    expect(cache.get('b')).toBeUndefined()
    expect(cache.get('a')).toBe(1)
    expect(cache.get('c')).toBe(3)
  })

  it('counts a replaced entry once, and drops an entry larger than the bound by itself', () => {
    const cache = new SizedCache<string, number>(10)
    cache.set('a', 1, 4)
    cache.set('a', 2, 4)
    cache.set('b', 3, 6)
    expect(cache.get('a')).toBe(2)
    expect(cache.get('b')).toBe(3)
    cache.set('big', 4, 11)
    expect([cache.get('a'), cache.get('b'), cache.get('big')]).toEqual([undefined, undefined, undefined])
  })
})
