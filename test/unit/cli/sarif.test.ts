/**
 * `lint --format sarif` against the SARIF 2.1.0 JSON schema as published by Microsoft's SARIF SDK
 * (@microsoft/jest-sarif ships sarif-2.1.0-rtm.5.json, the schema GitHub code scanning's examples use). The
 * schema is draft-04; its only draft-04-specific keyword is `id`, renamed `$id` for Ajv (draft-07), which reads
 * every other keyword it uses the same way. Its patterns are ECMAScript without the "u" flag (one has a stray
 * "]"), so Ajv compiles them that way.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import Ajv from 'ajv';
import { RULES } from '../../../src/core/language/config';
import { cli, tempDir, writeFiles } from './helpers';

type Validator = ((data: unknown) => boolean) & { errors?: unknown };

function sarifValidator(): Validator {
  const file = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const schema = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  assert.equal(schema.$schema, 'http://json-schema.org/draft-04/schema#');
  const { id, $schema, ...rest } = schema;
  void $schema;
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', (s: string) => {
    try {
      new URL(s);
      return true;
    } catch {
      return false;
    }
  });
  ajv.addFormat('uri-reference', (s: string) => !/\s/.test(s));
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)) && /^\d{4}-\d{2}-\d{2}T/.test(s));
  const validate = ajv.compile({ ...rest, $id: id as string });
  const check: Validator = (data: unknown) => {
    const ok = validate(data) as boolean;
    check.errors = validate.errors;
    return ok;
  };
  return check;
}

describe('cli lint --format sarif', () => {
  let validate: Validator;
  before(() => {
    validate = sarifValidator();
  });

  it('the validator rejects what is not SARIF (the check can fail)', () => {
    assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] }), false, 'driver without a name');
    assert.equal(validate({ version: '2.0.0', runs: [] }), false);
    assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'severe' }] }] }), false);
  });

  it('is valid SARIF 2.1.0 with results, rules and fixes', async () => {
    const r = await cli(['lint', '--no-config', '--fields', 'fields.json', '--format', 'sarif', '.']);
    assert.equal(r.code, 1);
    const log = JSON.parse(r.stdout);
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
    const run = log.runs[0];
    assert.equal(run.tool.driver.name, 'ongage-studio');
    assert.deepEqual(run.tool.driver.rules.map((x: { id: string }) => x.id), RULES.map((x) => x.id));
    assert.ok(run.results.length >= 15);
    assert.ok(run.results.some((x: { fixes?: unknown[] }) => x.fixes && x.fixes.length > 0), 'quick fixes are carried');
  });

  it('locations are relative to the working folder, 1-based, end column exclusive, in UTF-16 code units', async () => {
    const r = await cli(['lint', '--no-config', '--fields', 'fields.json', '--format', 'sarif', 'unicode.html', 'broken.html']);
    const log = JSON.parse(r.stdout);
    assert.ok(validate(log), JSON.stringify(validate.errors));
    const run = log.runs[0];
    assert.equal(run.columnKind, 'utf16CodeUnits');
    assert.match(run.originalUriBaseIds['%SRCROOT%'].uri, /^file:\/\/\/.*\/test\/fixtures\/lint\/$/);
    const field = run.results.find((x: { ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) => x.ruleId === 'unknown-field' && x.locations[0].physicalLocation.artifactLocation.uri === 'unicode.html');
    assert.ok(field, 'unknown-field in unicode.html');
    assert.deepEqual(field.locations[0].physicalLocation.artifactLocation, { uri: 'unicode.html', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(field.locations[0].physicalLocation.region, { startLine: 3, startColumn: 23, endLine: 3, endColumn: 32 });
    assert.equal(field.level, 'warning');
    assert.equal(run.tool.driver.rules[field.ruleIndex].id, 'unknown-field');
    const unclosed = run.results.find((x: { ruleId: string }) => x.ruleId === 'unclosed-tag');
    assert.equal(unclosed.level, 'error');
    assert.equal(unclosed.message.text, '"{{first_name" is not closed: add "}}".');
  });

  it('levels follow --rule; an empty run is valid too', async () => {
    const r = await cli(['lint', '--no-config', '--rule', 'img-alt=error', '--format', 'sarif', 'promo.html']);
    const log = JSON.parse(r.stdout);
    assert.ok(validate(log));
    assert.equal(log.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'img-alt').level, 'error');
    const clean = await cli(['lint', '--no-config', '--fields', 'fields.json', '--format', 'sarif', 'clean.html']);
    const empty = JSON.parse(clean.stdout);
    assert.ok(validate(empty));
    assert.deepEqual(empty.runs[0].results, []);
  });

  it('a path outside the working folder becomes an absolute file: URI', async () => {
    const r = await cli(['lint', '--no-config', '--format', 'sarif', '../../fixtures/lint/promo.html'], { cwd: __dirname });
    const log = JSON.parse(r.stdout);
    assert.ok(validate(log), JSON.stringify(validate.errors));
    const uri = log.runs[0].results[0].locations[0].physicalLocation.artifactLocation;
    assert.match(uri.uri, /^file:\/\/\/.*\/promo\.html$/);
    assert.equal(uri.uriBaseId, undefined);
  });

  it('client-support and accessibility findings (--info) are notes with their rule, range and caniemail page', async () => {
    const t = tempDir();
    try {
      writeFiles(t.dir, {
        'a.html': '<html><head><title>x</title></head><body>\n<div style="border-radius:6px">Hi</div>\n<a href="{{ocx_unsubscribe_link}}">Unsubscribe</a></body></html>\n',
      });
      const without = JSON.parse((await cli(['lint', '--no-config', '--format', 'sarif', 'a.html'], { cwd: t.dir })).stdout);
      assert.deepEqual(without.runs[0].results, [], 'information findings only with --info');
      const r = await cli(['lint', '--no-config', '--info', '--format', 'sarif', 'a.html'], { cwd: t.dir });
      assert.equal(r.code, 0, 'information never fails a run');
      const log = JSON.parse(r.stdout);
      assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
      const run = log.runs[0];
      const rules = run.tool.driver.rules as Array<{ id: string; defaultConfiguration: { level: string } }>;
      assert.equal(rules.find((x) => x.id === 'client-unsupported')!.defaultConfiguration.level, 'note');
      assert.equal(rules.find((x) => x.id === 'html-lang')!.defaultConfiguration.level, 'note');
      const radius = run.results.find((x: { ruleId: string; locations: Array<{ physicalLocation: { region: { startLine: number; startColumn: number; endColumn: number } } }> }) => x.ruleId === 'client-unsupported' && x.locations[0].physicalLocation.region.startLine === 2);
      assert.ok(radius, JSON.stringify(run.results.map((x: { ruleId: string }) => x.ruleId)));
      assert.equal(radius.level, 'note');
      assert.deepEqual(radius.locations[0].physicalLocation.region, { startLine: 2, startColumn: 13, endLine: 2, endColumn: 26 });
      assert.match(radius.message.text, /^Outlook: Windows 2016/);
      assert.equal(radius.properties.helpUri, 'https://www.caniemail.com/features/css-border-radius/');
      assert.equal(rules[radius.ruleIndex].id, 'client-unsupported');
      const lang = run.results.find((x: { ruleId: string }) => x.ruleId === 'html-lang');
      assert.equal(lang.level, 'note');
      assert.deepEqual(lang.locations[0].physicalLocation.region, { startLine: 1, startColumn: 2, endLine: 1, endColumn: 6 });
      assert.ok(!run.results.some((x: { ruleId: string }) => x.ruleId === 'client-partial'), 'hints are never printed');
      const raised = JSON.parse((await cli(['lint', '--no-config', '--rule', 'client-partial=warning', '--format', 'sarif', 'a.html'], { cwd: t.dir })).stdout);
      assert.ok(raised.runs[0].results.some((x: { ruleId: string; level: string }) => x.ruleId === 'client-partial' && x.level === 'warning'));
    } finally {
      t.remove();
    }
  });

  it('a forgotten {{ and a mistyped operator: text, JSON and SARIF give the rule, the exact region and the fix', async () => {
    const t = tempDir();
    try {
      writeFiles(t.dir, { 'b.html': '<html lang="en"><head><title>x</title></head><body>\n<p>Hi first_name}},</p>\n<p>{{ocx_if plan =~ pro}}Pro{{ocx_endif}}</p>\n<a href="{{ocx_unsubscribe_link}}">Unsubscribe</a></body></html>\n' });
      const text = await cli(['lint', '--no-config', 'b.html'], { cwd: t.dir });
      assert.equal(text.code, 1);
      assert.match(text.stdout, /^b\.html:2:7 {2}error {2}tag-syntax {2}"first_name\}\}" closes a tag that was never opened/m);
      assert.match(text.stdout, /^b\.html:3:18 {2}error {2}condition-syntax {2}"=~" is not an Ongage operator: write contains/m);
      const json = JSON.parse((await cli(['lint', '--no-config', '--format', 'json', 'b.html'], { cwd: t.dir })).stdout);
      const rulesFound = json.files[0].diagnostics.map((d: { rule: string }) => d.rule);
      assert.deepEqual(rulesFound, ['tag-syntax', 'condition-syntax']);
      const log = JSON.parse((await cli(['lint', '--no-config', '--format', 'sarif', 'b.html'], { cwd: t.dir })).stdout);
      assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
      const [forgotten, operator] = log.runs[0].results;
      assert.equal(forgotten.ruleId, 'tag-syntax');
      assert.equal(forgotten.level, 'error');
      assert.deepEqual(forgotten.locations[0].physicalLocation.region, { startLine: 2, startColumn: 7, endLine: 2, endColumn: 19 });
      assert.ok(JSON.stringify(forgotten.fixes).includes('{{'), JSON.stringify(forgotten.fixes));
      assert.equal(operator.ruleId, 'condition-syntax');
      assert.deepEqual(operator.locations[0].physicalLocation.region, { startLine: 3, startColumn: 18, endLine: 3, endColumn: 20 });
    } finally {
      t.remove();
    }
  });
});
