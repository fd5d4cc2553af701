/**
 * The sign-in steps (src/extension/accounts/signIn.ts) with a stand-in for the `vscode` module: what is typed in
 * each box reaches the credential check, trimmed except the password, which is taken exactly as typed.
 */
import { strict as assert } from 'assert';
import Module = require('module');

type Handler = (v?: unknown) => void;

/** Answers every input box by its prompt and picks "Local sandbox" for the API step. */
function fakeVscode(answers: Array<[RegExp, string]>) {
  const on = (list: Handler[]) => (h: Handler) => {
    list.push(h);
    return { dispose() {} };
  };
  const window = {
    createInputBox() {
      const accept: Handler[] = [];
      const box = {
        value: '',
        prompt: '',
        validationMessage: undefined as string | undefined,
        onDidChangeValue: on([]),
        onDidAccept: on(accept),
        onDidTriggerButton: on([]),
        onDidHide: on([]),
        dispose() {},
        show() {
          const a = answers.find(([re]) => re.test(box.prompt));
          if (!a) throw new Error(`no answer for the prompt "${box.prompt}"`);
          box.value = a[1];
          setImmediate(() => accept.forEach((h) => h()));
        },
      };
      return box;
    },
    createQuickPick() {
      const accept: Handler[] = [];
      const qp = {
        items: [] as Array<{ label: string }>,
        selectedItems: [] as Array<{ label: string }>,
        onDidAccept: on(accept),
        onDidTriggerButton: on([]),
        onDidHide: on([]),
        dispose() {},
        show() {
          qp.selectedItems = qp.items.filter((i) => i.label === 'Local sandbox');
          setImmediate(() => accept.forEach((h) => h()));
        },
      };
      return qp;
    },
    withProgress: (_o: unknown, task: () => Promise<unknown>) => task(),
    showErrorMessage: async () => undefined,
  };
  return { window, QuickInputButtons: { Back: {} }, ProgressLocation: { Notification: 15 } };
}

/** Loads signIn.ts with `vscode` resolved to the stand-in. */
function loadSignIn(vscode: unknown): typeof import('../../../src/extension/accounts/signIn') {
  const M = Module as unknown as { _resolveFilename: (r: string, ...rest: unknown[]) => string };
  const resolve = M._resolveFilename;
  const key = '\0fake-vscode';
  M._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? key : resolve.call(this, request, ...rest);
  };
  require.cache[key] = { id: key, filename: key, loaded: true, exports: vscode } as unknown as NodeJS.Module;
  const file = require.resolve('../../../src/extension/accounts/signIn');
  delete require.cache[file];
  try {
    return require(file);
  } finally {
    M._resolveFilename = resolve;
    delete require.cache[file];
    delete require.cache[key];
  }
}

describe('extension sign-in: what is typed', () => {
  it('takes the password exactly as typed (spaces kept) and trims the other answers', async () => {
    const password = '  pass phrase with spaces  ';
    const { runSignIn } = loadSignIn(
      fakeVscode([
        [/name for this connection/, '  Staging  '],
        [/user name/, ' ops@example.com '],
        [/Password/, password],
        [/Account code/, ' acct9 '],
      ]),
    );
    const checked: Array<{ baseUrl: string; credentials: { username: string; password: string; accountCode: string } }> = [];
    const answers = await runSignIn({
      takenNames: [],
      sandboxUrl: 'http://127.0.0.1:4780',
      check: async (baseUrl, credentials) => void checked.push({ baseUrl, credentials }),
    });
    assert.equal(checked.length, 1);
    assert.deepEqual(checked[0].credentials, { username: 'ops@example.com', password, accountCode: 'acct9' });
    assert.equal(answers?.name, 'Staging');
    assert.equal(answers?.baseUrl, 'http://127.0.0.1:4780');
    assert.equal(answers?.credentials.password, password);
  });
});
