/**
 * Command line for the sandbox: `npm run sandbox -- [options]`.
 * Prints its URL and the credentials, and stops cleanly on SIGINT/SIGTERM (saving state when --data is given).
 */
import { Command, InvalidArgumentError } from 'commander';
import { startSandbox } from './server';

function number(name: string, min: number, max = Infinity) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a number from ${min}${max === Infinity ? ' up' : ` to ${max}`}.`);
    }
    return n;
  };
}

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('npm run sandbox --')
    .description('An Ongage-compatible API server on 127.0.0.1 with realistic seed data, for trying Ongage Studio without an account and for tests.')
    .option('--port <port>', 'port to listen on (0 picks a free one)', number('--port', 0, 65535), 4780)
    .option('--data <file>', 'keep state in this JSON file (loaded on start, saved safely on every change and on exit)')
    .option('--latency-ms <ms>', 'delay added to every API answer', number('--latency-ms', 0), 0)
    .option('--error-rate <rate>', 'share of API calls answered with a 500 (0..1)', number('--error-rate', 0, 1), 0)
    .option('--rate-limit <calls>', 'calls allowed per rolling minute per account', number('--rate-limit', 1), 300)
    .option('--max-in-flight <n>', 'calls allowed in flight at once per account', number('--max-in-flight', 1), 10)
    .option('--large <items>', 'generate this many extra library items (for benchmarks)', number('--large', 0), 0)
    .showHelpAfterError();
  program.parse(argv);
  const o = program.opts<{ port: number; data?: string; latencyMs: number; errorRate: number; rateLimit: number; maxInFlight: number; large: number }>();

  let sb: Awaited<ReturnType<typeof startSandbox>>;
  try {
    sb = await startSandbox({
      port: o.port,
      dataFile: o.data,
      latencyMs: o.latencyMs,
      errorRate: o.errorRate,
      rateLimit: o.rateLimit,
      maxInFlight: o.maxInFlight,
      large: o.large,
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') {
      process.stderr.write(`Port ${o.port} is already in use. Stop the other server or pass --port <another port> (0 picks a free one).\n`);
    } else {
      process.stderr.write(`The sandbox could not start: ${err.message}\n`);
    }
    process.exit(1);
  }
  const running = sb;
  // Handlers first: a supervisor may signal as soon as it reads the URL.
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the sandbox${o.data ? ` and saving ${o.data}` : ''}…\n`);
    running.close().then(
      () => {
        process.stdout.write('Sandbox stopped.\n');
        process.exit(0);
      },
      (e: Error) => {
        process.stderr.write(`Stopping failed: ${e.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const c = sb.credentials;
  process.stdout.write(
    [
      `Ongage sandbox listening on ${sb.url}`,
      `  Base URL:      ${sb.url}   (list-scoped: ${sb.url}/10542/api/...)`,
      `  Username:      ${c.username}`,
      `  Password:      ${c.password}`,
      `  Account code:  ${c.accountCode}`,
      `  Lists:         10542 Newsletter (default), 10543 Transactional`,
      `  Control API:   ${sb.url}/__sandbox/outbox, /__sandbox/stats, /__sandbox/faults, /__sandbox/reset`,
      `  State:         ${o.data ? `saved to ${o.data}` : 'in memory (pass --data <file> to keep it)'}`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
}

void main(process.argv);
