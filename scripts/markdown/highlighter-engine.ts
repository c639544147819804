/**
 * starry-night with GitHub's common grammars, loaded by `rehypeHighlightCode`
 * only when a code block names a language: the grammars are most of the
 * parser's code, and most sources have no code. Named exports (not the
 * package's namespace), so a bundle keeps only these and not every grammar.
 */
export {common, createStarryNight} from '@wooorm/starry-night'
