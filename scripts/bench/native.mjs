// The native side by side on the same folder: `trailglass summary`, jq over
// zcat-ed files (principal-summary.jq) and DuckDB's Python package
// (duckdb_summary.py, every core). Each is timed as a whole process, wall clock.
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
export const VENV_PYTHON = path.join(ROOT, 'target', 'bench-venv', 'bin', 'python');

function timed(command, args) {
  const started = process.hrtime.bigint();
  const run = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.error || run.status !== 0) throw new Error(`${command} failed: ${run.error ?? run.stderr}`);
  return { ms, stdout: run.stdout };
}

export function trailglassSummary(binary, folder) {
  const { ms, stdout } = timed(binary, ['summary', folder]);
  const summary = JSON.parse(stdout);
  return { ms, events: summary.events, duplicates: summary.duplicates, principals: summary.principals.length };
}

export function jqSummary(folder) {
  const jq = path.join(HERE, 'principal-summary.jq');
  const pipeline = `set -o pipefail; find "$1" -name '*.json.gz' -print0 | xargs -0 zcat | jq -n -c -f "$2"`;
  const { ms, stdout } = timed('bash', ['-c', pipeline, 'jq-summary', folder, jq]);
  const principals = Object.values(JSON.parse(stdout));
  return { ms, principals: principals.length, principalEvents: principals.reduce((s, p) => s + p.events, 0) };
}

export function duckdbSummary(folder) {
  const { ms, stdout } = timed(VENV_PYTHON, [path.join(HERE, 'duckdb_summary.py'), folder]);
  const result = JSON.parse(stdout);
  return { ms, queryMs: result.seconds * 1000, threads: result.threads, principals: result.principals, principalEvents: result.events };
}
