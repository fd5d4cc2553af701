/**
 * Writes many small files on a worker thread, so a pull's file creation (15,000 files for 5,000 items) runs beside
 * the listing instead of after it, on the other core. Falls back to synchronous writes in slices on the calling
 * thread when no worker can start. Every file is written atomically (src/core/files.ts). Editor-free.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { ATOMIC_WRITE_SYNC_SOURCE, writeFileAtomicSync } from '../files';

// Each file is written whole or not at all by the same function as everywhere else (src/core/files.ts).
const WORKER_CODE = `
const { parentPort } = require('worker_threads');
const fs = require('fs');
const path = require('path');
const atomicWriteSync = (${ATOMIC_WRITE_SYNC_SOURCE});
const made = new Set();
parentPort.on('message', (m) => {
  try {
    for (const [file, text] of m.files) {
      const dir = path.dirname(file);
      if (!made.has(dir)) { fs.mkdirSync(dir, { recursive: true }); made.add(dir); }
      atomicWriteSync(fs, path, file, text, { mkdir: false });
    }
    parentPort.postMessage({ id: m.id });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String((e && e.message) || e) });
  }
});
`;

export type FileBatch = Array<[absolutePath: string, text: string]>;

export class FileWriter {
  private worker: Worker | undefined;
  private failed = false;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private readonly pending: Promise<void>[] = [];
  private readonly made = new Set<string>();

  private start(): Worker | undefined {
    if (this.worker || this.failed) return this.worker;
    try {
      const w = new Worker(WORKER_CODE, { eval: true });
      w.on('message', (m: { id: number; error?: string }) => {
        const p = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (m.error) p?.reject(new Error(`Writing the pulled files failed: ${m.error}`));
        else p?.resolve();
      });
      w.on('error', (e) => {
        for (const p of this.waiting.values()) p.reject(e);
        this.waiting.clear();
      });
      this.worker = w;
    } catch {
      this.failed = true;
    }
    return this.worker;
  }

  /** Queues files; `flush()` waits for all of them. */
  write(files: FileBatch): void {
    if (!files.length) return;
    const w = this.start();
    if (!w) {
      for (const [file, text] of files) {
        const dir = path.dirname(file);
        if (!this.made.has(dir)) {
          fs.mkdirSync(dir, { recursive: true });
          this.made.add(dir);
        }
        writeFileAtomicSync(file, text, { mkdir: false });
      }
      return;
    }
    const id = this.nextId++;
    const p = new Promise<void>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    p.catch(() => undefined);
    this.pending.push(p);
    w.postMessage({ id, files });
  }

  /** Resolves once every queued file is on disk; rejects with the first failure. */
  async flush(): Promise<void> {
    const all = this.pending.splice(0);
    await Promise.all(all);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.pending.splice(0));
    await this.worker?.terminate();
    this.worker = undefined;
  }
}
