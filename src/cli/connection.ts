/**
 * How the network commands reach Ongage: `--base-url` (or ONGAGE_BASE_URL, else Ongage's own API) with the
 * credentials from ONGAGE_USERNAME, ONGAGE_PASSWORD and ONGAGE_ACCOUNT_CODE — never from arguments, where they
 * would land in shell history and process lists — or `--sandbox [url]` for the local sandbox's own credentials.
 */
import { OngageClient, isOngageError } from '../core/api';
import { DEFAULT_SANDBOX_URL, ONGAGE_BASE_URL, SANDBOX_CREDENTIALS, normalizeBaseUrl, validateBaseUrl } from '../core/accounts/connections';
import { redact, type Logger } from '../core/log';
import { CliError, type CliIO } from './io';

export interface ConnectionOptions {
  baseUrl?: string;
  /** `true` for `--sandbox` without a URL. */
  sandbox?: string | boolean;
  list?: number;
  verbose?: boolean;
}

export const CREDENTIAL_VARIABLES = ['ONGAGE_USERNAME', 'ONGAGE_PASSWORD', 'ONGAGE_ACCOUNT_CODE'] as const;

/** A logger for the client: debug lines on stderr with --verbose, warnings always; secrets masked. */
export function stderrLogger(io: CliIO, verbose: boolean, secrets: readonly string[]): Logger {
  const write = (level: string, m: unknown, args: unknown[]): void => {
    const text = m instanceof Error ? m.message : String(m);
    const extra = args.length ? ` ${args.map((a) => JSON.stringify(redact(a, secrets))).join(' ')}` : '';
    io.err.write(`${level}: ${redact(text, secrets)}${extra}\n`);
  };
  return {
    trace: () => {},
    debug: (m, ...a) => verbose && write('debug', m, a),
    info: (m, ...a) => verbose && write('info', m, a),
    warn: (m, ...a) => write('warning', m, a),
    error: (m, ...a) => write('error', m, a),
  };
}

/** Builds a client from the options and the environment, or throws a CliError saying what is missing. */
export function connect(opts: ConnectionOptions, io: CliIO): OngageClient {
  let baseUrl: string;
  let credentials: { username: string; password: string; accountCode: string };
  if (opts.sandbox) {
    if (opts.baseUrl) throw new CliError('Pass either --sandbox or --base-url, not both.');
    baseUrl = typeof opts.sandbox === 'string' ? opts.sandbox : DEFAULT_SANDBOX_URL;
    credentials = { ...SANDBOX_CREDENTIALS };
  } else {
    baseUrl = opts.baseUrl ?? io.env.ONGAGE_BASE_URL ?? ONGAGE_BASE_URL;
    const missing = CREDENTIAL_VARIABLES.filter((v) => !io.env[v]);
    if (missing.length) {
      throw new CliError(
        `No Ongage credentials: set ${missing.join(', ')} in the environment (credentials are never taken from arguments), or use --sandbox [url] for the local sandbox.`,
      );
    }
    credentials = { username: io.env.ONGAGE_USERNAME!, password: io.env.ONGAGE_PASSWORD!, accountCode: io.env.ONGAGE_ACCOUNT_CODE! };
  }
  const problem = validateBaseUrl(baseUrl);
  if (problem) throw new CliError(`${opts.sandbox ? '--sandbox' : '--base-url'}: ${problem}.`);
  const logger = stderrLogger(io, !!opts.verbose, [credentials.username, credentials.password]);
  try {
    return new OngageClient({ baseUrl: normalizeBaseUrl(baseUrl), listId: opts.list, credentials, logger });
  } catch (e) {
    throw toCliError(e, [credentials.username, credentials.password]);
  }
}

/** An Ongage error (or anything else) as a CliError whose message carries no secret. */
export function toCliError(e: unknown, secrets: readonly string[] = []): CliError {
  if (e instanceof CliError) return e;
  if (isOngageError(e)) {
    const hint =
      e.kind === 'auth'
        ? ' Check ONGAGE_USERNAME, ONGAGE_PASSWORD and ONGAGE_ACCOUNT_CODE (the account code is on the account profile page).'
        : e.kind === 'network'
          ? ' Check --base-url (or --sandbox: is the sandbox running? `npm run sandbox`).'
          : '';
    return new CliError(redact(`${e.message}${hint}`, secrets));
  }
  return new CliError(redact(e instanceof Error ? e.message : String(e), secrets));
}
