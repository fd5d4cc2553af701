/**
 * A three-way merge of an item's parts (base = last pulled, mine = the workspace, theirs = Ongage now): the HTML and
 * text line by line with node-diff3, the settings field by field. Offered to the user, never applied by itself:
 * the result says whether it merged cleanly and, when not, which parts clash.
 */
import { merge as diff3 } from 'node-diff3';
import type { EmailParts, EmailSettings } from '../library/parts';

export type MergeOutcome = { clean: true; parts: EmailParts } | { clean: false; clashes: string[] };

function mergeText(base: string, mine: string, theirs: string): string | undefined {
  if (mine === theirs || theirs === base) return mine;
  if (mine === base) return theirs;
  const split = (s: string) => s.split(/(?<=\n)/);
  const r = diff3<string>(split(mine), split(base), split(theirs), { excludeFalseConflicts: true });
  return r.conflict ? undefined : r.result.join('');
}

export function mergeParts(base: EmailParts, mine: EmailParts, theirs: EmailParts): MergeOutcome {
  const clashes: string[] = [];
  const html = mergeText(base.html, mine.html, theirs.html);
  if (html === undefined) clashes.push('HTML');
  const text = mergeText(base.text, mine.text, theirs.text);
  if (text === undefined) clashes.push('plain text');
  const settings = { ...mine.settings } as Record<string, unknown>;
  for (const k of Object.keys(base.settings) as Array<keyof EmailSettings>) {
    const b = JSON.stringify(base.settings[k]);
    const m = JSON.stringify(mine.settings[k]);
    const t = JSON.stringify(theirs.settings[k]);
    if (m === t || t === b) continue;
    if (m === b) settings[k] = theirs.settings[k];
    else clashes.push(`setting "${k}"`);
  }
  if (clashes.length) return { clean: false, clashes };
  return { clean: true, parts: { html: html as string, text: text as string, settings: settings as unknown as EmailSettings } };
}
