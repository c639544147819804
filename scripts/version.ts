/**
 * The tool's name and version, read once from package.json: PDF Creator and
 * EPUB generator say which version made them.
 */
import {createRequire} from 'node:module'

const require = createRequire(import.meta.url)
const manifest = require('../package.json') as {name: string; version: string}

/** Package name. */
export const toolName = manifest.name
/** Package version. */
export const toolVersion = manifest.version
/** `name version`, as written into outputs. */
export const generator = `${toolName} ${toolVersion}`
