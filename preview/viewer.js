/**
 * The preview page's script (a browser module, served by
 * scripts/preview/preview-server.ts). It draws the source list and the last
 * rebuild's problems from the server's event stream, renders the PDF with
 * pdf.js (canvas plus text layer, so text can be selected and searched) and
 * re-renders in place after a rebuild, keeping the reader's page and scroll
 * position; the EPUB view frames a chapter at an e-reader width.
 */
import * as pdfjs from '/assets/pdfjs/pdf.min.mjs'

pdfjs.GlobalWorkerOptions.workerSrc = '/assets/pdfjs/pdf.worker.min.mjs'
// One worker for the page's whole life: starting one per rebuild (pdf.js's default) costs more than the render.
const worker = new pdfjs.PDFWorker()

const $ = (id) => document.getElementById(id)
const formats = (document.body.dataset.formats ?? '').split(' ')
const params = new URLSearchParams(location.search)
const view = {
  doc: params.get('doc') ?? undefined,
  mode: params.get('view') === 'epub' || !formats.includes('pdf') ? 'epub' : 'pdf',
  width: params.get('width') === '600' ? 600 : 360,
  chapter: undefined
}
/** @type {{entries: Array<{name: string, kind: string, failed: boolean, problems: Array<object>}>, changed: string[], summary: string, version: number} | undefined} */
let snapshot
/** What is on screen (`name@version/mode/width/chapter`): a render that asks for the same is a no-op. */
let shown = ''
/** Snapshot version of each source's last changed outputs: a new one means its outputs must be drawn again. */
const versions = new Map()
let queue = Promise.resolve()

const events = new EventSource('/events')
events.addEventListener('state', (event) => apply(JSON.parse(event.data), false))
events.addEventListener('rebuild', (event) => apply(JSON.parse(event.data).snapshot, true))
events.addEventListener('error', () => {
  $('status').textContent = 'Disconnected: is watch still running?'
  $('status').className = 'error'
})

for (const button of document.querySelectorAll('[data-view]')) {
  button.disabled = !formats.includes(button.dataset.view)
  button.addEventListener('click', () => navigate({mode: button.dataset.view}))
}
for (const button of document.querySelectorAll('[data-width]')) button.addEventListener('click', () => navigate({width: Number(button.dataset.width)}))
$('chapters').addEventListener('change', () => navigate({chapter: $('chapters').value}))
$('viewport').addEventListener('scroll', () => showPageNumber(), {passive: true})
// Pages are drawn to fit the width: draw them again once a resize settles.
let resizing
window.addEventListener('resize', () => {
  clearTimeout(resizing)
  resizing = setTimeout(() => {
    if (view.mode !== 'pdf') return
    shown = ''
    render()
  }, 250)
})

/** Take in the server's state: draw the list and problems, re-render the document when it changed. */
function apply(next, rebuilt) {
  snapshot = next
  if (!snapshot.entries.some((entry) => entry.name === view.doc)) view.doc = snapshot.entries[0]?.name
  $('status').textContent = snapshot.summary
  $('status').className = /✗/.test(snapshot.summary) ? 'error' : ''
  drawSources()
  drawProblems()
  if (rebuilt) for (const name of snapshot.changed) versions.set(name, snapshot.version)
  render()
}

function navigate(change) {
  const doc = change.doc ?? view.doc
  if (doc !== view.doc) view.chapter = undefined
  Object.assign(view, change)
  const query = new URLSearchParams({doc: view.doc ?? '', view: view.mode, ...(view.mode === 'epub' ? {width: String(view.width)} : {})})
  history.replaceState(null, '', `?${query}`)
  drawSources()
  drawProblems()
  render()
}

/** Render what `view` asks for, one render at a time. */
function render() {
  queue = queue.then(renderNow).catch((error) => showEmpty(`Could not show ${view.doc}: ${error.message}`))
}

async function renderNow() {
  for (const button of document.querySelectorAll('[data-view]')) button.setAttribute('aria-pressed', String(button.dataset.view === view.mode))
  for (const button of document.querySelectorAll('[data-width]')) button.setAttribute('aria-pressed', String(Number(button.dataset.width) === view.width))
  $('widths').hidden = view.mode !== 'epub'
  $('chapters').hidden = view.mode !== 'epub'
  $('doc-title').textContent = view.doc ?? 'No sources yet'
  document.title = view.doc ? `${view.doc}: preview` : 'Preview'
  if (!snapshot) return
  if (!view.doc) return showEmpty('No sources yet: add Markdown files to the watched folder.')
  // Read once, before any await: a rebuild announced during this render queues the next one.
  const doc = view.doc
  const version = versions.get(doc) ?? 0
  const key = `${doc}@${version}/${view.mode}/${view.width}/${view.chapter ?? ''}`
  if (key === shown) return
  if (view.mode === 'pdf') await showPdf(doc, version)
  else await showEpub(doc, version)
  shown = key
  // For tests and scripts: what is on screen now.
  document.body.dataset.rendered = `${doc}@${version}/${view.mode}`
}

function showEmpty(text) {
  $('pages').hidden = true
  $('epub').hidden = true
  $('empty').hidden = false
  $('empty').textContent = text
  $('page-number').textContent = ''
}

/** Render every page offscreen, then swap them in and put the reader back where they were. */
async function showPdf(name, version) {
  const started = performance.now()
  const response = await fetch(`/pdf/${encodeURIComponent(name)}.pdf?v=${version}`)
  if (!response.ok) return showEmpty(response.status === 404 ? `${name} has not been built yet: see its problems above.` : `Could not load ${name}.pdf (HTTP ${response.status}).`)
  // No eval: the page's Content-Security-Policy forbids it, and pdf.js does not need it.
  const pdf = await pdfjs.getDocument({data: new Uint8Array(await response.arrayBuffer()), isEvalSupported: false, worker}).promise
  const viewport = $('viewport')
  $('empty').hidden = true
  $('epub').hidden = true
  $('pages').hidden = false
  const width = Math.max(200, viewport.clientWidth - 64)
  const pages = []
  for (let number = 1; number <= pdf.numPages; number++) pages.push(await renderPage(await pdf.getPage(number), width))
  const place = readingPlace(name)
  $('pages').replaceChildren(...pages)
  $('pages').dataset.name = name
  restorePlace(place)
  // For the timing logged by the browser test: fetch, parse and render of every page.
  document.body.dataset.renderMs = String(Math.round(performance.now() - started))
  await pdf.destroy()
  showPageNumber()
}

async function renderPage(page, width) {
  const scale = Math.min(1.3, width / page.getViewport({scale: 1}).width)
  const viewport = page.getViewport({scale})
  const ratio = window.devicePixelRatio || 1
  const box = document.createElement('div')
  box.className = 'page'
  box.dataset.page = String(page.pageNumber)
  box.style.width = `${Math.floor(viewport.width)}px`
  box.style.height = `${Math.floor(viewport.height)}px`
  // pdf.js sizes the text layer's spans from these.
  box.style.setProperty('--scale-factor', String(scale))
  box.style.setProperty('--total-scale-factor', String(scale))
  const canvas = document.createElement('canvas')
  canvas.width = Math.floor(viewport.width * ratio)
  canvas.height = Math.floor(viewport.height * ratio)
  canvas.setAttribute('aria-label', `Page ${page.pageNumber}`)
  await page.render({canvas, canvasContext: canvas.getContext('2d'), viewport, transform: ratio === 1 ? null : [ratio, 0, 0, ratio, 0, 0]}).promise
  const text = document.createElement('div')
  text.className = 'textLayer'
  await new pdfjs.TextLayer({textContentSource: page.streamTextContent(), container: text, viewport}).render()
  box.append(canvas, text)
  return box
}

/** The page at the top of the view and how far down it the view starts (0–1). */
function readingPlace(name) {
  const viewport = $('viewport')
  if ($('pages').dataset.name !== name) return undefined
  const top = viewport.scrollTop
  for (const page of $('pages').children) {
    if (page.offsetTop + page.offsetHeight > top) return {page: page.dataset.page, within: (top - page.offsetTop) / page.offsetHeight}
  }
  return undefined
}

function restorePlace(place) {
  const viewport = $('viewport')
  if (!place) {
    viewport.scrollTop = 0
    return
  }
  const pages = [...$('pages').children]
  const page = pages.find((item) => item.dataset.page === place.page) ?? pages.at(-1)
  if (page) viewport.scrollTop = page.offsetTop + place.within * page.offsetHeight
}

function showPageNumber() {
  if (view.mode !== 'pdf' || $('pages').hidden) return
  const viewport = $('viewport')
  const pages = [...$('pages').children]
  const middle = viewport.scrollTop + viewport.clientHeight / 3
  const current = pages.find((page) => page.offsetTop + page.offsetHeight > middle) ?? pages.at(-1)
  $('page-number').textContent = current ? `Page ${current.dataset.page} of ${pages.length}` : ''
}

/** Frame one chapter of the EPUB (its own XHTML and stylesheet) at the chosen width, keeping its scroll position. */
async function showEpub(name, version) {
  const response = await fetch(`/epub/${encodeURIComponent(name)}.json?v=${version}`)
  if (!response.ok) return showEmpty(response.status === 404 ? `${name} has no EPUB yet: see its problems above.` : `Could not load ${name}.epub (HTTP ${response.status}).`)
  const {chapters} = await response.json()
  if (!chapters.some((chapter) => chapter.href === view.chapter)) {
    view.chapter = (chapters.find((chapter) => chapter.id !== 'cover' && chapter.id !== 'nav') ?? chapters[0])?.href
  }
  $('chapters').replaceChildren(...chapters.map((chapter) => new Option(chapterLabel(chapter), chapter.href, false, chapter.href === view.chapter)))
  if (!view.chapter) return showEmpty(`${name}.epub has no chapters.`)
  const frame = $('chapter')
  const src = `/epub/${encodeURIComponent(name)}/${view.chapter.split('/').map(encodeURIComponent).join('/')}?v=${version}`
  const sameChapter = frame.dataset.chapter === `${name}/${view.chapter}`
  const scroll = sameChapter ? (frame.contentWindow?.scrollY ?? 0) : 0
  $('pages').hidden = true
  $('empty').hidden = true
  $('epub').hidden = false
  frame.style.width = `${view.width}px`
  $('page-number').textContent = `${view.width} px wide`
  if (frame.getAttribute('src') === src) return
  await new Promise((resolve) => {
    frame.addEventListener('load', resolve, {once: true})
    frame.src = src
  })
  frame.dataset.chapter = `${name}/${view.chapter}`
  frame.contentWindow?.scrollTo(0, scroll)
}

function chapterLabel(chapter) {
  const file = chapter.href.split('/').at(-1)
  return chapter.id === 'cover' ? 'Cover' : chapter.id === 'nav' ? 'Contents' : file.replace(/\.x?html$/, '')
}

function drawSources() {
  if (!snapshot) return
  const groups = [
    ['Articles', snapshot.entries.filter((entry) => entry.kind === 'article')],
    ['Books', snapshot.entries.filter((entry) => entry.kind === 'book')]
  ]
  const nav = $('sources')
  nav.replaceChildren()
  for (const [title, entries] of groups) {
    if (entries.length === 0) continue
    const heading = document.createElement('h2')
    heading.textContent = title
    const list = document.createElement('ul')
    for (const entry of entries) {
      const link = document.createElement('a')
      link.href = `?${new URLSearchParams({doc: entry.name, view: view.mode})}`
      link.textContent = entry.name
      link.className = entry.failed ? 'failed' : entry.problems.length > 0 ? 'warned' : 'ok'
      link.title = entry.failed ? 'Last build failed: showing the previous outputs' : entry.problems.length > 0 ? `${entry.problems.length} message(s)` : 'Built'
      if (entry.name === view.doc) link.setAttribute('aria-current', 'page')
      link.addEventListener('click', (event) => {
        event.preventDefault()
        navigate({doc: entry.name})
      })
      const item = document.createElement('li')
      item.append(link)
      list.append(item)
    }
    nav.append(heading, list)
  }
}

/** The current source's messages over its pages; the pages are marked stale while its last build failed. */
function drawProblems() {
  const entry = snapshot?.entries.find((item) => item.name === view.doc)
  const panel = $('problems')
  const failed = entry?.failed ?? false
  document.body.classList.toggle('stale', failed)
  if (!entry || entry.problems.length === 0) {
    panel.hidden = true
    panel.replaceChildren()
    return
  }
  const heading = document.createElement('h3')
  heading.textContent = failed ? 'The last build failed: the pages below are stale (the previous good build).' : 'The last build has messages.'
  const list = document.createElement('ul')
  for (const problem of entry.problems) {
    const item = document.createElement('li')
    item.className = `problem ${problem.severity}`
    const where = document.createElement('code')
    where.className = 'where'
    where.textContent = [problem.file, problem.line, problem.column].filter((part) => part !== undefined && part !== null).join(':')
    const severity = document.createElement('span')
    severity.className = 'severity'
    severity.textContent = problem.severity
    const reason = document.createElement('span')
    reason.className = 'reason'
    reason.textContent = problem.reason
    item.append(where, severity)
    if (problem.ruleId) {
      const rule = document.createElement('code')
      rule.className = 'rule'
      rule.textContent = problem.ruleId
      item.append(rule)
    }
    item.append(reason)
    list.append(item)
  }
  panel.className = failed ? 'failed' : 'warned'
  panel.replaceChildren(heading, list)
  panel.hidden = false
}
