/**
 * The render worker's entry (dist/render-worker.js): runs in a worker thread of the extension host, never
 * imports `vscode`. Answers each RenderRequest with the rendered email or the error.
 */
import { parentPort } from 'worker_threads';
import { renderEmail } from '../core/render';
import type { RenderReply, RenderRequest } from './protocol';

const port = parentPort;
if (!port) throw new Error('render-worker.js runs as a worker thread only');

port.on('message', (req: RenderRequest) => {
  let reply: RenderReply;
  try {
    const started = performance.now();
    const result = renderEmail(req.input, req.options);
    reply = { id: req.id, result, ms: performance.now() - started };
  } catch (e) {
    reply = { id: req.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  port.postMessage(reply);
});
