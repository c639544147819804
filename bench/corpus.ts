/**
 * The benchmark's corpus: N articles of 600–900 words, generated from a seed,
 * so every run and every machine prints the same text. Each article has front
 * matter, `##` headings, a bulleted and a numbered list, a table, a footnote
 * and emphasis: every construct a real handout uses.
 */
import fs from 'node:fs/promises'
import path from 'node:path'

/** Options of `writeCorpus`. */
export interface CorpusOptions {
  /** Folder to write `article-001.md` … into (emptied first). */
  dir: string
  /** Number of articles (default: `200`). */
  articles?: number
  /** Seed of the generator (default: `6`). */
  seed?: number
}

/** What was written. */
export interface Corpus {
  dir: string
  files: string[]
  /** Words of body text, over all articles. */
  words: number
}

const vocabulary = (
  'policy region border trade water river council budget election reform court treaty harvest census ' +
  'school clinic railway port tariff monsoon drought ministry province district farmer union debate ' +
  'coalition inflation currency export import energy grid solar coal forest coast island delta ' +
  'migration labour wage pension survey report committee parliament senate governor mayor village ' +
  'city market price supply demand credit bank loan deficit surplus growth decline recovery crisis ' +
  'security alliance summit dialogue mission agency charter statute amendment petition verdict appeal ' +
  'the a of and in to for with on by from as that which while although because however therefore ' +
  'significant broad regional national local historic recent steady sharp modest gradual uneven ' +
  'public private federal rural urban coastal northern southern eastern western central ' +
  'expands limits shapes reflects supports challenges delays improves weakens strengthens ' +
  'analysts officials residents observers critics supporters economists historians engineers'
).split(' ')

/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same corpus. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Generate and write the corpus. */
export async function writeCorpus(options: CorpusOptions): Promise<Corpus> {
  const count = options.articles ?? 200
  const next = random(options.seed ?? 6)
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  const word = () => vocabulary[int(0, vocabulary.length - 1)]!
  const words = (n: number) => Array.from({length: n}, word)
  const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)
  const sentence = () => {
    const parts = words(int(8, 18))
    // Emphasis in about one sentence in four, strong in one in eight.
    const r = next()
    const at = int(1, parts.length - 2)
    if (r < 0.25) parts[at] = `*${parts[at]}*`
    else if (r < 0.375) {
      parts[at] = `**${parts[at]} ${parts[at + 1]}**`
      parts.splice(at + 1, 1)
    }
    return capital(parts.join(' ')) + '.'
  }
  const countWords = (text: string) => text.split(/\s+/).filter((token) => /[A-Za-z0-9]/.test(token)).length

  await fs.rm(options.dir, {recursive: true, force: true})
  await fs.mkdir(options.dir, {recursive: true})
  const files: string[] = []
  let total = 0
  for (let n = 1; n <= count; n++) {
    // Regenerate (deterministically: the generator moves on) until the body is 600–900 words.
    let front: string[]
    let body: string[]
    do {
      const target = int(620, 800)
      const title = capital(words(int(3, 7)).join(' '))
      const day = String(int(1, 28)).padStart(2, '0')
      const month = String(int(1, 12)).padStart(2, '0')
      front = [
        '---',
        `title: "Article ${n}: ${title}"`,
        `date: 2024-${month}-${day}`,
        'publisher: Bench Institute',
        'lang: en',
        `description: "${capital(words(12).join(' '))}."`,
        `tags: [${words(3).join(', ')}]`,
        '---',
        ''
      ]
      body = []
      const paragraph = () => Array.from({length: int(3, 6)}, sentence).join(' ')
      body.push(paragraph() + ' This point is disputed.[^1]', '')
      let section = 0
      const bodyWords = () => countWords(body.join('\n'))
      // At least three sections, so every article has both lists and the table.
      while (bodyWords() < target - 40 || section < 3) {
        section++
        body.push(`## ${capital(words(int(2, 5)).join(' '))}`, '')
        body.push(paragraph(), '')
        if (section === 1) {
          for (let i = 0; i < int(3, 5); i++) body.push(`- ${capital(words(int(4, 10)).join(' '))}`)
          body.push('')
        } else if (section === 2) {
          body.push(`| ${capital(word())} | ${capital(word())} | ${capital(word())} |`, '| --- | ---: | ---: |')
          for (let i = 0; i < 4; i++) body.push(`| ${capital(word())} ${word()} | ${int(10, 999)} | ${(next() * 100).toFixed(1)}% |`)
          body.push('')
        } else if (section === 3) {
          for (let i = 1; i <= int(3, 4); i++) body.push(`${i}. ${capital(words(int(5, 12)).join(' '))}`)
          body.push('')
        }
        if (bodyWords() < target - 40) body.push(paragraph(), '')
      }
      body.push(`[^1]: ${capital(words(int(10, 20)).join(' '))}.`, '')
    } while (countWords(body.join('\n')) < 600 || countWords(body.join('\n')) > 900)
    const text = front.join('\n') + body.join('\n')
    const file = path.join(options.dir, `article-${String(n).padStart(3, '0')}.md`)
    await fs.writeFile(file, text)
    files.push(file)
    total += countWords(body.join('\n'))
  }
  return {dir: options.dir, files, words: total}
}
