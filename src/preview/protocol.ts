/**
 * What the extension host sends the render worker (a Node worker thread that holds the renderer and juice, so
 * rendering never blocks the extension host and the large inliner loads only when a preview opens). The worker
 * answers with the RenderResult (src/workers/latest.ts carries both).
 */
import type { RenderInput, RenderOptions } from '../core/render/types';

export interface RenderPayload {
  input: RenderInput;
  options: RenderOptions;
}
