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

/** What the layout says about the page's soft hyphens. */
export interface LayoutRuns {
  /** Soft hyphens in the body's text (to check against the HTML's before mapping ordinals). */
  softHyphens: number
  /** Each run of more than `maxRun` hyphenated lines in a row: the ordinals of the soft hyphens at its line ends. */
  runs: number[][]
  /** For each run, the ordinals of the first and last soft hyphen of its paragraph. */
  paragraphs: Array<[number, number]>
}

// Commands: 'media' (whether any style depends on the media); 'open' (give the root element the page
// area's width; the width, or null when the @page rules do not give one width for every page the
// document uses); 'runs' ({maxRun, budget}: null past the budget); 'remove' (ordinals); 'close'.
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
  // An absolute length in CSS pixels, exactly (a page size is not rounded), or null.
  function exact(value) {
    var match = /^(\d*\.?\d+)(mm|cm|in|pt|pc|px|q)$/i.exec(String(value).trim())
    if (!match) return null
    return Number(match[1]) * {mm: 96 / 25.4, cm: 960 / 25.4, in: 96, pt: 96 / 72, pc: 16, px: 1, q: 96 / 101.6}[match[2].toLowerCase()]
  }
  // An absolute length in CSS pixels as the layout rounds it (to its 1/64 px unit: margins are), or null.
  function length(value) {
    if (!/^(\d*\.?\d+)(mm|cm|in|pt|pc|px|q)$/i.test(String(value).trim())) return null
    var probe = document.createElement('div')
    probe.style.cssText = 'position: absolute; height: 0; width: ' + value
    document.body.appendChild(probe)
    var width = probe.getBoundingClientRect().width
    probe.remove()
    return width
  }
  var named = {a0: 841, a1: 594, a2: 420, a3: 297, a4: 210, a5: 148, a6: 105, a7: 74, a8: 52, a9: 37, a10: 26,
    b0: 1000, b1: 707, b2: 500, b3: 353, b4: 250, b5: 176, b6: 125, b7: 88, b8: 62, b9: 44, b10: 31,
    'jis-b4': 257, 'jis-b5': 182, letter: 215.9, legal: 215.9, ledger: 279.4}
  var tall = {a0: 1189, a1: 841, a2: 594, a3: 420, a4: 297, a5: 210, a6: 148, a7: 105, a8: 74, a9: 52, a10: 37,
    b0: 1414, b1: 1000, b2: 707, b3: 500, b4: 353, b5: 250, b6: 176, b7: 125, b8: 88, b9: 62, b10: 44,
    'jis-b4': 364, 'jis-b5': 257, letter: 279.4, legal: 355.6, ledger: 431.8}
  function sizeWidth(size) {
    var words = String(size || 'auto').trim().toLowerCase().split(/\s+/)
    var landscape = words.indexOf('landscape') !== -1
    words = words.filter(function (word) { return word !== 'landscape' && word !== 'portrait' })
    if (words.length === 0 || words[0] === 'auto') return exact(landscape ? '279.4mm' : '215.9mm')
    if (named[words[0]] !== undefined) return exact((landscape ? tall[words[0]] : named[words[0]]) + 'mm')
    var width = exact(words[0])
    var height = words.length > 1 ? exact(words[1]) : width
    if (width === null || height === null) return null
    return landscape ? Math.max(width, height) : width
  }
  // The page area's width of each kind of page the document can use, or null if they differ or are unknown.
  function pageWidth() {
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
      if (!values['margin-left'] || !values['margin-right']) return null
      var page = sizeWidth(values.size)
      var left = length(values['margin-left'])
      var right = length(values['margin-right'])
      // Chromium lays the page area out at a whole number of pixels, rounded up.
      return page === null || left === null || right === null ? null : Math.ceil(page - left - right - 1e-6)
    }
    var width = cascade([''])
    if (width === null) return null
    // Other page selectors that change the width, where the document uses them, make it unknown.
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
        var other = cascade(['', names[n], name].filter(function (value, i, list) { return list.indexOf(value) === i }))
        if (other === null || Math.abs(other - width) > 0.01) return null
      }
    }
    return width
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
  function open() {
    known.clear()
    if (getComputedStyle(document.documentElement).writingMode !== 'horizontal-tb') return null
    var width = pageWidth()
    if (width === null) return null
    var root = getComputedStyle(document.documentElement)
    var inner = width - ['marginLeft', 'marginRight', 'borderLeftWidth', 'borderRightWidth', 'paddingLeft', 'paddingRight']
      .reduce(function (sum, key) { return sum + (parseFloat(root[key]) || 0) }, 0)
    var style = document.createElement('style')
    style.setAttribute(marker, '')
    style.textContent = 'html { box-sizing: content-box !important; width: ' + inner + 'px !important; min-width: 0 !important; max-width: none !important; }'
    document.head.appendChild(style)
    return width
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
  // What is known of each text's soft hyphens (offset -> its line break, or false), kept between calls:
  // a paragraph's lines move only when its own text changes, so later rounds measure only those.
  var known = window.__handoutLayout || (window.__handoutLayout = new Map())
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
    var result = {softHyphens: found.length, runs: [], paragraphs: []}
    var run = []
    function end() {
      if (run.length > maxRun) {
        var block = run[0].block
        var first = -1
        var last = -1
        found.forEach(function (shy, ordinal) { if (block.contains(shy.node)) { if (first === -1) first = ordinal; last = ordinal } })
        result.runs.push(run.map(function (item) { return item.ordinal }))
        result.paragraphs.push([first, last])
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
  function remove(ordinals) {
    var found = softHyphens()
    // Last first, so the offsets of the earlier ones in the same text are still right.
    var gone = ordinals.slice().sort(function (a, b) { return b - a }).map(function (ordinal) { return found[ordinal] }).filter(Boolean)
    gone.forEach(function (shy) {
      shy.node.deleteData(shy.at, 1)
      // Every line of its paragraph may move: measured again.
      var walker = document.createTreeWalker(blockOf(shy.node), NodeFilter.SHOW_TEXT)
      for (var node = walker.nextNode(); node; node = walker.nextNode()) known.delete(node)
    })
    return gone.length
  }
  function close() {
    delete window.__handoutLayout
    var style = document.querySelector('style[' + marker + ']')
    if (style) style.remove()
    return null
  }
  if (command === 'media') return mediaDependent()
  if (command === 'open') return open()
  if (command === 'runs') return runs(argument.maxRun, argument.budget)
  if (command === 'remove') return remove(argument)
  return close()
})`

/** A page laid out for print, whose soft hyphens can be read and taken out. */
export interface PrintLayout {
  /** The page area's width in CSS pixels, as Chromium lays out the print. */
  width: number
  /**
   * The runs of more than `maxRun` hyphenated lines of the page as it is laid
   * out now, or `undefined` if reading them would take more than `budget` ms.
   */
  runs(maxRun: number, budget: number): Promise<LayoutRuns | undefined>
  /** Take out the soft hyphens of these ordinals (as `runs` numbers them). */
  remove(ordinals: readonly number[]): Promise<void>
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
  const media = await call<boolean>('media')
  if (media) await page.emulateMediaType('print')
  const close = async () => {
    await call('close')
    if (media) await page.emulateMediaType()
  }
  const width = await call<number | null>('open')
  if (width === null) {
    await close()
    return undefined
  }
  // The fonts the print layout asks for, loaded before any line is measured.
  await page.evaluate('document.body.offsetHeight, document.fonts.ready.then(function () { return 0 })')
  return {
    width,
    runs: async (maxRun, budget) => (await call<LayoutRuns | null>('runs', {maxRun, budget})) ?? undefined,
    remove: async (ordinals) => void (await call('remove', ordinals)),
    close
  }
}
