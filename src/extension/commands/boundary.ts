import * as vscode from 'vscode';
import { isCancellation, isOngageError } from '../../core/api/errors';

/**
 * The error boundary around every command: cancellation is silent; an Ongage error shows its own message
 * (which says what to do next) with "Show Log"; anything else is logged and shown with its message.
 */
export async function reportError(log: vscode.LogOutputChannel, what: string, e: unknown, retry?: () => unknown): Promise<void> {
  if (isCancellation(e) || e instanceof vscode.CancellationError) return;
  const message = isOngageError(e) ? e.message : e instanceof Error ? e.message : String(e);
  log.error(`${what} failed: ${isOngageError(e) ? JSON.stringify(e.toJSON()) : e instanceof Error ? e.stack ?? e.message : String(e)}`);
  const actions = retry ? ['Retry', 'Show Log'] : ['Show Log'];
  const choice = await vscode.window.showErrorMessage(`${what} failed: ${message}`, ...actions);
  if (choice === 'Show Log') log.show(true);
  if (choice === 'Retry' && retry) await retry();
}

export function registerCommand(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  id: string,
  what: string,
  handler: (...args: any[]) => unknown,
): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (e) {
        await reportError(log, what, e);
        return undefined;
      }
    }),
  );
}
