/**
 * Lint rules and their configuration (no file system here; `config-loader.ts` reads the file). The same
 * `LintConfig` drives the editor and the command line: both read the workspace file `.ongage/lint.json` with
 * `loadLintConfig`; the editor lays it over the `ongage.lint.*`
 * settings (the file wins where it names a rule), so a team's file gives the same result everywhere.
 *
 * `.ongage/lint.json`:
 *   { "rules": { "http-link": "off", "img-alt": "error" }, "dynamicFields": ["receipt_id"] }
 */
export type RuleSetting = 'off' | 'warning' | 'error';

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
] as const satisfies readonly RuleInfo[];

export type RuleId = (typeof RULES)[number]['id'];

export const RULE_IDS: readonly RuleId[] = RULES.map((r) => r.id);

export interface LintConfig {
  /** Per-rule severity; rules not named keep their default. */
  rules: Partial<Record<RuleId, RuleSetting>>;
  /** Transactional dynamic field keys accepted as known fields everywhere. */
  dynamicFields?: string[];
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
    if (key !== 'rules' && key !== 'dynamicFields' && key !== 'sends' && key !== '$schema') {
      errors.push(`${source}: unknown key "${key}" (expected "rules", "dynamicFields" and "sends").`);
    }
  }
  if (obj.rules !== undefined) {
    if (typeof obj.rules !== 'object' || obj.rules === null || Array.isArray(obj.rules)) {
      errors.push(`${source}: "rules" must be an object of rule name → "off" | "warning" | "error".`);
    } else {
      for (const [id, raw] of Object.entries(obj.rules as Record<string, unknown>)) {
        if (!isRuleId(id)) {
          errors.push(`${source}: unknown rule "${id}". Known rules: ${RULE_IDS.join(', ')}.`);
          continue;
        }
        const v = raw === 'warn' ? 'warning' : raw;
        if (v !== 'off' && v !== 'warning' && v !== 'error') {
          errors.push(`${source}: rule "${id}" is set to ${JSON.stringify(raw)}; use "off", "warning" or "error".`);
          continue;
        }
        config.rules[id] = v;
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
  return { config, errors };
}

/** Parses the text of a `.ongage/lint.json` file. */
export function parseLintConfigText(text: string, source = LINT_CONFIG_PATH): ConfigResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { config: { rules: {} }, errors: [`${source}: not valid JSON (${e instanceof Error ? e.message : String(e)}); fix the file or delete it.`] };
  }
  return parseLintConfig(value, source);
}
