/**
 * The email checks of an HTML body beyond the language: client support (caniemail) and accessibility, on one
 * parse5 reading of the email with Ongage's tags protected. Called by `lint()`; returns the findings with their
 * rule ids and the support score.
 */
import type { Tag } from './ast';
import { accessibilityFindings, type A11yRule } from './a11y';
import { DEFAULT_CLIENTS } from './caniemail';
import { featureUses, supportScore, supportTable, type SupportScore } from './client-support';
import type { RuleId } from './config';
import { readEmail } from './email-html';

export interface CheckFinding {
  rule: RuleId;
  start: number;
  end: number;
  message: string;
  /** The caniemail page of a client-support finding. */
  href?: string;
}

export interface EmailChecks {
  findings: CheckFinding[];
  support?: SupportScore;
}

export const A11Y_RULES: readonly A11yRule[] = ['html-lang', 'html-dir', 'missing-title', 'vml-image-alt', 'link-text', 'heading-order', 'layout-table', 'color-contrast', 'small-font'];

/** Every rule of these checks: client support and accessibility. */
export const EMAIL_CHECK_RULES: readonly RuleId[] = ['client-unsupported', 'client-partial', ...A11Y_RULES];

let last: { text: string; tags: number; doc: ReturnType<typeof readEmail> } | undefined;

export function runEmailChecks(text: string, tags: readonly Tag[], enabled: (rule: RuleId) => boolean, clients: readonly string[] | undefined, wantScore: boolean): EmailChecks {
  const wantClients = enabled('client-unsupported') || enabled('client-partial');
  const wantA11y = A11Y_RULES.some((r) => enabled(r));
  if (!wantClients && !wantA11y && !wantScore) return { findings: [] };
  // The editor's diagnostics and the preview's score read the same text: the last reading is kept for the other.
  const doc = last?.text === text && last.tags === tags.length ? last.doc : readEmail(text, tags);
  last = { text, tags: tags.length, doc };
  const findings: CheckFinding[] = [];
  let support: SupportScore | undefined;
  if (wantClients || wantScore) {
    const table = supportTable(clients && clients.length ? clients : DEFAULT_CLIENTS);
    const uses = featureUses(doc, table.data);
    if (wantScore) support = supportScore(uses, table);
    if (wantClients) {
      for (const u of uses) {
        const s = table.support(u.slug);
        if (!s) continue;
        if (s.unsupportedMessage && enabled('client-unsupported')) findings.push({ rule: 'client-unsupported', start: u.start, end: u.end, message: s.unsupportedMessage, href: s.feature.url });
        if (s.partialMessage && enabled('client-partial')) findings.push({ rule: 'client-partial', start: u.start, end: u.end, message: s.partialMessage, href: s.feature.url });
      }
    }
  }
  if (wantA11y) for (const f of accessibilityFindings(text, tags, doc, { enabled: (r) => enabled(r) })) findings.push(f);
  return { findings, support };
}
