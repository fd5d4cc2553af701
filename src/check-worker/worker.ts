/**
 * The check worker's entry (dist/check-worker.js): runs in a worker thread of the extension host, never imports
 * `vscode`. Lints a document (language checks and email checks) or scores its client support.
 */
import { parentPort } from 'worker_threads';
import { lint, supportScoreOf } from '../core/language/lint';
import { serveLatest } from '../workers/latest';
import type { CheckPayload, CheckResult } from './protocol';

serveLatest<CheckPayload, CheckResult>(parentPort, (req) =>
  req.op === 'lint' ? { diagnostics: lint(req.text, req.options) } : { support: supportScoreOf(req.text, req.clients) },
);
