/**
 * `ongage-studio lint`, whole process included (the real bundle spawned with Node, as CI runs it):
 * - throughput on 1,000 generated email files (HTML bodies, text parts and subjects, with typical findings),
 *   reported in files per second (`cli_lint_throughput`; `lint_files_per_s` with --info, every finding printed);
 * - one run on a single 100 KB email, in milliseconds, with the time of `--version` (start-up alone) beside it;
 * - what loading the email checks costs a process (`cli_checks_load_ms`: one small email with --info, less the same
 *   run without), apart from what they cost per file.
 * Medians of 3 runs.
 */
import { spawnSync } from 'child_process';
import { childEnv } from '../scripts/child-env';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as esbuild from 'esbuild';
import type { Report } from './run';

const ROOT = path.resolve(__dirname, '..');

function email(i: number, targetBytes: number): string {
  const head = `<!DOCTYPE html>\n<html>\n<head><title>Issue ${i}</title></head>\n<body>\n<p>Hi {{first_name:there}}, {{ocx_if vip = 1}}thanks for being a VIP{{ocx_else}}welcome{{ocx_endif}}.</p>\n`;
  const block = (n: number) =>
    `<table role="presentation" width="100%"><tr><td style="padding:16px;font:16px/24px Helvetica,Arial,sans-serif">` +
    `<h2>Story ${n} for {{first_name}}</h2><img src="https://cdn.example.com/img/${i}/${n}.png"${n % 7 === 0 ? '' : ' alt="Story"'}>` +
    `<p>Lorem ipsum dolor sit amet, {{city:your city}} consectetur adipiscing elit. Your plan: {{plan}}. Since {{signup_date[format=d/m/Y]}}.</p>` +
    `<p><a href="${n % 11 === 0 ? 'http' : 'https'}://www.example.com/story/${n}?u={{ocx_contact_id}}">Read more</a></p></td></tr></table>\n`;
  let body = head;
  for (let n = 1; body.length < targetBytes - 200; n++) body += block(n);
  return `${body}<p><a href="{{ocx_unsubscribe_link}}">Unsubscribe</a></p>\n</body>\n</html>\n`;
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

function timeRun(bundle: string, args: string[], cwd: string): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bundle, ...args], { cwd, env: childEnv(), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (r.status !== 0 && r.status !== 1) throw new Error(`lint exited ${r.status}: ${r.stderr}`);
  return ms;
}

export default async function (report: Report): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ongage-cli-bench-'));
  try {
    const bundle = path.join(dir, 'cli.js');
    await esbuild.build({ absWorkingDir: ROOT, entryPoints: ['src/cli/main.ts'], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });

    const many = path.join(dir, 'emails');
    fs.mkdirSync(many);
    let bytes = 0;
    for (let i = 0; i < 1000; i++) {
      const kind = i % 10;
      let name: string;
      let content: string;
      if (kind < 7) {
        name = `email-${i}.html`;
        content = email(i, 6_000 + (i % 5) * 2_000);
      } else if (kind < 9) {
        name = `email-${i}.ongage.txt`;
        content = `Hi {{first_name:there}},\n\n{{ocx_if plan = gold}}Gold news{{ocx_else}}News{{ocx_endif}} for {{city}}.\n\nUnsubscribe: {{ocx_unsubscribe_link}}\n`;
      } else {
        name = `email-${i}.subject.txt`;
        content = `{{ocx_if vip=1}}VIP: {{ocx_endif}}Issue ${i} for {{first_name:you}}`;
      }
      fs.writeFileSync(path.join(many, name), content);
      bytes += Buffer.byteLength(content);
    }
    fs.writeFileSync(
      path.join(dir, 'fields.json'),
      JSON.stringify(['email', 'first_name', 'city', 'plan', 'vip'].map((name) => ({ name, type: name === 'vip' ? 'numeric' : 'string' })).concat([{ name: 'signup_date', type: 'date' }])),
    );
    fs.writeFileSync(path.join(dir, 'small.html'), '<html lang="en"><head><title>x</title></head><body><p>Hi</p></body></html>\n');
    const big = path.join(dir, 'big.html');
    fs.writeFileSync(big, email(0, 100 * 1024));

    const args = ['lint', '--no-config', '--quiet', '--fields', 'fields.json', '--format', 'json'];
    const infoRuns: number[] = [];
    const manyRuns: number[] = [];
    const bigRuns: number[] = [];
    const startRuns: number[] = [];
    const smallRuns: number[] = [];
    const smallInfoRuns: number[] = [];
    for (let r = 0; r < 3; r++) {
      smallRuns.push(timeRun(bundle, [...args, 'small.html'], dir));
      smallInfoRuns.push(timeRun(bundle, [...args, '--info', 'small.html'], dir));
      manyRuns.push(timeRun(bundle, [...args, 'emails'], dir));
      infoRuns.push(timeRun(bundle, [...args, '--info', 'emails'], dir));
      bigRuns.push(timeRun(bundle, [...args, 'big.html'], dir));
      startRuns.push(timeRun(bundle, ['--version'], dir));
    }
    report('cli_lint_1000_files_total_kb', Math.round(bytes / 1024), 'KB');
    report('cli_lint_1000_files_ms', median(manyRuns), 'ms');
    report('cli_lint_throughput', Math.round(1000 / (median(manyRuns) / 1000)), 'files/s');
    // Every check reported (--info: client support and accessibility findings too), each HTML email's support score.
    report('lint_files_per_s', Math.round(1000 / (median(infoRuns) / 1000)), 'files/s');
    report('cli_lint_100kb_email_ms', median(bigRuns), 'ms');
    report('cli_startup_version_ms', median(startRuns), 'ms');
    report('cli_checks_load_ms', Math.max(0, median(smallInfoRuns) - median(smallRuns)), 'ms');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
