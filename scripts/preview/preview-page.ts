/**
 * The preview page: a static shell that `preview/viewer.js` fills from the
 * event stream (source list, problems, pages). Nothing in it comes from
 * content, so it needs no escaping; the page is ours and runs its own module
 * script under a strict Content-Security-Policy.
 */
import type {Format} from '../config/schema.js'

/**
 * The page's policy: scripts, styles and the pdf.js worker from this server
 * only (no inline code, no eval: pdf.js runs with `isEvalSupported: false`),
 * PDFs and events fetched from it, chapters framed from it, and nobody may
 * frame the page itself.
 */
export const pageSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')

/** The page's HTML; `formats` decides which views it offers. */
export function previewPage(formats: readonly Format[]): string {
  return `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Preview</title>
<link rel="stylesheet" href="/assets/viewer.css">
<link rel="icon" href="data:,">
<body data-formats="${formats.join(' ')}">
<aside class="sidebar">
  <h1 class="brand">Preview</h1>
  <nav id="sources" aria-label="Sources"></nav>
</aside>
<div class="main">
  <header class="toolbar">
    <h2 id="doc-title">No source</h2>
    <div class="segmented" role="group" aria-label="View">
      <button type="button" id="view-pdf" data-view="pdf">PDF</button>
      <button type="button" id="view-epub" data-view="epub">EPUB</button>
    </div>
    <div class="segmented" role="group" aria-label="E-reader width" id="widths" hidden>
      <button type="button" data-width="360">360 px</button>
      <button type="button" data-width="600">600 px</button>
    </div>
    <select id="chapters" aria-label="Chapter" hidden></select>
    <output id="page-number"></output>
    <output id="status" role="status">Connecting…</output>
  </header>
  <section id="problems" aria-live="polite" hidden></section>
  <main id="viewport" tabindex="-1">
    <div id="pages"></div>
    <div id="epub" hidden><iframe id="chapter" title="EPUB chapter" sandbox="allow-same-origin"></iframe></div>
    <p id="empty" hidden></p>
  </main>
</div>
<script type="module" src="/assets/viewer.js"></script>
</body>
</html>
`
}
