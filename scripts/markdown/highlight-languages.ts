/**
 * Which code block languages starry-night's common grammars highlight, known
 * without loading them: `rehypeHighlightCode` loads the highlighter (most of the
 * parser's code, and a while to start) only for a block that names one of
 * these. The lists are the grammars' own `names`, `extensions` and
 * `extensionsWithDot`; tests/highlight-languages.test.ts checks them against
 * the installed starry-night (regenerate them from its `common` when it changes).
 */

// Space-separated (no entry has a space), a few lines each.
const names = new Set(
  [
    'abuild ags ags-script alpine-abuild altium altium-designer apkbuild asymptote b bash bazel beef bsdmake buildstream bzl c c# c++ cake',
    'cakescript chuck collada conf cperl cpp csharp css cycript diff dosini dtrace dtrace-script eagle easybuild ecere-projects',
    'edje-data-collection envrc eq fb freebasic game-maker-language gentoo-ebuild gentoo-eclass geojson go golang gradle-kotlin-dsl graphql hip',
    'html html+php inc ini ipython-notebook jar-manifest java javascript javascript+erb jruby js json json5 jsonl jsonld jupyter-notebook',
    'kaitai-struct kit kotlin ksy labview less less-css lookml lua macruby make makefile markdown max max/msp maxmsp md metal mf mirah mtml node',
    'oasv2-json oasv2-yaml oasv3-json oasv3-yaml obj-c objc objective-c objectivec oncrpc opencl openrc openrc-runscript pandoc perl php plpgsql',
    'pro*c py py3 python python3 qt-script r rake raml rb rbx realbasic rmarkdown rpc rpcgen rs rscript rss ruby rust rusthon sage sarif scss sh',
    'shell shell-script sip snakefile snakemake splus sql sqlpl starlark svg swift swig tcsh topojson ts typescript udiff unified-parallel-c',
    'unity3d-asset uno unrealscript vb-.net vb.net vbnet vbscript visual-basic visual-basic-.net web-ontology-language wsdl x-bitmap x-pixmap',
    'xbm xdr xhtml xml xonsh xpages xpm xproc xs xsd yaml yml zsh'
  ]
    .join(' ')
    .split(' ')
)

const extensions = new Set(
  [
    '.4dform .4dproject ._js .adml .admx .anim .ant .asc .ash .asset .asy .avsc .aw .axaml .axml .b .bash .bats .bf .bi .bones .brd .builder',
    '.builds .bzl .c .c++ .cake .cats .cc .ccproj .ccxml .cgi .cjs .ck .clixml .cnf .command .container .cp .cpp .cppm .cproject .cs .cs.pp',
    '.cscfg .csdef .csh .csproj .css .csx .ct .ctp .cts .cxx .cy .dae .db2 .ddl .depproj .diff .dita .ditamap .ditaval .dll.config .dof',
    '.dotsettings .druby .duby .eb .ebuild .eclass .edc .epj .eq .es6 .eye .fcgi .filters .frm .fsproj .fxml .gemspec .geojson .glade .gltf .gml',
    '.gmx .go .god .gpx .gql .gradle.kts .graphql .graphqls .grxml .gyp .gypi .h .h++ .h.in .har .hh .hip .hpp .hta .htm .html.hl .hxx .hzp .ice',
    '.icls .idc .iml .ini .inl .ino .ipp .ipynb .ivy .ixx .jake .jav .java .javascript .jbuilder .jelly .js .js.erb .jsb .jscad .jsfl .jsh',
    '.jslib .jsm .json .json-tmlanguage .json.example .json5 .jsonl .jsonld .jspre .jsproj .jss .jsx .kit .kml .ksh .ksy .kt .ktm .kts .launch',
    '.lektorproject .less .linq .livemd .lkml .lmi .lookml .lua .lvclass .lvlib .lvproj .mak .make .makefile .markdown .mat .maxhelp .maxpat',
    '.maxproj .mcmeta .mdown .mdpolicy .mdwn .meta .meta4 .metal .mir .mirah .mjml .mjs .mk .mkd .mkdn .mkdown .mkfile .mount .mspec .mtml .mts',
    '.mxml .mxt .mysql .natvis .ndproj .network .njs .nproj .nse .nuspec .odd .opencl .osm .outjob .owl .p8 .pac .pacscript .pat .patch .pc',
    '.pcbdoc .pd_lua .perl .pgsql .ph .php3 .php4 .php5 .phps .phpt .phtml .pkgproj .pl .pluginspec .plx .pm .podspec .prawn .prc .prefab .prefs',
    '.prjpcb .proj .properties .props .ps1xml .psc1 .psgi .pt .pubxml .py .py3 .pyde .pyi .pyp .pyt .pyw .qhelp .qmd .r .rabl .rake .raml .rb',
    '.rbbas .rbfrm .rbi .rbmnu .rbres .rbtbar .rbuild .rbuistate .rbw .rbx .rbxmx .rbxs .rd .rdf .re .reek .resx .rhistory .rmd .rockspec .ronn',
    '.rpy .rs .rs.in .rss .rsx .ru .ruby .rviz .sage .sagews .sarif .sbatch .scd .sch .schdoc .scss .scxml .service .sfproj .sh .sh.in .shproj',
    '.sjs .slnlaunch .slnx .slurm .smk .snakefile .socket .spec .sql .srdf .ssjs .storyboard .sublime-snippet .sublime-syntax .svg .swg .swift',
    '.swig .syntax .t .tab .tac .target .targets .tcc .tcsh .tfstate .tfstate.backup .thor .timer .tml .tmux .tool .topojson .tpp .ts .txx .uc',
    '.udf .ui .unity .uno .upc .urdf .url .ux .vb .vbhtml .vbproj .vbs .vcxproj .viw .vsixmanifest .vssettings .vstemplate .vxml .watchr .webapp',
    '.webmanifest .wixproj .wlua .workbook .wsdl .wsf .wsgi .wxi .wxl .wxs .x3d .xacro .xaml .xbm .xht .xhtml .xib .xlf .xliff .xmi .xml',
    '.xml.dist .xmp .xpl .xpm .xproc .xproj .xpy .xs .xsd .xsh .xsjs .xsjslib .xsp-config .xsp.metadata .xspec .xul .yaml-tmlanguage .yaml.sed',
    '.yml.mysql .yy .yyp .zcml .zsh .zsh-theme'
  ]
    .join(' ')
    .split(' ')
)

const extensionsWithDot = new Set(['.tact'])

/** The lists, for the test that checks them against starry-night. */
export const knownLanguages = {names, extensions, extensionsWithDot}

/**
 * True when starry-night's `flagToScope(flag)` finds a grammar among the common
 * ones: the same trimming, lower-casing and look-ups.
 */
export function hasGrammarFor(flag: string): boolean {
  const normal = flag
    .replace(/^[\t ]+/, '')
    .replace(/[\t /]+$/, '')
    .toLowerCase()
  if (names.has(normal)) return true
  const dot = normal.lastIndexOf('.')
  if (dot === -1) return extensions.has('.' + normal)
  const extension = normal.slice(dot)
  return extensions.has(extension) || extensionsWithDot.has(extension)
}
