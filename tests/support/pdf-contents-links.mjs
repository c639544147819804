#!/usr/bin/env node
// Prints, as JSON, the page labels of a PDF and the links of its contents page:
// for each, the number printed on its line, the page it lands on, that page's
// label and text. Run as its own process (plain Node): pdf.js's worker set-up
// does not finish inside vitest's module runner.
import fs from 'node:fs'
import {getDocument} from 'pdfjs-dist/legacy/build/pdf.mjs'

const document = await getDocument({data: new Uint8Array(fs.readFileSync(process.argv[2])), verbosity: 0}).promise
const labels = (await document.getPageLabels()) ?? []
const textOf = async (page) => (await (await document.getPage(page)).getTextContent()).items.map((item) => item.str ?? '').join(' ')
let links = []
for (let number = 1; number <= document.numPages; number++) {
  const page = await document.getPage(number)
  const found = (await page.getAnnotations()).filter((annotation) => annotation.subtype === 'Link' && annotation.dest)
  if (!/Contents/.test(await textOf(number)) || found.length === 0) continue
  const text = (await page.getTextContent()).items
  links = await Promise.all(
    found.map(async (link) => {
      const dest = typeof link.dest === 'string' ? await document.getDestination(link.dest) : link.dest
      const target = (await document.getPageIndex(dest[0])) + 1
      // The entry's number: the last text item on the link's line.
      const [, bottom, , top] = link.rect
      const onLine = text.filter((item) => item.str.trim() !== '' && item.transform[5] >= bottom - 1 && item.transform[5] <= top + 1)
      return {printed: onLine.at(-1).str.trim(), page: target, label: labels[target - 1] ?? String(target), text: (await textOf(target)).replace(/\s+/g, ' ')}
    })
  )
  break
}
await document.destroy()
process.stdout.write(JSON.stringify({labels, links}))
