/**
 * The config's `theme` as what the print page gets: a stylesheet appended
 * after the templates' CSS (page size, margins, colour, fonts, the logo, the
 * project's own stylesheet) and the logo as an asset. Files stay inside the
 * root by real path, and the logo is checked by content like any image.
 */
import {readFileSync} from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import {VFile} from 'vfile'
import {ConfigError} from '../config/load-config.js'
import {placeOfKey} from '../config/publication-place.js'
import type {PageSize, Theme} from '../config/schema.js'
import {digest} from '../content/file-reads.js'
import {sniffImage} from '../content/sniff-image.js'
import type {Asset} from '../core/types.js'
import {cssString} from '../render/templates.js'

/** A theme ready to print with. */
export interface ThemeFiles {
  /** CSS appended after `print.css` (and `book.css`); `''` for no theme. */
  css: string
  /** The logo, served at `theme/logo-<hash of its content>`. */
  assets: Map<string, Asset>
  /** Paper size for documents that set none (`undefined`: the build option's). */
  pageSize: PageSize | undefined
  /** Footer text of every page (`undefined`: the publisher). */
  footer?: string | undefined
}

/** Href of the logo in the print page. */
const logoHref = 'theme/logo'

/**
 * Read the theme's files (relative to the config file at `configPath`, inside
 * `root`). Throws a `ConfigError` with the fix in a message at the key, for a
 * missing file, one outside the project, or a logo that is no image.
 */
export async function loadTheme(theme: Theme | undefined, root: string, configPath: string): Promise<ThemeFiles> {
  const assets = new Map<string, Asset>()
  if (!theme) return {css: '', assets, pageSize: undefined}
  const rules: string[] = []
  // The page size reaches the template as its `pageSize`, so front matter can still set another.
  // Margins follow the template's own `@page` (an inline style that comes later): `!important` wins the cascade.
  if (theme.margins) rules.push(`@page { margin: ${theme.margins} !important; }`)
  if (theme.brandColor) rules.push(`:root { --brand: ${theme.brandColor}; }`)
  if (theme.bodyFont) rules.push(`body { font-family: ${cssString(theme.bodyFont)}, serif; }`)
  if (theme.headingFont) rules.push(`h1, h2, h3, .masthead .title { font-family: ${cssString(theme.headingFont)}, sans-serif; }`)
  if (theme.logo) {
    const {data, source} = await readInside(root, configPath, theme.logo, 'theme.logo')
    const mediaType = sniffImage(data)
    if (!mediaType) throw configError(configPath, 'theme.logo', `The config's \`theme.logo\` \`${theme.logo}\` is no PNG, JPEG, GIF, WebP or SVG image: point it at an image file`, 'config-image-type')
    // Named by its content, as every asset is: the print cache keys a print by its assets' names.
    const href = `${logoHref}-${digest(data).slice(0, 16)}`
    assets.set(href, {href, mediaType, data, source})
    rules.push(`.masthead { background: url(${href}) no-repeat right top; background-size: auto 14mm; min-height: 14mm; }`)
  }
  if (theme.stylesheet) rules.push(new TextDecoder().decode((await readInside(root, configPath, theme.stylesheet, 'theme.stylesheet')).data))
  return {css: rules.length === 0 ? '' : `\n/* theme (handout.config.yaml) */\n${rules.join('\n')}\n`, assets, pageSize: theme.pageSize, footer: theme.footer}
}

async function readInside(root: string, configPath: string, file: string, key: string): Promise<{data: Uint8Array; source: string}> {
  let real: string
  try {
    real = await fs.realpath(path.resolve(path.dirname(configPath), file))
  } catch {
    throw configError(configPath, key, `The config's \`${key}\` \`${file}\` does not exist: fix the path (relative to the config file)`, 'config-file-missing')
  }
  const relative = path.relative(await fs.realpath(root), real)
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw configError(configPath, key, `The config's \`${key}\` \`${file}\` is outside the project root: move it into the project`, 'config-file-outside')
  }
  return {data: await fs.readFile(real), source: real}
}

/** A `ConfigError` with one message at `key` (`theme.logo`) in the config file. */
function configError(configPath: string, key: string, reason: string, ruleId: string): ConfigError {
  const file = new VFile({path: configPath})
  let text = ''
  try {
    text = readFileSync(configPath, 'utf8')
  } catch {
    // An API caller's theme without a config file: the message has no place.
  }
  file.message(reason, {place: placeOfKey(text, key.split('.')) ?? {line: 1, column: 1}, ruleId, source: 'handout:config'}).fatal = true
  return new ConfigError(file)
}
