import * as vscode from 'vscode';
import { DOCUMENT_SCHEME } from '../documents/itemDocuments';

/**
 * Context keys the "Get started with Ongage Studio" walkthrough completes its steps on (package.json
 * `contributes.walkthroughs`, `completionEvents: onContext:…`). Each is set when the real thing happens: an email
 * is open in an editor, a preview opened, a test went out.
 */
export type WalkthroughKey = 'ongage.walkthrough.emailOpened' | 'ongage.walkthrough.previewOpened' | 'ongage.walkthrough.testSent';

const done = new Set<WalkthroughKey>();

export function setWalkthroughContext(key: WalkthroughKey, value: boolean): void {
  if (value && done.has(key)) return;
  if (value) done.add(key);
  void vscode.commands.executeCommand('setContext', key, value);
}

function isEmail(doc: vscode.TextDocument | undefined): boolean {
  return !!doc && (doc.uri.scheme === DOCUMENT_SCHEME || doc.languageId === 'html');
}

/** Watches for an open email (the walkthrough's second step). */
export function trackOpenedEmails(context: vscode.ExtensionContext): void {
  const check = () => {
    if (isEmail(vscode.window.activeTextEditor?.document)) setWalkthroughContext('ongage.walkthrough.emailOpened', true);
  };
  context.subscriptions.push(vscode.window.onDidChangeActiveTextEditor(check));
  check();
}
