// Types for scripts/child-env.js (plain CommonJS so scripts run it without a compile step).
export function isNpmVariable(name: string): boolean;
export function childEnv(extra?: Record<string, string | undefined>, opts?: { node?: string; base?: NodeJS.ProcessEnv }): NodeJS.ProcessEnv;
