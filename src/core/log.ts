/**
 * The logging surface the editor-free core writes to. The extension hands it VS Code's LogOutputChannel
 * (which has exactly these methods); tests and the command line hand it something of their own.
 * Nothing secret may be passed here: use `redact` on anything that might carry credentials.
 */
export interface Logger {
  trace(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string | Error, ...args: unknown[]): void;
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
};

const SECRET_KEYS = /^(x[-_]?password|x[-_]?username|x[-_]?account[-_]?code|password|authorization|access_token|secret|token)$/i;

/**
 * A deep copy of `value` with every secret-looking key (the three Ongage auth headers, passwords, tokens)
 * replaced by "***", and every literal occurrence of the given secret strings masked. Safe for logging.
 */
export function redact<T>(value: T, secrets: readonly string[] = []): T {
  const masks = secrets.filter((s) => s && s.length >= 3);
  const maskString = (s: string): string => masks.reduce((acc, m) => acc.split(m).join('***'), s);
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return maskString(v);
    if (v === null || typeof v !== 'object' || depth > 8) return v;
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      out[k] = SECRET_KEYS.test(k) ? '***' : walk(x, depth + 1);
    }
    return out;
  };
  return walk(value, 0) as T;
}
