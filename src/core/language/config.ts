/**
 * Lint rules and their configuration (no file system here; `config-loader.ts` reads the file). The same
 * `LintConfig` drives the editor and the command line: both read the workspace file `.ongage/lint.json` with
 * `loadLintConfig`; the editor lays it over the `ongage.lint.*`
 * settings (the file wins where it names a rule), so a team's file gives the same result everywhere.
 *
 * `.ongage/lint.json`:
 *   { "rules": { "http-link": "off", "img-alt": "error" }, "dynamicFields": ["receipt_id"] }
 */
import { parseJsonText } from '../files';

export type RuleSetting = 'off' | 'hint' | 'information' | 'warning' | 'error';

export const SEVERITIES: readonly Exclude<RuleSetting, 'off'>[] = ['error', 'warning', 'information', 'hint'];

export interface RuleInfo {
  id: string;
  /** Severity when nothing configures it. */
  default: Exclude<RuleSetting, 'off'>;
  description: string;
}

export const RULES = [
  { id: 'unclosed-tag', default: 'error', description: 'A tag without its closing "}}" on the same line.' },
  { id: 'tag-syntax', default: 'error', description: 'Text in a tag that is not Ongage syntax (empty tags, Handlebars, stray words, a missing "]").' },
  { id: 'markup-in-tag', default: 'error', description: 'HTML markup inside a tag (visual editors insert it when a tag is styled).' },
  { id: 'block-structure', default: 'error', description: 'Unbalanced or misordered ocx_if / ocx_elseif / ocx_else / ocx_endif.' },
  { id: 'condition-syntax', default: 'error', description: 'A condition with a bad or missing operator, field or value.' },
  { id: 'lowercase-joiner', default: 'error', description: 'Lower-case and/or (or && / ||) between conditions; Ongage needs AND / OR.' },
  { id: 'misspelled-keyword', default: 'error', description: 'A misspelled or wrongly cased ocx_if / ocx_elseif / ocx_else / ocx_endif.' },
  { id: 'subject-condition-spaces', default: 'error', description: 'Spaces inside a condition in a subject line (Ongage needs it as one run of text).' },
  { id: 'unknown-field', default: 'warning', description: "A field that is not in the list's fields, the system fields or the dynamic fields." },
  { id: 'date-format-field', default: 'warning', description: '[format=…] on a field that is not a date.' },
  { id: 'condition-date-format', default: 'warning', description: "A date in a condition on a date field, written in another format than the field's (Fields Setup)." },
  { id: 'feed-url-field', default: 'error', description: 'A list field in the URL of a static HTML feed (ocx_feed_html), which Ongage fetches once for everyone.' },
  { id: 'missing-unsubscribe', default: 'warning', description: "No unsubscribe link, when the email does not use Ongage's default one." },
  { id: 'html-size', default: 'warning', description: 'HTML over 102 KB: Gmail clips the message.' },
  { id: 'img-alt', default: 'warning', description: 'An image without an alt attribute.' },
  { id: 'http-link', default: 'warning', description: 'A link to an http: address (use https:).' },
  { id: 'empty-subject', default: 'warning', description: 'An empty subject line.' },
  { id: 'too-many-problems', default: 'warning', description: 'More than 1,000 problems in one document: the rest are counted, not listed.' },
  { id: 'client-unsupported', default: 'information', description: 'An HTML or CSS feature some target email clients ignore (caniemail data).' },
  { id: 'client-partial', default: 'hint', description: 'An HTML or CSS feature some target email clients support only partly (caniemail data).' },
  { id: 'html-lang', default: 'information', description: 'No lang attribute on <html>, or one that is not a language tag.' },
  { id: 'html-dir', default: 'information', description: 'A right-to-left language without dir="rtl", or a dir value that is not a direction.' },
  { id: 'missing-title', default: 'information', description: 'No <title>, or an empty one.' },
  { id: 'vml-image-alt', default: 'information', description: 'A VML image (Outlook for Windows) without alt text.' },
  { id: 'link-text', default: 'information', description: 'Link text that says nothing ("click here"), or an image link or link without any text.' },
  { id: 'heading-order', default: 'information', description: 'A heading that skips a level (<h1> then <h3>).' },
  { id: 'layout-table', default: 'information', description: 'A layout table without role="presentation".' },
  { id: 'color-contrast', default: 'information', description: 'Text and background colours (both stated in the email) below the WCAG AA contrast.' },
  { id: 'small-font', default: 'information', description: 'Body text under 14px.' },
] as const satisfies readonly RuleInfo[];

export type RuleId = (typeof RULES)[number]['id'];

export const RULE_IDS: readonly RuleId[] = RULES.map((r) => r.id);

export interface LintConfig {
  /** Per-rule severity; rules not named keep their default. */
  rules: Partial<Record<RuleId, RuleSetting>>;
  /** Transactional dynamic field keys accepted as known fields everywhere. */
  dynamicFields?: string[];
  /** Target email clients of the client-support checks (`gmail`, `outlook.windows`…); the defaults when absent. */
  clients?: string[];
}

/** Where the workspace configuration lives, relative to the workspace folder. */
export const LINT_CONFIG_PATH = '.ongage/lint.json';

export function isRuleId(id: string): id is RuleId {
  return (RULE_IDS as readonly string[]).includes(id);
}

/** The severity of a rule under a configuration, or 'off'. */
export function ruleSetting(id: RuleId, config?: LintConfig): RuleSetting {
  return config?.rules[id] ?? RULES.find((r) => r.id === id)!.default;
}

/** `over` laid on `base`: rules named in `over` win; dynamic fields are combined. */
export function mergeLintConfig(base: LintConfig | undefined, over: LintConfig | undefined): LintConfig {
  const dyn = [...(base?.dynamicFields ?? []), ...(over?.dynamicFields ?? [])];
  const merged: LintConfig = { rules: { ...(base?.rules ?? {}), ...(over?.rules ?? {}) } };
  if (dyn.length) merged.dynamicFields = [...new Set(dyn)];
  const clients = over?.clients ?? base?.clients;
  if (clients) merged.clients = [...clients];
  return merged;
}

export interface ConfigResult {
  config: LintConfig;
  /** What was wrong with the input, one sentence each, saying what to change. Valid parts are still used. */
  errors: string[];
}

/**
 * Validates a configuration object (parsed JSON or a settings value). Unknown rules and bad severities are
 * reported and skipped; "warn" is accepted for "warning".
 */
export function parseLintConfig(value: unknown, source = LINT_CONFIG_PATH): ConfigResult {
  const errors: string[] = [];
  const config: LintConfig = { rules: {} };
  if (value === undefined || value === null) return { config, errors };
  if (typeof value !== 'object' || Array.isArray(value)) {
    errors.push(`${source}: expected an object like {"rules": {"http-link": "off"}}.`);
    return { config, errors };
  }
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    // "sends" (the allowlist and threshold of sends) is read and checked by src/core/send/guards.ts.
    if (key !== 'rules' && key !== 'dynamicFields' && key !== 'clients' && key !== 'sends' && key !== '$schema') {
      errors.push(`${source}: unknown key "${key}" (expected "rules", "dynamicFields", "clients" and "sends").`);
    }
  }
  if (obj.rules !== undefined) {
    if (typeof obj.rules !== 'object' || obj.rules === null || Array.isArray(obj.rules)) {
      errors.push(`${source}: "rules" must be an object of rule name → "off" | "hint" | "information" | "warning" | "error".`);
    } else {
      for (const [id, raw] of Object.entries(obj.rules as Record<string, unknown>)) {
        if (!isRuleId(id)) {
          errors.push(`${source}: unknown rule "${id}". Known rules: ${RULE_IDS.join(', ')}.`);
          continue;
        }
        const v = raw === 'warn' ? 'warning' : raw === 'info' ? 'information' : raw;
        if (v !== 'off' && !(SEVERITIES as readonly unknown[]).includes(v)) {
          errors.push(`${source}: rule "${id}" is set to ${JSON.stringify(raw)}; use "off", "hint", "information", "warning" or "error".`);
          continue;
        }
        config.rules[id] = v as RuleSetting;
      }
    }
  }
  if (obj.dynamicFields !== undefined) {
    if (!Array.isArray(obj.dynamicFields) || obj.dynamicFields.some((x) => typeof x !== 'string')) {
      errors.push(`${source}: "dynamicFields" must be a list of field names, e.g. ["receipt_id"].`);
    } else {
      config.dynamicFields = [...(obj.dynamicFields as string[])];
    }
  }
  if (obj.clients !== undefined) {
    if (!Array.isArray(obj.clients) || obj.clients.some((x) => typeof x !== 'string' || !CLIENT_PATTERN.test(x))) {
      errors.push(`${source}: "clients" must be a list of email clients like ["gmail", "outlook.windows", "apple-mail.ios"] (caniemail's client and platform names).`);
    } else {
      config.clients = [...(obj.clients as string[])];
    }
  }
  return { config, errors };
}

/** A target client: caniemail's client name, optionally with a platform (`outlook.windows`). */
export const CLIENT_PATTERN = /^[a-z0-9-]+(\.[a-z0-9-]+)?$/;

/** Parses the text of a `.ongage/lint.json` file. */
export function parseLintConfigText(text: string, source = LINT_CONFIG_PATH): ConfigResult {
  let value: unknown;
  try {
    value = parseJsonText(text);
  } catch (e) {
    return { config: { rules: {} }, errors: [`${source}: not valid JSON (${e instanceof Error ? e.message : String(e)}); fix the file or delete it.`] };
  }
  return parseLintConfig(value, source);
}
