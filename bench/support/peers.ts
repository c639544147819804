/**
 * The tools a user would pick instead: md-to-pdf and Vivliostyle (installed
 * with npm into bench/scratch/peers, never into the project, printing with the
 * same Chromium) and pandoc (Markdown → EPUB 3). A peer that is missing is
 * skipped with a note.
 */
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {type Bench, log, outDir, scratch} from './bench.js'
import {run} from './process.js'
import {type Tool, tool} from './tool.js'

/** The peers found (or installed), by their commands. */
export interface Peers {
  mdToPdf?: string
  vivliostyle?: string
  pandoc?: string
}

/** Find the peers, installing the missing ones unless `--no-install`; none with `--no-peers`. */
export function findPeers(bench: Bench): Peers {
  if (!bench.peers) {
    bench.notes.push('Peers skipped (`--no-peers`).')
    return {}
  }
  const npm = installNpmPeers(bench)
  const pandoc = findPandoc(bench)
  return {...npm, ...(pandoc ? {pandoc} : {})}
}

/** md-to-pdf and Vivliostyle in bench/scratch/peers, never in the project's dependencies. */
function installNpmPeers(bench: Bench): Peers {
  const dir = path.join(scratch, 'peers')
  const bin = (name: string) => path.join(dir, 'node_modules', '.bin', name)
  if (!fs.existsSync(bin('md-to-pdf')) || !fs.existsSync(bin('vivliostyle'))) {
    if (!bench.install) {
      bench.notes.push('md-to-pdf and Vivliostyle not installed (`--no-install`).')
    } else {
      log('Installing md-to-pdf and @vivliostyle/cli into bench/scratch/peers …')
      fs.mkdirSync(dir, {recursive: true})
      if (!fs.existsSync(path.join(dir, 'package.json'))) fs.writeFileSync(path.join(dir, 'package.json'), '{"name": "bench-peers", "private": true}\n')
      const result = spawnSync('npm', ['install', '--no-audit', '--no-fund', 'md-to-pdf', '@vivliostyle/cli'], {
        cwd: dir,
        encoding: 'utf8',
        // Their Puppeteer must not download a browser: they print with the same Chromium as we do.
        env: {...process.env, PUPPETEER_SKIP_DOWNLOAD: '1'}
      })
      if (result.status !== 0) bench.notes.push(`Installing md-to-pdf and Vivliostyle failed: ${(result.stderr || '').trim().split('\n').pop()}`)
    }
  }
  return {
    ...(fs.existsSync(bin('md-to-pdf')) ? {mdToPdf: bin('md-to-pdf')} : {}),
    ...(fs.existsSync(bin('vivliostyle')) ? {vivliostyle: bin('vivliostyle')} : {})
  }
}

function findPandoc(bench: Bench): string | undefined {
  if (run('pandoc', ['--version']).ok) return 'pandoc'
  if (bench.install && bench.isRoot && run('apt-get', ['--version']).ok) {
    log('Installing pandoc with apt-get …')
    run('apt-get', ['install', '-y', 'pandoc'])
    if (run('pandoc', ['--version']).ok) return 'pandoc'
  }
  bench.notes.push('pandoc is not installed (`apt-get install -y pandoc`): its rows are skipped.')
  return undefined
}

/**
 * md-to-pdf converts all its files at once (one page each, all concurrent), which
 * times out with hundreds of files on two cores: batches of `chunk` files, one
 * process each, one after another.
 */
export function mdToPdf(bench: Bench, peers: Peers, label: string, sources: string[], chunk = 10): Tool | undefined {
  const command = peers.mdToPdf
  if (command === undefined) return undefined
  const launchOptions = JSON.stringify({executablePath: bench.chromium, args: bench.isRoot ? ['--no-sandbox'] : []})
  return tool(label, (n) => {
    const dir = outDir(label, n)
    for (const source of sources) fs.copyFileSync(source, path.join(dir, path.basename(source)))
    const names = sources.map((source) => path.basename(source))
    const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`
    const batches = Array.from({length: Math.ceil(names.length / chunk)}, (_, i) => names.slice(i * chunk, (i + 1) * chunk))
    const script = batches.map((batch) => [command, ...batch, '--launch-options', launchOptions].map(quote).join(' ')).join(' && ')
    return {command: 'sh', args: ['-c', script], cwd: dir, pdfs: () => sources.map((source) => path.join(dir, path.basename(source, '.md') + '.pdf'))}
  })
}

export function vivliostyle(bench: Bench, peers: Peers, label: string, source: string): Tool | undefined {
  const command = peers.vivliostyle
  if (command === undefined) return undefined
  return tool(label, (n) => {
    const dir = outDir(label, n)
    fs.copyFileSync(source, path.join(dir, 'input.md'))
    return {command, args: ['build', 'input.md', '-o', 'output.pdf', '--executable-browser', bench.chromium], cwd: dir, pdfs: () => [path.join(dir, 'output.pdf')]}
  })
}

export function pandocEpub(peers: Peers, label: string, sources: string[]): Tool | undefined {
  if (peers.pandoc === undefined) return undefined
  return tool(label, (n) => {
    const dir = outDir(label, n)
    // One pandoc process per source, as a user builds separate books.
    const script = sources.map((source, i) => `pandoc ${JSON.stringify(source)} -t epub3 -o ${JSON.stringify(path.join(dir, `${i}.epub`))}`).join(' && ')
    return {command: 'sh', args: ['-c', script]}
  })
}
