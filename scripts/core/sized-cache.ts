/**
 * An in-memory cache bounded by the total size of what it keeps (each entry
 * is given its own measure: bytes, characters): the least recently used go
 * first. For work a watch session would otherwise repeat after every edit
 * (parsed runs of a book, normalised EPUB chapters).
 */
export class SizedCache<K, V> {
  readonly #entries = new Map<K, {value: V; size: number}>()
  readonly #maxSize: number
  #size = 0

  /** Keep at most `maxSize` in all. */
  constructor(maxSize: number) {
    this.#maxSize = maxSize
  }

  /** The value kept for `key`, now the most recently used. */
  get(key: K): V | undefined {
    const entry = this.#entries.get(key)
    if (!entry) return undefined
    this.#entries.delete(key)
    this.#entries.set(key, entry)
    return entry.value
  }

  /** Keep `value` (of `size`) for `key`, then drop the least recently used while over the bound (this one too, if it alone is over). */
  set(key: K, value: V, size: number): void {
    const old = this.#entries.get(key)
    if (old) {
      this.#entries.delete(key)
      this.#size -= old.size
    }
    this.#entries.set(key, {value, size})
    this.#size += size
    for (const [oldest, entry] of this.#entries) {
      if (this.#size <= this.#maxSize) break
      this.#entries.delete(oldest)
      this.#size -= entry.size
    }
  }
}
