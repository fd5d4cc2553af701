/**
 * Connection profiles: what is stored about an Ongage account and what is kept secret.
 * Editor-free; the extension stores profiles in its global state and credentials in SecretStorage.
 */

export interface ConnectionProfile {
  /** Stable id, also the key of the credentials in secret storage. */
  id: string;
  /** The name the user gave it ("Production", "Sandbox"). */
  name: string;
  /** API base URL without a trailing slash, e.g. https://api.ongage.net. */
  baseUrl: string;
  /** The list chosen for fields, completion and new items; undefined = the account's default list. */
  listId?: number;
  /** Connected through "Use the local sandbox". */
  sandbox?: boolean;
}

export interface Credentials {
  username: string;
  password: string;
  accountCode: string;
}

export const ONGAGE_BASE_URL = 'https://api.ongage.net';
export const DEFAULT_SANDBOX_URL = 'http://127.0.0.1:4780';
export const SANDBOX_CREDENTIALS: Readonly<Credentials> = Object.freeze({
  username: 'sandbox@example.com',
  password: 'sandbox',
  accountCode: 'sandbox',
});

/** Trims, drops trailing slashes and a trailing `/api`, so both `https://api.ongage.net/` and `…/api` work. */
export function normalizeBaseUrl(input: string): string {
  let url = input.trim();
  while (url.endsWith('/')) url = url.slice(0, -1);
  if (url.toLowerCase().endsWith('/api')) url = url.slice(0, -4);
  while (url.endsWith('/')) url = url.slice(0, -1);
  return url;
}

/** An error message saying what to fix, or undefined when the URL is usable. */
export function validateBaseUrl(input: string): string | undefined {
  const url = normalizeBaseUrl(input);
  if (!url) return 'Enter the API base URL, e.g. https://api.ongage.net';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${input.trim()}" is not a URL. Enter one like https://api.ongage.net`;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'The URL must start with https:// (or http:// for a local sandbox)';
  if (parsed.protocol === 'http:' && !isLoopback(parsed.hostname)) {
    return 'Use https:// — credentials must not travel unencrypted (http:// is accepted only for a sandbox on this machine)';
  }
  if (parsed.username || parsed.password) return 'Leave credentials out of the URL; you will be asked for them next';
  if (parsed.search || parsed.hash) return 'Remove the query string or fragment from the URL';
  return undefined;
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

export function validateConnectionName(input: string, taken: readonly string[]): string | undefined {
  const name = input.trim();
  if (!name) return 'Give the connection a name, e.g. "Production"';
  if (name.length > 60) return 'Keep the name under 60 characters';
  if (taken.some((t) => t.toLowerCase() === name.toLowerCase())) return `A connection named "${name}" exists already; choose another name`;
  return undefined;
}

export function validateUsername(input: string): string | undefined {
  const v = input.trim();
  if (!v) return 'Enter the Ongage user name (usually your login email)';
  if (/\s/.test(v)) return 'The user name cannot contain spaces';
  return undefined;
}

export function validateAccountCode(input: string): string | undefined {
  const v = input.trim();
  if (!v) return 'Enter the account code (shown on your Ongage account profile page)';
  if (!/^[A-Za-z0-9_-]+$/.test(v)) return 'The account code is alphanumeric (the code on the account profile page, not the numeric account id)';
  return undefined;
}

/** A new unique profile id. */
export function newConnectionId(existing: readonly string[]): string {
  for (;;) {
    const id = `c${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
    if (!existing.includes(id)) return id;
  }
}

/** The Ongage web app address for a library item, or undefined for non-Ongage (sandbox) connections. */
export function webAppUrl(profile: ConnectionProfile, listId: number | undefined, emailId?: number): string | undefined {
  if (profile.sandbox) return undefined;
  let host: string;
  try {
    host = new URL(profile.baseUrl).hostname;
  } catch {
    return undefined;
  }
  if (!host.endsWith('ongage.net')) return undefined;
  const base = 'https://app.ongage.net';
  const list = listId ? `/${listId}` : '';
  return emailId ? `${base}${list}/email_messages/edit/${emailId}` : `${base}${list}/email_messages`;
}
