/**
 * `npm run bench`: runs every bench/*.bench.ts in turn. Each exports `default async function (report)`,
 * and reports figures as `name: value unit`, one line each. Exits when all are done.
 * Pass names to run a subset: `npm run bench -- client library`. Benches in ON_DEMAND run only when named
 * (`npm run bench -- workbench` drives a real workbench; it is not for CI).
 */
import * as fs from 'fs';
import * as path from 'path';

const ON_DEMAND = new Set(['workbench']);

export type Report = (name: string, value: number, unit: string) => void;

const report: Report = (name, value, unit) => {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`benchmark figure names are snake_case identifiers; got "${name}"`);
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 3 : 1);
  process.stdout.write(`${name}: ${shown} ${unit}\n`);
};

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => (only.length === 0 ? !ON_DEMAND.has(f.replace(/\.bench\.ts$/, '')) : only.includes(f.replace(/\.bench\.ts$/, ''))))
    .sort();
  for (const f of files) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(__dirname, f)) as { default: (r: Report) => Promise<void> };
    await mod.default(report);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
