/**
 * citation-js with the BibTeX and CSL plugins registered, loaded by
 * `rehypeCitations` only when a source cites: it is large, and most sources do
 * not. Its CSL plugin bundles the APA, Vancouver and Harvard styles and the
 * en-US, fr-FR, de-DE, es-ES and nl-NL locales, so nothing is fetched.
 */
import '@citation-js/plugin-bibtex'
import '@citation-js/plugin-csl'

export {Cite, plugins} from '@citation-js/core'
