/**
 * The JSON schemas VS Code uses to complete and check `.ongage/lint.json` and `.ongage/samples.json` agree with
 * the code that reads those files: the same rules, defaults and severities; what the schema accepts, the reader
 * reads without an error, and what the reader refuses, the schema flags.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { parseLintConfig, RULES } from '../../../src/core/language/config';
import { parseSamples } from '../../../src/core/fields/samples';
import { parseSendConfig } from '../../../src/core/send/guards';
import { emptySettings, parseSettings, serializeSettings } from '../../../src/core/library/parts';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const load = (name: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'media', 'schemas', name), 'utf8'));

function validator(name: string) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  return ajv.compile(load(name));
}

describe('JSON schemas of the workspace files', () => {
  it('package.json points VS Code at the schemas, and the VSIX ships them', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const v = pkg.contributes.jsonValidation as Array<{ fileMatch: string; url: string }>;
    assert.deepStrictEqual(
      v.map((x) => [x.fileMatch, x.url]),
      [
        ['**/.ongage/lint.json', './media/schemas/lint.schema.json'],
        ['**/.ongage/samples.json', './media/schemas/samples.schema.json'],
        ['**/.ongage/sends.json', './media/schemas/sends.schema.json'],
        ['*.ongage.json', './media/schemas/email-settings.schema.json'],
      ],
    );
    assert.match(fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8'), /^!media\/schemas\/\*\.json$/m);
  });

  it('<name>.ongage.json (an item\'s settings): the schema and parseSettings agree', () => {
    const valid = validator('email-settings.schema.json');
    const base = emptySettings('Spring welcome');
    const cases: Array<[unknown, boolean]> = [
      [JSON.parse(serializeSettings(base)), true],
      [{ subject: 'Hi {{first_name:Friend}}' }, true],
      [{ headerTemplateId: 2013, footerTemplateId: null, unsubscribeDefaultLink: true }, true],
      [{ addresses: [{ fromName: 'Shop', fromAddress: 'shop@example.com', replyAddress: 'help@example.com', espConnectionId: 7101 }] }, true],
      [{ subjet: 'typo' }, false],
      [{ subject: 3 }, false],
      [{ headerTemplateId: 'brand' }, false],
      [{ headerTemplateId: 2.5 }, false],
      [{ unsubscribeDefaultLink: 'yes' }, false],
      [{ addresses: [{ from: 'x' }] }, false],
      [{ name: '' }, false],
    ];
    for (const [value, ok] of cases) {
      assert.strictEqual(valid(value), ok, `schema on ${JSON.stringify(value)}`);
      assert.strictEqual(parseSettings(JSON.stringify(value), base).ok, ok, `parseSettings on ${JSON.stringify(value)}`);
    }
  });

  it('lint.json: every rule, with its description and default, and nothing else', () => {
    const rules = load('lint.schema.json').properties.rules.properties as Record<string, { enum: string[]; description: string }>;
    assert.deepStrictEqual(Object.keys(rules), RULES.map((r) => r.id));
    for (const r of RULES) {
      assert.ok(rules[r.id].description.startsWith(r.description), r.id);
      assert.ok(rules[r.id].description.endsWith(`Default: ${r.default}.`), r.id);
    }
  });

  it('lint.json: the schema and the reader agree on valid and invalid files', () => {
    const valid = validator('lint.schema.json');
    const cases: Array<[unknown, boolean]> = [
      [{}, true],
      [{ rules: { 'http-link': 'off', 'img-alt': 'error', 'unknown-field': 'warn' } }, true],
      [{ $schema: './x.json', dynamicFields: ['receipt_id'] }, true],
      [{ rules: { 'no-such-rule': 'off' } }, false],
      [{ rules: { 'http-link': 'loud' } }, false],
      [{ dynamicFields: 'receipt_id' }, false],
      [{ extra: 1 }, false],
      [{ sends: { allowlist: ['@example.com'], confirmAbove: 3 } }, true],
    ];
    for (const [value, ok] of cases) {
      assert.strictEqual(valid(value), ok, `schema on ${JSON.stringify(value)}`);
      assert.strictEqual(parseLintConfig(value).errors.length === 0, ok, `reader on ${JSON.stringify(value)}`);
    }
  });

  it('sends.json and the "sends" section of lint.json: the schemas and the reader agree', () => {
    const sends = validator('sends.schema.json');
    const lint = validator('lint.schema.json');
    const cases: Array<[unknown, boolean]> = [
      [{}, true],
      [{ allowlist: ['@example.com', 'qa@agency.io'], confirmAbove: 5 }, true],
      [{ allowlist: [], confirmAbove: 0 }, true],
      [{ allowlist: '@example.com' }, false],
      [{ allowlist: ['two words'] }, false],
      [{ allowlist: ['a@b@c.com'] }, false],
      [{ confirmAbove: -1 }, false],
      [{ confirmAbove: 2.5 }, false],
      [{ confirmAbove: '5' }, false],
      [{ allowList: ['@example.com'] }, false],
    ];
    for (const [value, ok] of cases) {
      assert.strictEqual(sends(value), ok, `sends schema on ${JSON.stringify(value)}`);
      assert.strictEqual(lint({ sends: value }), ok, `lint schema on ${JSON.stringify(value)}`);
      assert.strictEqual(parseSendConfig(value, 'sends.json').errors.length === 0, ok, `reader on ${JSON.stringify(value)}`);
    }
  });

  it('samples.json: the schema and the reader agree on valid and invalid files', () => {
    const valid = validator('samples.schema.json');
    const cases: Array<[unknown, boolean]> = [
      [{ profiles: [] }, true],
      [{ profiles: [{ label: 'Gold', values: { first_name: 'Ada', vip: 1, opted: true, city: null } }] }, true],
      [[{ label: 'No name' }], true],
      [{ profiles: [{ values: {} }] }, false],
      [{ profiles: [{ label: '' }] }, false],
      [{ profiles: [{ label: 'x', values: { deep: { a: 1 } } }] }, false],
      [{ profiles: [{ label: 'x', values: [1] }] }, false],
      [{ people: [] }, false],
    ];
    for (const [value, ok] of cases) {
      assert.strictEqual(valid(value), ok, `schema on ${JSON.stringify(value)}`);
      assert.strictEqual(parseSamples(value).errors.length === 0, ok, `reader on ${JSON.stringify(value)}`);
    }
  });
});
