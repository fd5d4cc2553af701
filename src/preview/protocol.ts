/**
 * Messages between the extension host and the render worker (a Node worker thread that holds the renderer and
 * juice, so rendering never blocks the extension host and the large inliner loads only when a preview opens).
 */
import type { RenderInput, RenderOptions, RenderResult } from '../core/render/types';

export interface RenderRequest {
  id: number;
  input: RenderInput;
  options: RenderOptions;
}

export type RenderReply = { id: number; result: RenderResult; ms: number } | { id: number; error: string };
