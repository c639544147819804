/**
 * Runs of hyphenated lines found in the loaded page's own layout, before it is
 * printed (issue 13): printing a run of a book again only to keep a word whole
 * cost a 200-article book 2.2 prints a run. The page is laid out as print lays
 * it out (print media where a style depends on it; the root element as wide
 * as the `@page` area, which Chromium lays out at a whole number of pixels,
 * rounded up); a soft hyphen breaks its line where the letter after it is on
 * a lower line than the letter before it; and the words `limit-hyphen-runs.ts`
 * would keep whole are kept whole in the document itself, round after round,
 * without printing. The PDF still judges: where it shows a run the layout did
 * not, the page is printed again as before.
 *
 * The script runs in the page through the DevTools protocol (the page's own
 * JavaScript stays off); it is a string, so no compiler's helpers reach it.
 */
import type {Page} from 'puppeteer-core'
import {cssPageBox} from './page-box.js'

/** What the layout says about the page's soft hyphens. */
export interface LayoutRuns {
  /** Soft hyphens in the body's text (to check against the HTML's before mapping ordinals). */
  softHyphens: number
  /** Each run of more than `maxRun` hyphenated lines in a row: the ordinals of the soft hyphens at its line ends. */
  runs: number[][]
  /** For each run, the ordinals of the first and last soft hyphen of its paragraph. */
  paragraphs: Array<[number, number]>
  /**
   * For each run, how loose the loosest line of its paragraph is: the widest
   * space less its own width, in ems, as `HyphenRuns.looseness` reads a line's
   * stretch from a print.
   */
  looseness: number[]
}

// Commands: 'start' (whether any style depends on the media, and if none, 'pages' too: one round trip);
// 'pages' (the kinds of page the document uses, see PageKind); 'open' (the page area's width: the root
// element's; resolves once the fonts its layout asks for are loaded); 'runs' ({maxRun, budget}: null
// past the budget); 'attempt' (groups of ordinals: how loose their paragraphs are without them);
// 'settle' (the document as the last attempt left it); 'close'.
const script = String.raw`(function (command, argument) {
  var SHY = '\u00AD'
  var marker = 'data-handout-layout'
  function softHyphens() {
    var found = []
    // No filter callback: with the page's JavaScript off, the walker could not call one.
    var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement && node.parentElement.closest('style, script')) continue
      var text = node.data
      for (var at = text.indexOf(SHY); at !== -1; at = text.indexOf(SHY, at + 1)) found.push({node: node, at: at})
    }
    return found
  }
  var pixelsPer = {px: 1, in: 96, cm: 96 / 2.54, mm: 96 / 25.4, q: 96 / 101.6, pt: 4 / 3, pc: 16}
  // An absolute length in CSS pixels as the layout keeps a margin: a float, then whole 1/64 px, cut
  // toward zero (the same as a probe element's width for 2,800 lengths of every unit); or null.
  // Computed, not measured: a probe would lay the whole page out at the window's width, a layout
  // thrown away when 'open' sets the page area's.
  function length(value) {
    var match = /^(\d*\.?\d+)(mm|cm|in|pt|pc|px|q)$/i.exec(String(value).trim())
    if (!match) return null
    return Math.floor(Math.fround(Math.fround(Number(match[1]) * pixelsPer[match[2].toLowerCase()]) * 64)) / 64
  }
  // Each kind of page the document uses whose width its @page rules set: the first is every page's.
  // A kind is its size as written and its side margins in pixels (null where a margin is not set or
  // not an absolute length); null for all when the text is not set in horizontal lines.
  function pages() {
    if (getComputedStyle(document.documentElement).writingMode !== 'horizontal-tb') return null
    var rules = []
    function walk(list) {
      for (var index = 0; index < list.length; index++) {
        var rule = list[index]
        if (rule instanceof CSSPageRule) rules.push(rule)
        else if (rule instanceof CSSImportRule) { if (rule.styleSheet) walk(rule.styleSheet.cssRules) }
        else if (rule instanceof CSSMediaRule) { if (matchMedia(rule.media.mediaText).matches) walk(rule.cssRules) }
        else if (rule.cssRules) walk(rule.cssRules)
      }
    }
    for (var index = 0; index < document.styleSheets.length; index++) walk(document.styleSheets[index].cssRules)
    var keys = ['size', 'margin-left', 'margin-right']
    function cascade(selectors) {
      var values = {}
      rules.forEach(function (rule) {
        if (selectors.indexOf(rule.selectorText.trim()) === -1) return
        keys.forEach(function (key) { var value = rule.style.getPropertyValue(key); if (value) values[key] = value })
      })
      var margin = function (key) { return values[key] ? length(values[key]) : null }
      return {size: values.size || null, left: margin('margin-left'), right: margin('margin-right')}
    }
    var kinds = [cascade([''])]
    // Other page selectors that set the width, where the document uses them.
    var used = null
    for (var at = 0; at < rules.length; at++) {
      var selector = rules[at].selectorText.trim()
      if (selector === '' || !keys.some(function (key) { return rules[at].style.getPropertyValue(key) })) continue
      var names = selector.split(/\s*,\s*/)
      for (var n = 0; n < names.length; n++) {
        var name = names[n].split(':')[0]
        if (name) {
          if (used === null) {
            used = {}
            var all = document.querySelectorAll('*')
            for (var e = 0; e < all.length; e++) used[getComputedStyle(all[e]).page] = true
          }
          if (!used[name]) continue
        }
        kinds.push(cascade(['', names[n], name].filter(function (value, i, list) { return list.indexOf(value) === i })))
      }
    }
    return kinds
  }
  // Whether a style sheet or rule applies to some media only (then print's must be on to lay out as print does).
  function mediaDependent() {
    function walk(list) {
      for (var index = 0; index < list.length; index++) {
        var rule = list[index]
        if (rule instanceof CSSMediaRule) return true
        if (rule instanceof CSSImportRule && (rule.media.length > 0 || (rule.styleSheet && walk(rule.styleSheet.cssRules)))) return true
        if (rule.cssRules && walk(rule.cssRules)) return true
      }
      return false
    }
    for (var index = 0; index < document.styleSheets.length; index++) {
      var sheet = document.styleSheets[index]
      if (sheet.media.length > 0 || walk(sheet.cssRules)) return true
    }
    return false
  }
  // The root element as wide as the page area (its own margins, borders and padding inside it).
  function open(width) {
    known.clear()
    var root = getComputedStyle(document.documentElement)
    var inner = width - ['marginLeft', 'marginRight', 'borderLeftWidth', 'borderRightWidth', 'paddingLeft', 'paddingRight']
      .reduce(function (sum, key) { return sum + (parseFloat(root[key]) || 0) }, 0)
    var style = document.createElement('style')
    style.setAttribute(marker, '')
    style.textContent = 'html { box-sizing: content-box !important; width: ' + inner + 'px !important; min-width: 0 !important; max-width: none !important; }'
    document.head.appendChild(style)
    // Laid out now, so that the fonts the print layout asks for load before any line is measured.
    void document.body.offsetHeight
    return document.fonts.ready.then(function () { return null })
  }
  // The box of one character (the last of its boxes: a character after a line's hyphen also reports the hyphen's).
  function rectOf(node, from, to) {
    var range = document.createRange()
    range.setStart(node, from)
    range.setEnd(node, to)
    var rects = range.getClientRects()
    return rects.length > 0 ? rects[rects.length - 1] : null
  }
  function blockOf(node) {
    for (var element = node.parentElement; element; element = element.parentElement) {
      var display = getComputedStyle(element).display
      if (display.indexOf('inline') !== 0 && display !== 'contents') return element
    }
    return document.body
  }
  // Kept between calls: what is known of each text's soft hyphens (offset -> its line break, or false;
  // a paragraph's lines move only when its own text changes, so later rounds measure only those), the
  // soft hyphens this round's attempts took out (to put back), and a space's own width by font.
  // Under a symbol: an element's id would stand for a global of that name until one is set.
  var key = Symbol.for('handout-press.layout')
  var state = window[key] || (window[key] = {known: new Map(), removed: [], spaces: new Map()})
  var known = state.known
  // Where the soft hyphen at offset at breaks its line: the tops of its line and the next, or false.
  // A soft hyphen that breaks a line has a box with the width of its drawn hyphen; one that does not, none.
  function breakAt(node, at) {
    if (at === 0 || at + 1 >= node.data.length) return false
    var range = document.createRange()
    range.setStart(node, at)
    range.setEnd(node, at + 1)
    var boxes = range.getClientRects()
    var drawn = false
    for (var index = 0; index < boxes.length; index++) if (boxes[index].width > 0) drawn = true
    if (!drawn) return false
    var before = rectOf(node, at - 1, at)
    var after = rectOf(node, at + 1, at + 2)
    if (!before || !after || after.top < before.bottom - before.height / 2) return false
    return {line: before.top, next: after.top}
  }
  function runs(maxRun, budget) {
    var deadline = Date.now() + budget
    var found = softHyphens()
    var breaks = []
    for (var ordinal = 0; ordinal < found.length; ordinal++) {
      if (Date.now() > deadline) return null
      var shy = found[ordinal]
      var byOffset = known.get(shy.node)
      if (!byOffset) known.set(shy.node, (byOffset = new Map()))
      if (!byOffset.has(shy.at)) byOffset.set(shy.at, breakAt(shy.node, shy.at))
      var broken = byOffset.get(shy.at)
      if (broken) breaks.push({ordinal: ordinal, line: broken.line, next: broken.next, block: blockOf(shy.node)})
    }
    var result = {softHyphens: found.length, runs: [], paragraphs: [], looseness: []}
    var run = []
    function end() {
      if (run.length > maxRun) {
        var block = run[0].block
        var first = -1
        var last = -1
        found.forEach(function (shy, ordinal) { if (block.contains(shy.node)) { if (first === -1) first = ordinal; last = ordinal } })
        result.runs.push(run.map(function (item) { return item.ordinal }))
        result.paragraphs.push([first, last])
        result.looseness.push(looseness(block))
      }
      run = []
    }
    breaks.forEach(function (item) {
      var previous = run[run.length - 1]
      if (previous && (previous.block !== item.block || Math.abs(previous.next - item.line) > 1)) end()
      run.push(item)
    })
    end()
    return result
  }
  // Every line of the paragraph of node may have moved: measured again.
  function changed(node) {
    var walker = document.createTreeWalker(blockOf(node), NodeFilter.SHOW_TEXT)
    for (var text = walker.nextNode(); text; text = walker.nextNode()) known.delete(text)
  }
  // A space's own width in the font of a text's element: its glyph's advance, without what justification
  // or letter spacing adds (the print places both as a gap between glyphs).
  function spaceWidth(style) {
    var font = [style.fontStyle, style.fontWeight, style.fontSize, style.fontFamily].join(' ')
    if (!state.spaces.has(font)) {
      state.canvas = state.canvas || document.createElement('canvas').getContext('2d')
      state.canvas.font = font
      state.spaces.set(font, state.canvas.measureText(' ').width)
    }
    return state.spaces.get(font)
  }
  // How loose the loosest line of a paragraph is: the widest space, less its own width, in ems
  // (what 'hyphen-runs.ts' reads from the PDF as a line's stretch).
  function looseness(block) {
    var worst = 0
    var walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT)
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement && node.parentElement.closest('style, script')) continue
      var text = node.data
      var style = null
      for (var at = text.indexOf(' '); at !== -1; at = text.indexOf(' ', at + 1)) {
        var box = rectOf(node, at, at + 1)
        if (!box || box.width === 0) continue
        if (!style) style = getComputedStyle(node.parentElement)
        var size = parseFloat(style.fontSize)
        if (size > 0) worst = Math.max(worst, (box.width - spaceWidth(style)) / size)
      }
    }
    return worst
  }
  // The document as the round began (since the last 'settle'), then without the soft hyphens of every
  // group of ordinals (numbered as the round began); how loose each group's paragraphs are then.
  function attempt(groups) {
    restore()
    var found = softHyphens()
    var ordinals = []
    groups.forEach(function (group) { group.forEach(function (ordinal) { if (found[ordinal] && ordinals.indexOf(ordinal) === -1) ordinals.push(ordinal) }) })
    // Last first, so the offsets of the earlier ones in the same text are still right; put back first first.
    ordinals.sort(function (a, b) { return b - a }).forEach(function (ordinal) {
      var shy = found[ordinal]
      shy.node.deleteData(shy.at, 1)
      changed(shy.node)
      state.removed.unshift(shy)
    })
    var measured = new Map()
    return groups.map(function (group) {
      return group.reduce(function (worst, ordinal) {
        if (!found[ordinal]) return worst
        var block = blockOf(found[ordinal].node)
        if (!measured.has(block)) measured.set(block, looseness(block))
        return Math.max(worst, measured.get(block))
      }, 0)
    })
  }
  // Put back what this round's attempts took out.
  function restore() {
    state.removed.forEach(function (shy) {
      shy.node.insertData(shy.at, SHY)
      changed(shy.node)
    })
    state.removed = []
  }
  function close() {
    delete window[key]
    var style = document.querySelector('style[' + marker + ']')
    if (style) style.remove()
    return null
  }
  if (command === 'start') return mediaDependent() ? {media: true} : {media: false, pages: pages()}
  if (command === 'pages') return pages()
  if (command === 'open') return open(argument)
  if (command === 'runs') return runs(argument.maxRun, argument.budget)
  if (command === 'attempt') return attempt(argument)
  if (command === 'settle') { state.removed = []; return null }
  return close()
})`

/** A kind of page the document uses, as its `@page` rules set it: the size as written, the side margins in CSS pixels. */
interface PageKind {
  size: string | null
  left: number | null
  right: number | null
}

/**
 * The width of the page area of every kind of page, in CSS pixels as Chromium
 * lays it out (a whole number, rounded up: measured on 60 sizes and margins),
 * or `undefined` when a margin is not set or the kinds differ.
 */
function pageAreaWidth(kinds: readonly PageKind[] | null): number | undefined {
  const widths = (kinds ?? []).map(({size, left, right}) => {
    // No size, or `auto`: Chromium's paper, Letter.
    const box = cssPageBox(size === null || size === 'auto' ? 'letter' : size)
    return box === undefined || left === null || right === null ? undefined : Math.ceil((box.width * 4) / 3 - left - right - 1e-6)
  })
  const [width] = widths
  return widths.length > 0 && widths.every((other) => other !== undefined && other === width) ? width : undefined
}

/** A page laid out for print, whose soft hyphens can be read and taken out. */
export interface PrintLayout {
  /** The page area's width in CSS pixels, as Chromium lays out the print. */
  width: number
  /**
   * The runs of more than `maxRun` hyphenated lines of the page as it is laid
   * out now, or `undefined` if reading them would take more than `budget` ms.
   */
  runs(maxRun: number, budget: number): Promise<LayoutRuns | undefined>
  /**
   * The document as this round began (when `runs` was read after the last
   * `settle`), without the soft hyphens of every group of ordinals (as `runs`
   * numbers them); how loose the loosest line of each group's paragraphs is
   * then (as `LayoutRuns.looseness`).
   */
  attempt(groups: ReadonlyArray<readonly number[]>): Promise<number[]>
  /** Keep the document as the last `attempt` left it: the next round begins from it. */
  settle(): Promise<void>
  /** Back to the page as printing expects it. */
  close(): Promise<void>
}

/**
 * The loaded `page` laid out as it will print, or `undefined` when its
 * `@page` rules do not give one width for all its pages (then only the print
 * can tell where its lines end).
 */
export async function openPrintLayout(page: Page): Promise<PrintLayout | undefined> {
  const call = <T>(command: string, argument?: unknown) => page.evaluate(`${script}(${JSON.stringify(command)}, ${JSON.stringify(argument ?? null)})`) as Promise<T>
  // Print media costs a restyle there and back: only where some style depends on it.
  const start = await call<{media: true} | {media: false; pages: PageKind[] | null}>('start')
  if (start.media) await page.emulateMediaType('print')
  const close = async () => {
    await call('close')
    if (start.media) await page.emulateMediaType()
  }
  const width = pageAreaWidth(start.media ? await call<PageKind[] | null>('pages') : start.pages)
  if (width === undefined) {
    await close()
    return undefined
  }
  await call('open', width)
  return {
    width,
    runs: async (maxRun, budget) => (await call<LayoutRuns | null>('runs', {maxRun, budget})) ?? undefined,
    attempt: (groups) => call<number[]>('attempt', groups),
    settle: async () => void (await call('settle')),
    close
  }
}
