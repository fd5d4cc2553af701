import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Ongage', { log: true });
  context.subscriptions.push(log);
  context.subscriptions.push(vscode.commands.registerCommand('ongage.showLog', () => log.show()));
  log.info('Ongage Studio activated');
}

export function deactivate(): void {}
