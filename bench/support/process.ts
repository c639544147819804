/**
 * Processes the bench starts outside its measurements: the compiled snapshot
 * of the CLI it drives, and what it asks the machine.
 */
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {root, scratch} from './bench.js'

/** Run a command to completion, unmeasured. */
export function run(command: string, args: string[], cwd = root): {ok: boolean; out: string} {
  const result = spawnSync(command, args, {cwd, encoding: 'utf8', env: process.env})
  return {ok: result.status === 0, out: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim()}
}

/** The Machine section of the report. */
export function machine(chromium: string, loadAtStart: number[] = os.loadavg()): string[] {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  const chromiumVersion = /Chromium [\d.]+/.exec(run(chromium, ['--version']).out)?.[0] ?? run(chromium, ['--version']).out.split('\n').pop()
  const pandoc = run('pandoc', ['--version']).out.split('\n')[0] || 'not installed'
  return [
    `- CPU: ${os.availableParallelism()} × ${cpu}`,
    `- Memory: ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB; load average at start ${loadAtStart.map((n) => n.toFixed(2)).join(', ')} (other work was running)`,
    `- OS: ${os.type()} ${os.release()}`,
    `- Node ${process.version}; ${chromiumVersion} (${chromium}); ${pandoc}`,
    `- Peak memory: summed PSS of the process and all its children (Chromium included), sampled every 100 ms; GNU time's max RSS of the largest single process in brackets`
  ]
}

/**
 * A compiled copy of the CLI laid out as after `npm install` (the `prepare`
 * script compiles `lib/`), so `bin/handout.js` takes its compiled path:
 * `compiled/{package.json, bin/handout.js, lib/, scripts/ (empty), tests/support/bundle.mjs}`.
 * The working tree's own `lib/` is left alone (other people edit `scripts/`).
 * Returns its `bin/handout.js`; `notes` gets tsc's complaints.
 */
export function compileSnapshot(notes: string[]): string {
  const dir = path.join(scratch, 'compiled')
  fs.rmSync(dir, {recursive: true, force: true})
  fs.mkdirSync(path.join(dir, 'bin'), {recursive: true})
  fs.mkdirSync(path.join(dir, 'scripts'), {recursive: true})
  fs.copyFileSync(path.join(root, 'package.json'), path.join(dir, 'package.json'))
  fs.copyFileSync(path.join(root, 'bin', 'handout.js'), path.join(dir, 'bin', 'handout.js'))
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  const compiled = run(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', path.join(dir, 'lib'), '--declaration', 'false', '--sourceMap', 'false'])
  if (!fs.existsSync(path.join(dir, 'lib', 'cli', 'main.js'))) throw new Error(`Cannot compile the CLI: ${compiled.out.slice(0, 500)}`)
  if (!compiled.ok) notes.push(`\`tsc\` reported errors while compiling the snapshot (emitted anyway): ${compiled.out.split('\n')[0]}`)
  bundleSnapshot(dir)
  const bin = path.join(dir, 'bin', 'handout.js')
  // Our own CLI must run: a broken snapshot would fail every row of ours and hide the cases it offers.
  const check = run(process.execPath, [bin, '--version'])
  if (!check.ok) throw new Error(`The compiled snapshot does not run: ${check.out.slice(0, 500)}`)
  return bin
}

/** The package's own bundle step (what `npm install` runs), in the snapshot, with this tree's esbuild. */
function bundleSnapshot(dir: string): void {
  const bundle = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {scripts: Record<string, string>}).scripts.bundle
  if (!bundle) return
  const env = {...process.env, PATH: `${path.join(root, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}`}
  // The script names a file under `./node_modules` (an esbuild alias): the tree's, as in a checkout.
  if (!fs.existsSync(path.join(dir, 'node_modules'))) fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir')
  // It runs tests/support/bundle.mjs, which bundles the folder it is in (two levels up).
  fs.mkdirSync(path.join(dir, 'tests', 'support'), {recursive: true})
  fs.copyFileSync(path.join(root, 'tests', 'support', 'bundle.mjs'), path.join(dir, 'tests', 'support', 'bundle.mjs'))
  const result = spawnSync('sh', ['-c', bundle], {cwd: dir, encoding: 'utf8', env})
  if (result.status !== 0 || !fs.existsSync(path.join(dir, 'lib', 'cli.bundle.js'))) throw new Error(`Cannot bundle the CLI: ${`${result.stdout}${result.stderr}`.slice(0, 500)}`)
}

/** Is the working tree's `lib/` fresh, so that `bin/handout.js` runs it rather than tsx? */
export function libIsFresh(): boolean {
  const compiled = path.join(root, 'lib', 'cli.bundle.js')
  if (!fs.existsSync(compiled)) return false
  const newest = fs
    .readdirSync(path.join(root, 'scripts'), {recursive: true, withFileTypes: true})
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .reduce((latest, entry) => Math.max(latest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs), 0)
  return fs.statSync(compiled).mtimeMs >= newest
}
