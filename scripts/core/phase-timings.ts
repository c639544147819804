/**
 * Where a build's time goes, phase by phase: an optional collector the
 * benchmark and `--timings` pass in through the build hooks. Collecting costs
 * two `performance.now()` calls per phase and nothing when no collector is given.
 */

/**
 * The phases of a build, in pipeline order: `startup` (process start to the
 * CLI's `main`, imports included), `launch` (the browser, which runs in
 * parallel with parsing), `parse` (read + Markdown → document model), `render`
 * (templates → HTML and cover SVG), `print` (browser work: PDF printing),
 * `package` (PDF metadata, cover rasterising, EPUB zip), `write` (atomic writes).
 */
export const phases = ['startup', 'launch', 'parse', 'render', 'print', 'package', 'write'] as const

/** A phase of a build. */
export type Phase = (typeof phases)[number]

/**
 * Milliseconds per phase, summed over sources. Sources and formats run
 * concurrently, so the sum of phases can exceed the wall time.
 */
export type PhaseTimings = Partial<Record<Phase, number>>

/** Add `ms` to `phase` of `timings` (a no-op without a collector). */
export function addTime(timings: PhaseTimings | undefined, phase: Phase, ms: number): void {
  if (timings) timings[phase] = (timings[phase] ?? 0) + ms
}

/** Run `work`, adding its wall time to `phase`. */
export async function timed<T>(timings: PhaseTimings | undefined, phase: Phase, work: () => T | Promise<T>): Promise<T> {
  if (!timings) return work()
  const started = performance.now()
  try {
    return await work()
  } finally {
    addTime(timings, phase, performance.now() - started)
  }
}
