/**
 * The render worker's entry (dist/render-worker.js): runs in a worker thread of the extension host, never
 * imports `vscode`. Answers each request with the rendered email or the error.
 */
import { parentPort } from 'worker_threads';
import { renderEmail } from '../core/render';
import { serveLatest } from '../workers/latest';
import type { RenderPayload } from './protocol';

serveLatest<RenderPayload, ReturnType<typeof renderEmail>>(parentPort, (req) => renderEmail(req.input, req.options));
