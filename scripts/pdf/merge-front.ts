/**
 * Put documents printed on their own into one PDF: a book's front matter
 * (cover, title page, contents) before its body, and the runs of its body
 * one after another. The target stays where it is; the other document's
 * pages, tags, bookmarks and destinations are copied in, before or after:
 * - structure tree: its elements go under the target's document element;
 *   its pages' `StructParents` and its annotations' `StructParent` move past
 *   the target's parent-tree keys, and their parent-tree entries come along;
 *   element ids get a prefix so they cannot collide with the target's;
 * - links: links name their targets (`/Dest /a3`), and names are looked up
 *   in the merged document, so a link lands in whichever part has the name;
 * - bookmarks: the other's before or after the target's, at the top level
 *   (`finishPdf` nests them again from the expected outline);
 * - page labels (front matter): its pages i, ii, …, the body's 1, 2, … (its folios).
 */
import {createHash} from 'node:crypto'
import {PDFArray, type PDFContext, PDFDict, type PDFDocument, PDFHexString, PDFName, PDFNull, PDFNumber, type PDFObject, PDFPage, PDFPageLeaf, PDFRawStream, PDFRef, PDFString} from 'pdf-lib'

/** Options of `prependFrontMatter`. */
export interface FrontMatterOptions {
  /** Add a blank page after the front if it has an odd number, so that the body's page 1 is a right-hand page. */
  evenPages?: boolean
}

/** Copy the pages of `front` before the pages of `body`, with their tags, bookmarks and links. */
export function prependFrontMatter(body: PDFDocument, front: PDFDocument, options: FrontMatterOptions = {}): void {
  let frontPageCount = insertDocument(body, front, {start: true, idPrefix: 'front-', fontTag: 'FRONT'})
  if (options.evenPages && frontPageCount % 2 === 1) {
    const {width, height} = body.getPage(frontPageCount - 1).getSize()
    body.insertPage(frontPageCount++, [width, height])
  }
  const to = body.context
  body.catalog.set(PDFName.of('PageLabels'), to.obj({Nums: [0, to.obj({S: PDFName.of('r')}), frontPageCount, to.obj({S: PDFName.of('D')})]}))
}

/**
 * Copy the pages of `next` after the pages of `document`, with their tags,
 * bookmarks and links; `index` (from 1) tells the copies' element ids and
 * font subsets from those of the other documents appended.
 */
export function appendDocument(document: PDFDocument, next: PDFDocument, index: number): void {
  insertDocument(document, next, {start: false, idPrefix: `part${index}-`, fontTag: fontTagOf(index)})
}

/** Five capital letters for a font subset tag (`AAAAAB` is Chromium's counter; ours start at `Q`). */
function fontTagOf(index: number): string {
  let tag = ''
  for (let rest = index, place = 0; place < 4; place++, rest = Math.floor(rest / 26)) tag = String.fromCharCode(65 + (rest % 26)) + tag
  return `Q${tag}`
}

interface InsertOptions {
  /** Before the target's pages (else after). */
  start: boolean
  /** Prefix of the copied elements' ids. */
  idPrefix: string
  /** Five capital letters for the copied font subsets' tags. */
  fontTag: string
}

/** Copy `source` into `target`, before or after its pages; returns the pages copied. */
function insertDocument(target: PDFDocument, source: PDFDocument, options: InsertOptions): number {
  const body = target
  const front = source
  const from = front.context
  const to = body.context
  // Element ids: every document names its elements `node…` from a counter of its own (Chromium's,
  // or `canonicalStructure`'s), so the copies' ids, and the references to them, take a prefix.
  const {copy, refs} = copier(from, to, options.idPrefix)

  const bodyRoot = body.catalog.lookupMaybe(PDFName.of('StructTreeRoot'), PDFDict)
  const frontRoot = front.catalog.lookupMaybe(PDFName.of('StructTreeRoot'), PDFDict)
  const tagged = bodyRoot !== undefined && frontRoot !== undefined
  const keyOffset = tagged ? parentTreeNextKey(bodyRoot) : 0
  if (tagged) {
    // The front's root and document element are the body's.
    refs.set(String(front.catalog.get(PDFName.of('StructTreeRoot'))), body.catalog.get(PDFName.of('StructTreeRoot')) as PDFRef)
    const frontDocument = frontRoot.get(PDFName.of('K'))
    const bodyDocument = bodyRoot.get(PDFName.of('K'))
    if (frontDocument instanceof PDFRef && bodyDocument instanceof PDFRef) refs.set(frontDocument.toString(), bodyDocument)
  }
  const frontOutlines = front.catalog.get(PDFName.of('Outlines'))
  const bodyOutlines = body.catalog.get(PDFName.of('Outlines'))
  if (frontOutlines instanceof PDFRef && bodyOutlines instanceof PDFRef) refs.set(frontOutlines.toString(), bodyOutlines)

  // Pages: their refs first (tags and bookmarks point at them), then their contents.
  const frontPages = front.getPages()
  const firstIndex = options.start ? 0 : body.getPageCount()
  const pageRefs = frontPages.map((page) => {
    const ref = to.nextRef()
    refs.set(page.ref.toString(), ref)
    return ref
  })
  frontPages.forEach((page, index) => {
    const leaf = PDFPageLeaf.fromMapWithContext(new Map(), to, false)
    for (const [key, value] of page.node.entries()) {
      if (key === PDFName.of('Parent')) continue
      leaf.set(key, key === PDFName.of('StructParents') && value instanceof PDFNumber ? PDFNumber.of(value.asNumber() + keyOffset) : copy(value))
    }
    to.assign(pageRefs[index]!, leaf)
    // Link annotations' StructParent keys move like the pages'.
    const annots = leaf.lookupMaybe(PDFName.of('Annots'), PDFArray)
    for (let at = 0; annots && at < annots.size(); at++) {
      const annot = annots.lookupMaybe(at, PDFDict)
      const key = annot?.get(PDFName.of('StructParent'))
      if (annot && key instanceof PDFNumber) annot.set(PDFName.of('StructParent'), PDFNumber.of(key.asNumber() + keyOffset))
    }
    body.insertPage(firstIndex + index, PDFPage.of(leaf, pageRefs[index]!, body))
  })
  retagFontSubsets(body, pageRefs, options.fontTag)
  if (tagged) mergeStructure(body, bodyRoot, frontRoot, copy, keyOffset, options)
  mergeOutline(body, front, copy, options.start)
  mergeDests(body, front, copy)
  return frontPages.length
}

type Copy = (object: PDFObject) => PDFObject

const idKey = PDFName.of('ID')
const headersKey = PDFName.of('Headers')

/**
 * A deep copy from `from` into `to`, each indirect object once (`refs`: the
 * source's ref → the copy's); the strings that name elements (an element's
 * `ID`, a table cell's `Headers`) take `prefix` as they are copied, also one
 * that names no element of `from`: it must not come to name one of `to`'s.
 */
function copier(from: PDFContext, to: PDFContext, prefix: string): {copy: Copy; refs: Map<string, PDFRef>} {
  const refs = new Map<string, PDFRef>()
  const renamed = (value: PDFObject): PDFObject => {
    if (value instanceof PDFArray) return to.obj(value.asArray().map(renamed))
    const text = value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : undefined
    return text === undefined ? value : PDFString.of(`${prefix}${text}`)
  }
  const copy = (object: PDFObject): PDFObject => {
    if (object instanceof PDFRef) {
      const known = refs.get(object.toString())
      if (known) return known
      const ref = to.nextRef()
      refs.set(object.toString(), ref)
      to.assign(ref, copy(from.lookup(object) ?? PDFNull))
      return ref
    }
    if (object instanceof PDFRawStream) return PDFRawStream.of(copy(object.dict) as PDFDict, object.contents)
    if (object instanceof PDFDict) {
      const dict = PDFDict.withContext(to)
      for (const [key, value] of object.entries()) dict.set(key, key === idKey || key === headersKey ? renamed(copy(value)) : copy(value))
      return dict
    }
    if (object instanceof PDFArray) {
      const array = PDFArray.withContext(to)
      for (const value of object.asArray()) array.push(copy(value))
      return array
    }
    // Names, numbers, strings, booleans, null: immutable values, shared.
    return object
  }
  return {copy, refs}
}

/**
 * Chromium tags each document's font subsets from the same counter (`AAAAAA+`,
 * `BAAAAA+`, …): the front's could bear the same name as a different subset of
 * the body's. The copies' become `AFRONT+`, `BFRONT+`, … (with `tag`; copies of their own objects).
 */
export function retagFontSubsets(body: PDFDocument, pageRefs: readonly PDFRef[], tag: string): void {
  const retag = (dict: PDFDict | undefined, key: string) => {
    const name = dict?.get(PDFName.of(key))
    const match = name instanceof PDFName ? /^([A-Z])[A-Z]{5}\+(.*)$/.exec(name.decodeText()) : null
    if (dict && match) dict.set(PDFName.of(key), PDFName.of(`${match[1]}${tag}+${match[2]}`))
  }
  const done = new Set<PDFDict>()
  for (const ref of pageRefs) {
    const fonts = body.context.lookup(ref, PDFDict).lookupMaybe(PDFName.of('Resources'), PDFDict)?.lookupMaybe(PDFName.of('Font'), PDFDict)
    for (const [, value] of fonts?.entries() ?? []) {
      const font = value instanceof PDFRef ? body.context.lookupMaybe(value, PDFDict) : undefined
      if (!font || done.has(font)) continue
      done.add(font)
      retag(font, 'BaseFont')
      retag(font.lookupMaybe(PDFName.of('FontDescriptor'), PDFDict), 'FontName')
      const descendants = font.lookupMaybe(PDFName.of('DescendantFonts'), PDFArray)
      for (let index = 0; descendants && index < descendants.size(); index++) {
        const descendant = descendants.lookupMaybe(index, PDFDict)
        retag(descendant, 'BaseFont')
        retag(descendant?.lookupMaybe(PDFName.of('FontDescriptor'), PDFDict), 'FontName')
      }
    }
  }
}

function parentTreeNextKey(root: PDFDict): number {
  const next = root.get(PDFName.of('ParentTreeNextKey'))
  if (next instanceof PDFNumber) return next.asNumber()
  let max = -1
  for (const [key] of numberTreeEntries(root.lookupMaybe(PDFName.of('ParentTree'), PDFDict))) max = Math.max(max, key)
  return max + 1
}

/** The entries of a number tree, flat or nested, in order. */
function numberTreeEntries(tree: PDFDict | undefined, depth = 0): Array<[number, PDFObject]> {
  if (!tree || depth > 32) return []
  const entries: Array<[number, PDFObject]> = []
  const nums = tree.lookupMaybe(PDFName.of('Nums'), PDFArray)
  for (let index = 0; nums && index + 1 < nums.size(); index += 2) {
    const key = nums.get(index)
    if (key instanceof PDFNumber) entries.push([key.asNumber(), nums.get(index + 1)])
  }
  const kids = tree.lookupMaybe(PDFName.of('Kids'), PDFArray)
  for (let index = 0; kids && index < kids.size(); index++) entries.push(...numberTreeEntries(kids.lookupMaybe(index, PDFDict), depth + 1))
  return entries
}

/** The entries of a name tree, flat or nested, in order. */
function nameTreeEntries(tree: PDFDict | undefined, depth = 0): Array<[PDFString | PDFHexString, PDFObject]> {
  if (!tree || depth > 32) return []
  const entries: Array<[PDFString | PDFHexString, PDFObject]> = []
  const names = tree.lookupMaybe(PDFName.of('Names'), PDFArray)
  for (let index = 0; names && index + 1 < names.size(); index += 2) {
    const key = names.get(index)
    if (key instanceof PDFString || key instanceof PDFHexString) entries.push([key, names.get(index + 1)])
  }
  const kids = tree.lookupMaybe(PDFName.of('Kids'), PDFArray)
  for (let index = 0; kids && index < kids.size(); index++) entries.push(...nameTreeEntries(kids.lookupMaybe(index, PDFDict), depth + 1))
  return entries
}

function mergeStructure(body: PDFDocument, bodyRoot: PDFDict, frontRoot: PDFDict, copy: Copy, keyOffset: number, options: InsertOptions): void {
  const to = body.context
  const bodyDocument = bodyRoot.lookupMaybe(PDFName.of('K'), PDFDict)
  const frontDocument = frontRoot.lookupMaybe(PDFName.of('K'), PDFDict)
  if (!bodyDocument || !frontDocument) throw new Error('The book’s structure tree has no document element')
  // The front's elements, before the body's.
  const frontKids = frontDocument.get(PDFName.of('K'))
  const copied = (frontKids instanceof PDFArray ? frontKids.asArray() : frontKids ? [frontKids] : []).map(copy)
  const bodyKids = bodyDocument.get(PDFName.of('K'))
  const kept = bodyKids instanceof PDFArray ? bodyKids.asArray() : bodyKids ? [bodyKids] : []
  bodyDocument.set(PDFName.of('K'), to.obj(options.start ? [...copied, ...kept] : [...kept, ...copied]))

  // Parent tree: the front's entries, past the body's keys (flattened into one `Nums`).
  const frontEntries = numberTreeEntries(frontRoot.lookupMaybe(PDFName.of('ParentTree'), PDFDict))
  const bodyTree = bodyRoot.lookupMaybe(PDFName.of('ParentTree'), PDFDict)
  const entries = [...numberTreeEntries(bodyTree), ...frontEntries.map(([key, value]): [number, PDFObject] => [key + keyOffset, copy(value)])]
  const parentTree = to.obj({Type: PDFName.of('ParentTree'), Nums: entries.flatMap(([key, value]) => [PDFNumber.of(key), value])})
  const parentTreeRef = bodyRoot.get(PDFName.of('ParentTree'))
  if (parentTreeRef instanceof PDFRef) to.assign(parentTreeRef, parentTree)
  else bodyRoot.set(PDFName.of('ParentTree'), to.register(parentTree))
  const frontNext = parentTreeNextKey(frontRoot)
  bodyRoot.set(PDFName.of('ParentTreeNextKey'), PDFNumber.of(keyOffset + frontNext))

  // The id tree: the copies' ids took a prefix as they were copied.
  const frontIds = nameTreeEntries(frontRoot.lookupMaybe(PDFName.of('IDTree'), PDFDict))
  const bodyIdTree = bodyRoot.lookupMaybe(PDFName.of('IDTree'), PDFDict)
  const ids = [
    ...nameTreeEntries(bodyIdTree).map(([key, value]) => ({text: key.decodeText(), key, value})),
    ...frontIds.map(([key, value]) => {
      const text = `${options.idPrefix}${key.decodeText()}`
      return {text, key: PDFString.of(text), value: copy(value)}
    })
  ]
  if (ids.length > 0) {
    // Each key decoded once: a book's id tree is sorted again as each of its runs is appended.
    ids.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0))
    const idTree = to.obj({Names: ids.flatMap(({key, value}) => [key, value])})
    const idTreeRef = bodyRoot.get(PDFName.of('IDTree'))
    if (idTreeRef instanceof PDFRef) to.assign(idTreeRef, idTree)
    else bodyRoot.set(PDFName.of('IDTree'), to.register(idTree))
  }

  // Role and class maps: the body's entries win.
  for (const key of ['RoleMap', 'ClassMap']) {
    const frontMap = frontRoot.lookupMaybe(PDFName.of(key), PDFDict)
    if (!frontMap) continue
    let bodyMap = bodyRoot.lookupMaybe(PDFName.of(key), PDFDict)
    if (!bodyMap) {
      bodyMap = to.obj({})
      bodyRoot.set(PDFName.of(key), bodyMap)
    }
    for (const [name, value] of frontMap.entries()) if (!bodyMap.has(name)) bodyMap.set(name, copy(value))
  }
}

/** The copied bookmarks before or after the target's, all at the top level until `finishPdf` nests them. */
function mergeOutline(body: PDFDocument, front: PDFDocument, copy: Copy, start: boolean): void {
  const frontRoot = front.catalog.lookupMaybe(PDFName.of('Outlines'), PDFDict)
  const frontFirst = frontRoot?.get(PDFName.of('First'))
  if (!frontRoot || !(frontFirst instanceof PDFRef)) return
  let bodyRootRef = body.catalog.get(PDFName.of('Outlines'))
  if (!(bodyRootRef instanceof PDFRef)) {
    bodyRootRef = body.context.register(body.context.obj({Type: PDFName.of('Outlines')}))
    body.catalog.set(PDFName.of('Outlines'), bodyRootRef)
  }
  const bodyRoot = body.context.lookup(bodyRootRef, PDFDict)
  // The copied root maps to the target's (see `insertDocument`), so its items' Parent does.
  const first = copy(frontFirst) as PDFRef
  const last = copy(frontRoot.get(PDFName.of('Last'))!) as PDFRef
  const bodyFirst = bodyRoot.get(PDFName.of('First'))
  const bodyLast = bodyRoot.get(PDFName.of('Last'))
  if (start) {
    if (bodyFirst instanceof PDFRef) {
      body.context.lookup(last, PDFDict).set(PDFName.of('Next'), bodyFirst)
      body.context.lookup(bodyFirst, PDFDict).set(PDFName.of('Prev'), last)
    } else bodyRoot.set(PDFName.of('Last'), last)
    bodyRoot.set(PDFName.of('First'), first)
  } else {
    if (bodyLast instanceof PDFRef) {
      body.context.lookup(bodyLast, PDFDict).set(PDFName.of('Next'), first)
      body.context.lookup(first, PDFDict).set(PDFName.of('Prev'), bodyLast)
    } else bodyRoot.set(PDFName.of('First'), first)
    bodyRoot.set(PDFName.of('Last'), last)
  }
  const count = (dict: PDFDict | undefined) => {
    const value = dict?.get(PDFName.of('Count'))
    return value instanceof PDFNumber ? Math.abs(value.asNumber()) : 0
  }
  bodyRoot.set(PDFName.of('Count'), PDFNumber.of(count(bodyRoot) + count(frontRoot)))
}

/** The copied named destinations that the target has not (the body's are where the contents lead; a run of the body names only its own articles). */
function mergeDests(body: PDFDocument, front: PDFDocument, copy: Copy): void {
  const frontDests = front.catalog.lookupMaybe(PDFName.of('Dests'), PDFDict)
  if (!frontDests) return
  let bodyDests = body.catalog.lookupMaybe(PDFName.of('Dests'), PDFDict)
  if (!bodyDests) {
    bodyDests = body.context.obj({})
    body.catalog.set(PDFName.of('Dests'), body.context.register(bodyDests))
  }
  for (const [name, value] of frontDests.entries()) if (!bodyDests.has(name)) bodyDests.set(name, copy(value))
}

/**
 * One copy of each image: every run of a book embeds the images it shows, so an
 * image shown in several runs (a logo, a figure used twice) would be stored once
 * per run. Images (and their ICC profiles) with the same dictionary and bytes become one object, and
 * every reference to a copy points at the first; the copies go.
 */
export function shareIdenticalImages(document: PDFDocument): void {
  const context = document.context
  const replaced = new Map<string, PDFRef>()
  const keyOf = (object: PDFObject): string =>
    object instanceof PDFRef
      ? (replaced.get(object.toString()) ?? object).toString()
      : object instanceof PDFDict
        ? `<<${[...object.entries()].map(([key, value]) => `${key.toString()} ${keyOf(value)}`).join(' ')}>>`
        : object instanceof PDFArray
          ? `[${object
              .asArray()
              .map((value) => keyOf(value))
              .join(' ')}]`
          : object.toString()
  const images = context.enumerateIndirectObjects().filter(([, object]) => object instanceof PDFRawStream && object.dict.get(PDFName.of('Subtype')) === PDFName.of('Image')) as Array<
    [PDFRef, PDFRawStream]
  >
  // And their ICC profiles (each run has its own copy: the images name them).
  const profiles = images.flatMap(([, image]) => {
    const space = image.dict.lookup(PDFName.of('ColorSpace'))
    const profile = space instanceof PDFArray ? space.get(1) : undefined
    return space instanceof PDFArray && space.get(0) === PDFName.of('ICCBased') && profile instanceof PDFRef ? [[profile, context.lookup(profile)] as [PDFRef, PDFObject]] : []
  })
  const streams = [...new Map([...profiles, ...images].map((entry) => [entry[0].toString(), entry])).values()].filter((entry): entry is [PDFRef, PDFRawStream] => entry[1] instanceof PDFRawStream)
  const copies: PDFRef[] = []
  // Until nothing more is shared: an image is the same as another once its profile and soft mask are.
  for (let round = 0, before = -1; round < 4 && replaced.size !== before; round++) {
    before = replaced.size
    const first = new Map<string, PDFRef>()
    for (const [ref, stream] of streams) {
      if (replaced.has(ref.toString())) continue
      const key = `${keyOf(stream.dict)}\0${createHash('sha256').update(stream.contents).digest('hex')}`
      const kept = first.get(key)
      if (kept) {
        replaced.set(ref.toString(), kept)
        copies.push(ref)
      } else first.set(key, ref)
    }
  }
  if (replaced.size === 0) return
  const redirect = (object: PDFObject | undefined): void => {
    if (object instanceof PDFRawStream) redirect(object.dict)
    else if (object instanceof PDFDict) {
      for (const [key, value] of object.entries()) {
        const to = value instanceof PDFRef ? replaced.get(value.toString()) : undefined
        if (to) object.set(key, to)
        else if (!(value instanceof PDFRef)) redirect(value)
      }
    } else if (object instanceof PDFArray) {
      for (let index = 0; index < object.size(); index++) {
        const value = object.get(index)
        const to = value instanceof PDFRef ? replaced.get(value.toString()) : undefined
        if (to) object.set(index, to)
        else if (!(value instanceof PDFRef)) redirect(value)
      }
    }
  }
  for (const [, object] of context.enumerateIndirectObjects()) redirect(object)
  for (const copy of copies) context.delete(copy)
}
