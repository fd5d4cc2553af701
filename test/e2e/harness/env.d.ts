// Types for harness/env.js (plain CommonJS so scripts run it without a compile step).
import type { ChildProcess } from 'child_process';

export interface Proc {
  name: string;
  child: ChildProcess;
  pid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface HarnessPaths {
  dir: string;
  ready: string;
  node: string;
  nodeDir: string;
  codeServerDir: string;
  codeServerEntry: string;
  serverMain: string;
}

export interface CodeServer {
  url: string;
  port: number;
  folder: string;
  userDataDir: string;
  extensionsDir: string;
  proc: Proc;
  close(): Promise<void>;
}

export interface Sandbox {
  url: string;
  port: number;
  proc: Proc;
  close(): Promise<unknown>;
}

export const root: string;
export const harnessDir: string;
export const artifactsRoot: string;
export const chromiumPath: string;
export const chromiumArgs: string[];
export const baseSettings: Record<string, unknown>;
export const vsixPath: string;
export function log(msg: string): void;
export function harnessKey(): string;
export function cacheRoot(): string;
export function harnessPaths(dir?: string): HarnessPaths;
export function harnessReady(): boolean;
export { childEnv } from '../../../scripts/child-env';
export function npmInstall(dir: string, opts?: { node?: string; extra?: Record<string, string | undefined>; hint?: string }): void;
export function ensureDebianPackages(opts: { needBuildTools: boolean }): void;
export function ensureHarness(): HarnessPaths;
export function buildVsix(): string;
export function buildExtension(): void;
export function startProcess(name: string, cmd: string, args: string[], opts?: { cwd?: string; env?: NodeJS.ProcessEnv; logFile?: string }): Proc;
export function freePort(): Promise<number>;
export function portIsFree(port: number): Promise<boolean>;
export function waitForHttp(url: string, proc: Proc, timeoutMs?: number): Promise<void>;
export function delay(ms: number): Promise<void>;
export function tail(text: string, lines?: number): string;
export function mkTemp(prefix: string): string;
export function rmTemp(dir: string): void;
export function writeUserSettings(userDataDir: string, settings?: Record<string, unknown>): void;
export function installExtension(vsix: string, extensionsDir: string, userDataDir: string): void;
export function startCodeServer(opts?: {
  folder?: string;
  settings?: Record<string, unknown>;
  vsix?: string;
  extensionsDir?: string;
  userDataDir?: string;
  port?: number;
  logFile?: string;
}): Promise<CodeServer>;
export function sandboxAvailable(): boolean;
export function startSandbox(opts?: { port?: number; logFile?: string; args?: string[] }): Promise<Sandbox>;
