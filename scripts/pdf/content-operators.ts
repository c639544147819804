/**
 * The operators of a PDF content stream, each with its operands, read as
 * the PDF specification's lexical rules say (ISO 32000-1, 7.2 and 7.8.2):
 * one pass over the bytes, no regular expression, nothing allocated for an
 * operand but a dictionary's entries, and a number's value read only when
 * asked for. A book's pages are tens of megabytes of content: matching them
 * with one regular expression of every operator wanted cost seconds
 * (`hyphen-runs.ts`).
 */

/** What an operand is. */
export type OperandKind = 'number' | 'name' | 'hex' | 'string' | 'array' | 'dict' | 'other'

/** A dictionary's entry (a key or a value): where its text is. */
export interface Entry {
  kind: OperandKind
  /** First byte of its text: after the `/` of a name, the `<` or `(` of a string. */
  start: number
  /** Byte after its text: before the `>` or `)` of a string. */
  end: number
}

const kinds: OperandKind[] = ['number', 'name', 'hex', 'string', 'array', 'dict', 'other']
const [numberKind, nameKind, hexKind, stringKind, arrayKind, dictKind, otherKind] = [0, 1, 2, 3, 4, 5, 6] as const

// Character classes of the PDF lexer: white space and delimiters end a token.
const whiteSpace = new Uint8Array(256)
for (const code of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]) whiteSpace[code] = 1
const delimiter = new Uint8Array(256)
for (const character of '()<>[]{}/%') delimiter[character.charCodeAt(0)] = 1
const numberStart = new Uint8Array(256)
for (const character of '+-.0123456789') numberStart[character.charCodeAt(0)] = 1

/** Operands kept before an operator: more than any operator takes (a stream without operators keeps the last ones). */
const maxOperands = 64

/** Deepest nesting of arrays and dictionaries read; deeper brackets are read as nothing. */
const maxDepth = 32

/**
 * The operands before the operator being visited, counted from the last
 * (`0` is the operand just before the operator). Valid only during the visit.
 */
export class Operands {
  /** How many there are. */
  count = 0
  private readonly kinds = new Uint8Array(maxOperands)
  private readonly starts = new Int32Array(maxOperands)
  private readonly ends = new Int32Array(maxOperands)
  private dictEntries: Array<Entry[] | undefined> | undefined

  constructor(private readonly content: Uint8Array) {}

  /** The kind of the operand `back` places before the operator. */
  kind(back: number): OperandKind | undefined {
    return back < this.count ? kinds[this.kinds[this.count - 1 - back]!] : undefined
  }

  /** Whether the last operands are of these kinds, in order. */
  endsWith(wanted: readonly OperandKind[]): boolean {
    if (this.count < wanted.length) return false
    for (let index = 0; index < wanted.length; index++) if (this.kind(wanted.length - 1 - index) !== wanted[index]) return false
    return true
  }

  /** A number operand's value, as `Number` reads its text. */
  number(back: number): number {
    const index = this.count - 1 - back
    return numberValue(this.content, this.starts[index]!, this.ends[index]!)
  }

  /** A name's or a number's text, as written (no `#` escapes decoded). */
  text(back: number): string {
    const index = this.count - 1 - back
    return latin1(this.content, this.starts[index]!, this.ends[index]!)
  }

  /** Where the operand's text is (see `Entry`). */
  span(back: number): Entry {
    const index = this.count - 1 - back
    return {kind: kinds[this.kinds[index]!]!, start: this.starts[index]!, end: this.ends[index]!}
  }

  /** A dictionary's keys and values, in order. */
  entries(back: number): Entry[] | undefined {
    return this.dictEntries?.[this.count - 1 - back]
  }

  /** @internal */
  push(kind: number, start: number, end: number, entries?: Entry[]): void {
    if (this.count === maxOperands) {
      this.kinds.copyWithin(0, 1)
      this.starts.copyWithin(0, 1)
      this.ends.copyWithin(0, 1)
      this.dictEntries?.shift()
      this.count--
    }
    this.kinds[this.count] = kind
    this.starts[this.count] = start
    this.ends[this.count] = end
    // Most operators have no dictionary: the list is made for the first one.
    if (entries && !this.dictEntries) this.dictEntries = []
    if (this.dictEntries) this.dictEntries[this.count] = entries
    this.count++
  }

  /** @internal */
  clear(): void {
    this.dictEntries = undefined
    this.count = 0
  }
}

/**
 * The code `forEachOperator` gives an operator of one to three letters
 * (its bytes, first lowest); longer ones share the code `0`.
 */
export function operatorCode(name: string): number {
  if (name.length > 3) return 0
  let code = 0
  for (let index = name.length - 1; index >= 0; index--) code = code * 256 + name.charCodeAt(index)
  return code
}

const inlineImageData = operatorCode('ID')

/**
 * Call `visit` with the code of each operator of `content` (`operatorCode`)
 * and the operands before it. Inline image data (`BI` … `ID` … `EI`) is skipped.
 */
export function forEachOperator(content: Uint8Array, visit: (operator: number, operands: Operands) => void): void {
  const lexer = new Lexer(content)
  const operands = new Operands(content)
  const length = content.length
  while (true) {
    lexer.skipSpace()
    const at = lexer.at
    if (at >= length) break
    const code = content[at]!
    if (code === 0x2f || numberStart[code] || delimiter[code]) {
      lexer.operand(0)
      operands.push(lexer.kind, lexer.start, lexer.end, lexer.entries)
      continue
    }
    const end = regularEnd(content, at)
    const operator = end - at > 3 ? 0 : end - at === 1 ? code : end - at === 2 ? code + content[at + 1]! * 256 : code + content[at + 1]! * 256 + content[at + 2]! * 65536
    visit(operator, operands)
    operands.clear()
    lexer.at = operator === inlineImageData ? inlineImageEnd(content, end) : end
  }
}

/** Reads one token at a time; `operand` leaves what it read in `kind`, `start`, `end` and `entries`. */
class Lexer {
  at = 0
  kind = 0
  start = 0
  end = 0
  entries: Entry[] | undefined = undefined

  constructor(private readonly content: Uint8Array) {}

  skipSpace(): void {
    const content = this.content
    let at = this.at
    while (at < content.length) {
      const code = content[at]!
      if (whiteSpace[code]) at++
      else if (code === 0x25) {
        // A comment, to the end of its line.
        while (at < content.length && content[at] !== 0x0a && content[at] !== 0x0d) at++
      } else break
    }
    this.at = at
  }

  /** Read the operand at `at`. */
  operand(depth: number): void {
    const content = this.content
    const from = this.at
    const code = content[from]!
    this.entries = undefined
    if (code === 0x2f) this.set(nameKind, from + 1, regularEnd(content, from + 1), 0)
    else if (numberStart[code]) this.set(numberKind, from, regularEnd(content, from), 0)
    else if (code === 0x28) this.string()
    else if (code === 0x3c && content[from + 1] === 0x3c) this.container(dictKind, depth)
    else if (code === 0x3c) {
      let at = from + 1
      while (at < content.length && content[at] !== 0x3e) at++
      this.set(hexKind, from + 1, at, 1)
    } else if (code === 0x5b) this.container(arrayKind, depth)
    // `)`, `>`, `]`, `{`, `}` out of place: one byte of nothing.
    else this.set(otherKind, from, from + 1, 0)
  }

  /** Record an operand ending at `end`, its closing delimiter `closing` bytes long. */
  private set(kind: number, start: number, end: number, closing: number): void {
    this.kind = kind
    this.start = start
    this.end = end
    this.at = Math.min(this.content.length, end + closing)
  }

  /** A literal string: balanced parentheses, backslash escapes. */
  private string(): void {
    const content = this.content
    let depth = 0
    let at = this.at
    while (at < content.length) {
      const code = content[at]!
      if (code === 0x5c) {
        at += 2
        continue
      }
      if (code === 0x28) depth++
      else if (code === 0x29 && --depth === 0) {
        this.set(stringKind, this.at + 1, at, 1)
        return
      }
      at++
    }
    this.set(stringKind, this.at + 1, content.length, 0)
  }

  /** An array (`[` … `]`) or a dictionary (`<<` … `>>`); a dictionary's entries are kept. */
  private container(kind: number, depth: number): void {
    const content = this.content
    const from = this.at
    const entries: Entry[] | undefined = kind === dictKind ? [] : undefined
    this.at = from + (kind === dictKind ? 2 : 1)
    while (true) {
      this.skipSpace()
      const at = this.at
      if (at >= content.length) break
      const code = content[at]!
      const closing = kind === arrayKind ? (code === 0x5d ? 1 : 0) : code === 0x3e && content[at + 1] === 0x3e ? 2 : 0
      if (closing > 0) {
        this.closeContainer(kind, from, at + closing, entries)
        return
      }
      const nested = code === 0x5b || (code === 0x3c && content[at + 1] === 0x3c)
      if ((code === 0x2f || numberStart[code] || code === 0x28 || code === 0x3c || code === 0x5b) && !(nested && depth >= maxDepth)) {
        this.operand(depth + 1)
        entries?.push({kind: kinds[this.kind]!, start: this.start, end: this.end})
      } else {
        // A keyword inside (`true`, `null`, `R`), a stray delimiter or a bracket too deep: one byte at least, so the reading goes on.
        const end = Math.max(at + 1, regularEnd(content, at))
        entries?.push({kind: 'other', start: at, end})
        this.at = end
      }
    }
    this.closeContainer(kind, from, content.length, entries)
  }

  private closeContainer(kind: number, from: number, end: number, entries: Entry[] | undefined): void {
    this.kind = kind
    this.start = from
    this.end = end
    this.at = end
    this.entries = entries
  }
}

/** The byte after the regular characters from `from` on (a name's, a number's or a keyword's). */
function regularEnd(content: Uint8Array, from: number): number {
  let at = from
  while (at < content.length && !whiteSpace[content[at]!] && !delimiter[content[at]!]) at++
  return at
}

function latin1(content: Uint8Array, start: number, end: number): string {
  return Buffer.from(content.buffer, content.byteOffset + start, end - start).toString('latin1')
}

/**
 * A number's value, equal to `Number` of its text. Digits with at most one
 * point, of fewer than 16 significant digits and 22 decimals (what Chromium
 * writes), are read as an integer over a power of ten: both exact in a double,
 * so the division rounds once, as `Number` does. Anything else goes to `Number`.
 */
function numberValue(content: Uint8Array, start: number, end: number): number {
  let at = start
  const negative = content[at] === 0x2d
  if (negative || content[at] === 0x2b) at++
  let mantissa = 0
  let significant = 0
  let digits = 0
  let decimals = -1
  for (; at < end; at++) {
    const code = content[at]!
    if (code >= 0x30 && code <= 0x39) {
      mantissa = mantissa * 10 + (code - 0x30)
      digits++
      if (mantissa > 0) significant++
      if (decimals >= 0) decimals++
    } else if (code === 0x2e && decimals < 0) decimals = 0
    else return Number(latin1(content, start, end))
  }
  if (digits === 0 || significant > 15 || decimals >= powersOfTen.length) return Number(latin1(content, start, end))
  const value = decimals > 0 ? mantissa / powersOfTen[decimals]! : mantissa
  return negative ? -value : value
}

// Written out: each is exact in a double (as `10 ** n` need not be).
const powersOfTen = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]

/** Past an inline image's data: the `EI` that follows white space and is followed by white space or the end. */
function inlineImageEnd(content: Uint8Array, from: number): number {
  for (let at = from + 1; at + 1 < content.length; at++) {
    if (content[at] === 0x45 && content[at + 1] === 0x49 && whiteSpace[content[at - 1]!] && (at + 2 >= content.length || whiteSpace[content[at + 2]!])) return at + 2
  }
  return content.length
}
