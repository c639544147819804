/**
 * The structure tree of a tagged PDF in one canonical form. Chromium numbers
 * structure elements after DOM node ids, which it hands out lazily and in an
 * order that depends on timing (a busy machine, what the renderer showed
 * before): table header cells, for one, came out in either order. Here the
 * children of every element are put in the order their content appears on
 * the pages, then the elements get object numbers and `node…` ids in that
 * order, so the same document always gives the same bytes.
 */
import {PDFArray, PDFDict, type PDFDocument, PDFHexString, PDFName, PDFNumber, type PDFObject, PDFRef, PDFString} from 'pdf-lib'

type Key = [page: number, mcid: number]

/** Put the structure tree of `document` in canonical order (a no-op for an untagged PDF). */
export function canonicalStructure(document: PDFDocument): void {
  const context = document.context
  const rootRef = document.catalog.get(PDFName.of('StructTreeRoot'))
  const root = document.catalog.lookupMaybe(PDFName.of('StructTreeRoot'), PDFDict)
  if (!root || !(rootRef instanceof PDFRef)) return
  const pageIndex = new Map(document.getPages().map((page, index) => [page.ref.toString(), index]))
  const keys = new Map<PDFRef, Key>()
  const infinity: Key = [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]
  const less = (a: Key, b: Key) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1])

  /** Sort the kids of `element` by where their content starts; returns where its own starts. */
  const order = (element: PDFDict, page: number, depth: number): Key => {
    const pg = element.get(PDFName.of('Pg'))
    const here = pg instanceof PDFRef ? (pageIndex.get(pg.toString()) ?? page) : page
    const kids = element.get(PDFName.of('K'))
    const kidKey = (kid: unknown): Key => {
      if (kid instanceof PDFNumber) return [here, kid.asNumber()]
      if (kid instanceof PDFRef) {
        const dict = context.lookupMaybe(kid, PDFDict)
        if (!dict || depth > 256) return infinity
        if (dict.get(PDFName.of('S'))) {
          const key = order(dict, here, depth + 1)
          keys.set(kid, key)
          return key
        }
        return markedContentKey(dict, here)
      }
      if (kid instanceof PDFDict) return markedContentKey(kid, here)
      return infinity
    }
    const markedContentKey = (dict: PDFDict, fallback: number): Key => {
      const mcid = dict.get(PDFName.of('MCID'))
      const mcPage = dict.get(PDFName.of('Pg'))
      const at = mcPage instanceof PDFRef ? (pageIndex.get(mcPage.toString()) ?? fallback) : fallback
      return mcid instanceof PDFNumber ? [at, mcid.asNumber()] : infinity
    }
    if (kids instanceof PDFArray) {
      const entries = kids.asArray().map((kid, index) => ({kid, key: kidKey(kid), index}))
      entries.sort((a, b) => (less(a.key, b.key) ? -1 : less(b.key, a.key) ? 1 : a.index - b.index))
      element.set(PDFName.of('K'), context.obj(entries.map((entry) => entry.kid)))
      return entries.reduce<Key>((min, entry) => (less(entry.key, min) ? entry.key : min), infinity)
    }
    return kids === undefined ? infinity : kidKey(kids)
  }
  order(root, 0, 0)

  // Elements in canonical reading order take the same set of object numbers, in order.
  const elements: PDFRef[] = []
  // Membership in a set: a book has tens of thousands of elements (a linear search made this quadratic).
  const collected = new Set<PDFRef>()
  const collect = (holder: PDFDict) => {
    const kids = holder.get(PDFName.of('K'))
    for (const kid of kids instanceof PDFArray ? kids.asArray() : [kids]) {
      if (kid instanceof PDFRef && keys.has(kid) && !collected.has(kid)) {
        collected.add(kid)
        elements.push(kid)
        collect(context.lookup(kid, PDFDict))
      }
    }
  }
  collect(root)
  const numbers = [...elements].sort((a, b) => a.objectNumber - b.objectNumber)
  const moved = new Map(elements.map((ref, index) => [ref, numbers[index]!]))
  const objects = elements.map((ref) => context.lookup(ref))
  for (const [index, ref] of numbers.entries()) context.assign(ref, objects[index]!)
  renameElements(context, objects, moved)
  sortIdTree(root.lookupMaybe(PDFName.of('IDTree'), PDFDict), context)
}

/**
 * Element ids in the order of `elements` (wherever they are used: the id tree,
 * table headers), and references to the elements `moved`: one pass over every
 * object (a book has hundreds of thousands). A `node…` string that names no
 * element gets a number after theirs, in its order.
 */
function renameElements(context: PDFDocument['context'], elements: ReadonlyArray<PDFObject | undefined>, moved: ReadonlyMap<PDFRef, PDFRef>): void {
  const ids = new Map<string, string>()
  const name = (n: number) => `node${String(n).padStart(8, '0')}`
  let next = 1
  for (const object of elements) {
    const id = object instanceof PDFDict ? object.get(PDFName.of('ID')) : undefined
    if (id instanceof PDFString || id instanceof PDFHexString) ids.set(id.decodeText(), name(next++))
  }
  const dangling: Place[] = []
  const seen = new Set<unknown>()
  for (const [, object] of context.enumerateIndirectObjects()) rewrite(object, {moved, ids, dangling, seen})
  const leftover = [...new Set(dangling.map((place) => place.value))].sort((a, b) => a - b)
  const leftoverNames = new Map(leftover.map((value, index) => [value, PDFString.of(name(next + index))]))
  for (const place of dangling) set(place.holder, place.key, leftoverNames.get(place.value)!)
}

/** Where a `node…` string naming no element is, and its number. */
interface Place {
  holder: PDFDict | PDFArray
  key: PDFName | number
  value: number
}

interface Rewrite {
  moved: ReadonlyMap<PDFRef, PDFRef>
  ids: ReadonlyMap<string, string>
  dangling: Place[]
  /** Objects done: each is rewritten once, however many hold it. */
  seen: Set<unknown>
}

function set(holder: PDFDict | PDFArray, key: PDFName | number, value: PDFObject): void {
  if (holder instanceof PDFDict) holder.set(key as PDFName, value)
  else holder.set(key as number, value)
}

/** In `object` (dicts and arrays, deeply): references in `moved` moved, strings that are element ids renamed. */
function rewrite(object: unknown, job: Rewrite): void {
  if (job.seen.has(object)) return
  job.seen.add(object)
  const one = (holder: PDFDict | PDFArray, key: PDFName | number, value: PDFObject) => {
    if (value instanceof PDFRef) {
      const to = job.moved.get(value)
      if (to) set(holder, key, to)
    } else if (value instanceof PDFString || value instanceof PDFHexString) {
      const text = value.decodeText()
      const to = job.ids.get(text)
      if (to !== undefined) set(holder, key, PDFString.of(to))
      else {
        const match = /^node(\d+)$/.exec(text)
        if (match) job.dangling.push({holder, key, value: Number(match[1])})
      }
    } else rewrite(value, job)
  }
  if (object instanceof PDFDict) for (const [key, value] of object.entries()) one(object, key, value)
  else if (object instanceof PDFArray) for (let index = 0; index < object.size(); index++) one(object, index, object.get(index))
}

/** Sort each `/Names` array of a (flat or nested) name tree again, and its limits. */
function sortIdTree(tree: PDFDict | undefined, context: PDFDocument['context']): void {
  if (!tree) return
  const names = tree.lookupMaybe(PDFName.of('Names'), PDFArray)
  if (names) {
    const pairs: Array<[string, unknown]> = []
    for (let index = 0; index + 1 < names.size(); index += 2) {
      const name = names.lookup(index)
      const text = name instanceof PDFString || name instanceof PDFHexString ? name.decodeText() : ''
      pairs.push([text, names.get(index + 1)])
    }
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    tree.set(PDFName.of('Names'), context.obj(pairs.flatMap(([name, value]) => [PDFString.of(name), value as PDFRef])))
    const first = pairs[0]?.[0]
    const last = pairs.at(-1)?.[0]
    if (first !== undefined && last !== undefined && tree.get(PDFName.of('Limits'))) tree.set(PDFName.of('Limits'), context.obj([PDFString.of(first), PDFString.of(last)]))
  }
  const kids = tree.lookupMaybe(PDFName.of('Kids'), PDFArray)
  for (let index = 0; kids && index < kids.size(); index++) sortIdTree(kids.lookupMaybe(index, PDFDict), context)
}
