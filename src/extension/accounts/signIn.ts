import * as vscode from 'vscode';
import {
  Credentials,
  ONGAGE_BASE_URL,
  normalizeBaseUrl,
  validateAccountCode,
  validateBaseUrl,
  validateConnectionName,
  validateUsername,
} from '../../core/accounts/connections';

export interface SignInAnswers {
  name: string;
  baseUrl: string;
  credentials: Credentials;
}

/** Tests the answers with a real call; resolves to an error message to show, or undefined when they work. */
export type CredentialCheck = (baseUrl: string, credentials: Credentials) => Promise<string | undefined>;

class Back extends Error {}
class Cancelled extends Error {}

interface InputStep {
  title: string;
  step: number;
  total: number;
  prompt: string;
  value: string;
  placeholder?: string;
  password?: boolean;
  validate: (v: string) => string | undefined;
}

/** An answer as it is kept: trimmed, except a password, which is taken exactly as typed (spaces can be part of it). */
export function answerOf(value: string, password: boolean): string {
  return password ? value : value.trim();
}

function ask(s: InputStep): Promise<string> {
  return new Promise((resolve, reject) => {
    const box = vscode.window.createInputBox();
    box.title = s.title;
    box.step = s.step;
    box.totalSteps = s.total;
    box.prompt = s.prompt;
    box.value = s.value;
    box.placeholder = s.placeholder;
    box.password = !!s.password;
    box.ignoreFocusOut = true;
    if (s.step > 1) box.buttons = [vscode.QuickInputButtons.Back];
    let done = false;
    const finish = (f: () => void) => {
      done = true;
      f();
      box.dispose();
    };
    box.onDidChangeValue((v) => (box.validationMessage = v ? s.validate(v) : undefined));
    box.onDidAccept(() => {
      const msg = s.validate(box.value);
      if (msg) {
        box.validationMessage = msg;
        return;
      }
      finish(() => resolve(answerOf(box.value, !!s.password)));
    });
    box.onDidTriggerButton((b) => {
      if (b === vscode.QuickInputButtons.Back) finish(() => reject(new Back()));
    });
    box.onDidHide(() => {
      if (!done) {
        done = true;
        reject(new Cancelled());
        box.dispose();
      }
    });
    box.show();
  });
}

interface UrlChoice extends vscode.QuickPickItem {
  url?: string;
}

function pickBaseUrl(title: string, step: number, total: number, current: string, sandboxUrl: string): Promise<string | 'custom'> {
  return new Promise((resolve, reject) => {
    const qp = vscode.window.createQuickPick<UrlChoice>();
    qp.title = title;
    qp.step = step;
    qp.totalSteps = total;
    qp.placeholder = 'Which Ongage API?';
    qp.ignoreFocusOut = true;
    qp.buttons = [vscode.QuickInputButtons.Back];
    qp.items = [
      { label: 'Ongage', description: ONGAGE_BASE_URL, url: ONGAGE_BASE_URL },
      { label: 'Local sandbox', description: sandboxUrl, detail: 'The Ongage-compatible server started with `npm run sandbox`', url: sandboxUrl },
      { label: 'Another URL…', description: current && current !== ONGAGE_BASE_URL && current !== sandboxUrl ? current : undefined },
    ];
    let done = false;
    qp.onDidAccept(() => {
      const sel = qp.selectedItems[0];
      if (!sel) return;
      done = true;
      resolve(sel.url ?? 'custom');
      qp.dispose();
    });
    qp.onDidTriggerButton(() => {
      done = true;
      reject(new Back());
      qp.dispose();
    });
    qp.onDidHide(() => {
      if (!done) {
        done = true;
        reject(new Cancelled());
        qp.dispose();
      }
    });
    qp.show();
  });
}

/**
 * "Ongage: Sign In…": name, API base URL, user name, password, account code — each validated as typed, with
 * Back buttons — then a real call to check them. A refused check returns to the step that is likely wrong,
 * keeping everything typed so far. Resolves undefined when the user cancels.
 */
export async function runSignIn(opts: {
  takenNames: readonly string[];
  sandboxUrl: string;
  check: CredentialCheck;
  initial?: Partial<SignInAnswers>;
}): Promise<SignInAnswers | undefined> {
  const title = 'Sign in to Ongage';
  const total = 5;
  const a = {
    name: opts.initial?.name ?? (opts.takenNames.length === 0 ? 'Ongage' : ''),
    baseUrl: opts.initial?.baseUrl ?? ONGAGE_BASE_URL,
    username: opts.initial?.credentials?.username ?? '',
    password: '',
    accountCode: opts.initial?.credentials?.accountCode ?? '',
  };
  let step = 1;
  for (;;) {
    try {
      switch (step) {
        case 1:
          a.name = await ask({
            title, step, total, value: a.name,
            prompt: 'A name for this connection (you can have several)',
            placeholder: 'Production',
            validate: (v) => validateConnectionName(v, opts.takenNames),
          });
          break;
        case 2: {
          const choice = await pickBaseUrl(title, step, total, a.baseUrl, opts.sandboxUrl);
          a.baseUrl =
            choice === 'custom'
              ? normalizeBaseUrl(
                  await ask({
                    title, step, total, value: a.baseUrl,
                    prompt: 'The API base URL',
                    placeholder: ONGAGE_BASE_URL,
                    validate: validateBaseUrl,
                  }),
                )
              : choice;
          break;
        }
        case 3:
          a.username = await ask({
            title, step, total, value: a.username,
            prompt: 'Ongage user name (sent as the X_USERNAME header)',
            placeholder: 'you@example.com',
            validate: validateUsername,
          });
          break;
        case 4:
          a.password = await ask({
            title, step, total, value: a.password, password: true,
            prompt: 'Password (kept in the OS keychain through VS Code’s secret storage)',
            validate: (v) => (v ? undefined : 'Enter the password'),
          });
          break;
        case 5: {
          a.accountCode = await ask({
            title, step, total, value: a.accountCode,
            prompt: 'Account code (the alphanumeric code on your account profile page)',
            validate: validateAccountCode,
          });
          const credentials = { username: a.username, password: a.password, accountCode: a.accountCode };
          const problem = await vscode.window.withProgress(
            { location: vscode.ProgressLocation.Notification, title: `Checking the credentials with ${a.baseUrl}…` },
            () => opts.check(a.baseUrl, credentials),
          );
          if (!problem) return { name: a.name.trim(), baseUrl: a.baseUrl, credentials };
          const again = await vscode.window.showErrorMessage(problem, 'Edit and Retry');
          if (again !== 'Edit and Retry') return undefined;
          step = /URL|reach|connect|network/i.test(problem) ? 2 : 3;
          continue;
        }
      }
      step++;
    } catch (e) {
      if (e instanceof Back) step = Math.max(1, step - 1);
      else if (e instanceof Cancelled) return undefined;
      else throw e;
    }
  }
}
