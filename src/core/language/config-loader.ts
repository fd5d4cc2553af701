/** Reads the workspace lint configuration file; shared by the extension and the command line. */
import * as fs from 'fs';
import * as path from 'path';
import { LINT_CONFIG_PATH, parseLintConfigText, type ConfigResult } from './config';

/**
 * Reads `<workspaceRoot>/.ongage/lint.json`. A missing file gives an empty configuration and no errors; an
 * unreadable or invalid one gives the errors (and whatever parts were valid).
 */
export async function loadLintConfig(workspaceRoot: string): Promise<ConfigResult & { path: string; found: boolean }> {
  const file = path.join(workspaceRoot, ...LINT_CONFIG_PATH.split('/'));
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { config: { rules: {} }, errors: [], path: file, found: false };
    return { config: { rules: {} }, errors: [`${file}: cannot be read (${code ?? String(e)}); check its permissions.`], path: file, found: true };
  }
  return { ...parseLintConfigText(text, file), path: file, found: true };
}
