/**
 * Put a book's front matter (cover, title page, contents), printed as a
 * document of its own, before its body in one PDF. The body stays where it
 * is (the big document is not copied); the front's pages, tags, bookmarks
 * and destinations are copied in before it:
 * - structure tree: the front's elements go first under the body's document
 *   element; its pages' `StructParents` and its annotations' `StructParent`
 *   move past the body's parent-tree keys, and their parent-tree entries come
 *   along; element ids are renamed so they cannot collide with the body's;
 * - links: the contents' links name their targets (`/Dest /a3`), and those
 *   names are the body's own destinations, so they land on the body's pages;
 * - bookmarks: the front's before the body's, at the top level (`finishPdf`
 *   nests them again from the expected outline);
 * - page labels: the front's pages i, ii, …, the body's 1, 2, … (its folios).
 */
import {PDFArray, type PDFContext, PDFDict, type PDFDocument, PDFHexString, PDFName, PDFNull, PDFNumber, type PDFObject, PDFPage, PDFPageLeaf, PDFRawStream, PDFRef, PDFString} from 'pdf-lib'

/** Options of `prependFrontMatter`. */
export interface FrontMatterOptions {
  /** Add a blank page after the front if it has an odd number, so that the body's page 1 is a right-hand page. */
  evenPages?: boolean
}

/** Copy the pages of `front` before the pages of `body`, with their tags, bookmarks and links. */
export function prependFrontMatter(body: PDFDocument, front: PDFDocument, options: FrontMatterOptions = {}): void {
  const from = front.context
  const to = body.context
  const refs = new Map<string, PDFRef>()
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
      for (const [key, value] of object.entries()) dict.set(key, copy(value))
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
    body.insertPage(index, PDFPage.of(leaf, pageRefs[index]!, body))
  })
  retagFontSubsets(body, pageRefs)
  let frontPageCount = frontPages.length
  if (options.evenPages && frontPageCount % 2 === 1) {
    const {width, height} = frontPages.at(-1)!.getSize()
    body.insertPage(frontPageCount++, [width, height])
  }

  if (tagged) mergeStructure(body, bodyRoot, frontRoot, copy, keyOffset)
  mergeOutline(body, front, copy)
  mergeDests(body, front, copy)
  body.catalog.set(PDFName.of('PageLabels'), to.obj({Nums: [0, to.obj({S: PDFName.of('r')}), frontPageCount, to.obj({S: PDFName.of('D')})]}))
}

type Copy = (object: PDFObject) => PDFObject

/**
 * Chromium tags each document's font subsets from the same counter (`AAAAAA+`,
 * `BAAAAA+`, …): the front's could bear the same name as a different subset of
 * the body's. The front's become `AFRONT+`, `BFRONT+`, … (copies of the front's own objects).
 */
function retagFontSubsets(body: PDFDocument, pageRefs: readonly PDFRef[]): void {
  const retag = (dict: PDFDict | undefined, key: string) => {
    const name = dict?.get(PDFName.of(key))
    const match = name instanceof PDFName ? /^([A-Z])[A-Z]{5}\+(.*)$/.exec(name.decodeText()) : null
    if (dict && match) dict.set(PDFName.of(key), PDFName.of(`${match[1]}FRONT+${match[2]}`))
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

function mergeStructure(body: PDFDocument, bodyRoot: PDFDict, frontRoot: PDFDict, copy: Copy, keyOffset: number): void {
  const to = body.context
  const bodyDocument = bodyRoot.lookupMaybe(PDFName.of('K'), PDFDict)
  const frontDocument = frontRoot.lookupMaybe(PDFName.of('K'), PDFDict)
  if (!bodyDocument || !frontDocument) throw new Error('The book’s structure tree has no document element')
  // The front's elements, before the body's.
  const frontKids = frontDocument.get(PDFName.of('K'))
  const copied = (frontKids instanceof PDFArray ? frontKids.asArray() : frontKids ? [frontKids] : []).map(copy)
  const bodyKids = bodyDocument.get(PDFName.of('K'))
  const kept = bodyKids instanceof PDFArray ? bodyKids.asArray() : bodyKids ? [bodyKids] : []
  bodyDocument.set(PDFName.of('K'), to.obj([...copied, ...kept]))

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

  // Element ids: Chromium names both documents' elements `node…` from its own counter; the
  // front's take the prefix `front-` (finishPdf renumbers them all in reading order).
  const renamed = new Set<string>()
  const frontIds = nameTreeEntries(frontRoot.lookupMaybe(PDFName.of('IDTree'), PDFDict))
  for (const [key] of frontIds) renamed.add(key.decodeText())
  for (const ref of copied) renameIds(ref, to, renamed, new Set())
  const bodyIdTree = bodyRoot.lookupMaybe(PDFName.of('IDTree'), PDFDict)
  const ids = [...nameTreeEntries(bodyIdTree), ...frontIds.map(([key, value]): [PDFString, PDFObject] => [PDFString.of(`front-${key.decodeText()}`), copy(value)])]
  if (ids.length > 0) {
    ids.sort((a, b) => (a[0].decodeText() < b[0].decodeText() ? -1 : a[0].decodeText() > b[0].decodeText() ? 1 : 0))
    const idTree = to.obj({Names: ids.flat()})
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

/** Prefix every string in `ids` (an element's `/ID`, a cell's `/Headers`) with `front-`, deeply. */
function renameIds(value: PDFObject, context: PDFContext, ids: ReadonlySet<string>, seen: Set<PDFObject>): void {
  const object = value instanceof PDFRef ? context.lookup(value) : value
  if (!object || seen.has(object)) return
  seen.add(object)
  const renamed = (value: PDFObject) => ((value instanceof PDFString || value instanceof PDFHexString) && ids.has(value.decodeText()) ? PDFString.of(`front-${value.decodeText()}`) : undefined)
  if (object instanceof PDFDict) {
    for (const [key, value] of object.entries()) {
      const to = renamed(value)
      if (to) object.set(key, to)
      // Only down the tree: not back up through the parent, nor into pages.
      else if (key !== PDFName.of('P') && key !== PDFName.of('Pg') && key !== PDFName.of('Obj')) renameIds(value, context, ids, seen)
    }
  } else if (object instanceof PDFArray) {
    for (let index = 0; index < object.size(); index++) {
      const value = object.get(index)
      const to = renamed(value)
      if (to) object.set(index, to)
      else renameIds(value, context, ids, seen)
    }
  }
}

/** The front's bookmarks before the body's, all at the top level until `finishPdf` nests them. */
function mergeOutline(body: PDFDocument, front: PDFDocument, copy: Copy): void {
  const frontRoot = front.catalog.lookupMaybe(PDFName.of('Outlines'), PDFDict)
  const frontFirst = frontRoot?.get(PDFName.of('First'))
  if (!frontRoot || !(frontFirst instanceof PDFRef)) return
  let bodyRootRef = body.catalog.get(PDFName.of('Outlines'))
  if (!(bodyRootRef instanceof PDFRef)) {
    bodyRootRef = body.context.register(body.context.obj({Type: PDFName.of('Outlines')}))
    body.catalog.set(PDFName.of('Outlines'), bodyRootRef)
  }
  const bodyRoot = body.context.lookup(bodyRootRef, PDFDict)
  // The front's root maps to the body's (see `prependFrontMatter`), so its items' Parent does.
  const first = copy(frontFirst) as PDFRef
  const last = copy(frontRoot.get(PDFName.of('Last'))!) as PDFRef
  const bodyFirst = bodyRoot.get(PDFName.of('First'))
  const lastDict = body.context.lookup(last, PDFDict)
  if (bodyFirst instanceof PDFRef) {
    lastDict.set(PDFName.of('Next'), bodyFirst)
    body.context.lookup(bodyFirst, PDFDict).set(PDFName.of('Prev'), last)
  } else bodyRoot.set(PDFName.of('Last'), last)
  bodyRoot.set(PDFName.of('First'), first)
  const count = (dict: PDFDict | undefined) => {
    const value = dict?.get(PDFName.of('Count'))
    return value instanceof PDFNumber ? Math.abs(value.asNumber()) : 0
  }
  bodyRoot.set(PDFName.of('Count'), PDFNumber.of(count(bodyRoot) + count(frontRoot)))
}

/** The front's named destinations that the body has not (the body's are where the contents lead). */
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
