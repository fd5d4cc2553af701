/**
 * What the extension host sends the check worker (a Node worker thread that runs the language checks and the email
 * checks, so a 100 KB email's checks never hold up typing) and what it answers (src/workers/latest.ts carries both).
 */
import type { Diagnostic, LintOptions } from '../core/language/lint';
import type { SupportScore } from '../core/language/client-support';

/** Lint options that cross to the worker: plain data (the worker parses the text itself). */
export type WorkerLintOptions = Omit<LintOptions, 'parsed' | 'supportScore'>;

export type CheckPayload = { op: 'lint'; text: string; options: WorkerLintOptions } | { op: 'support'; text: string; clients?: string[] };

export type CheckResult = { diagnostics: Diagnostic[] } | { support: SupportScore };
