import { randomBytes } from 'crypto';

/** A fresh CSP nonce for each webview page: 128 bits from the operating system's random generator, base64. */
export function webviewNonce(): string {
  return randomBytes(16).toString('base64');
}
