/** Tokenizes text with VS Code's HTML grammar plus the Ongage grammars, as the editor does (tests only). */
import * as fs from 'fs';
import * as path from 'path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

const repo = path.resolve(__dirname, '..', '..', '..');
const hostGrammars = path.join(__dirname, 'fixtures', 'grammars');
const files: Record<string, string> = {
  'text.html.basic': path.join(hostGrammars, 'html.tmLanguage.json'),
  'text.html.derivative': path.join(hostGrammars, 'html-derivative.tmLanguage.json'),
  'source.css': path.join(hostGrammars, 'css.tmLanguage.json'),
};

/** Our grammars, found through package.json's contributes.grammars exactly as VS Code finds them. */
export function contributedGrammars(): Array<{ scopeName: string; path: string; language?: string; injectTo?: string[] }> {
  const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as { contributes?: { grammars?: Array<{ scopeName: string; path: string; language?: string; injectTo?: string[] }> } };
  return (pkg.contributes?.grammars ?? []).map((g) => ({ ...g, path: path.resolve(repo, g.path) }));
}

let registry: vsctm.Registry | undefined;

async function getRegistry(): Promise<vsctm.Registry> {
  if (registry) return registry;
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  const ours = contributedGrammars();
  for (const g of ours) files[g.scopeName] = g.path;
  registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) => {
      const file = files[scopeName];
      if (!file) return null;
      return vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
    getInjections: (scopeName: string) => ours.filter((g) => g.injectTo?.includes(scopeName)).map((g) => g.scopeName),
  });
  return registry;
}

export interface Token {
  text: string;
  scopes: string[];
}

export async function tokenize(text: string, scopeName: string): Promise<Token[][]> {
  const grammar = await (await getRegistry()).loadGrammar(scopeName);
  if (!grammar) throw new Error(`grammar ${scopeName} not found`);
  let stack = vsctm.INITIAL;
  return text.split('\n').map((line) => {
    const r = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

/** A readable snapshot: one line per token, the token text and its scopes below the root scope. */
export function snapshot(lines: Token[][]): string {
  const out: string[] = [];
  lines.forEach((tokens, i) => {
    out.push(`${i + 1}: ${JSON.stringify(tokens.map((t) => t.text).join(''))}`);
    for (const t of tokens) out.push(`  ${JSON.stringify(t.text)} ${t.scopes.slice(1).join(' ')}`);
  });
  return `${out.join('\n')}\n`;
}
