import * as assert from 'assert';
import { overlaySample, parseSamplesText, samplesTemplate } from '../../../src/core/fields/samples';

describe('sample profiles (.ongage/samples.json)', () => {
  it('reads profiles in the documented form and as a bare array', () => {
    const a = parseSamplesText(JSON.stringify({ profiles: [{ label: 'Gold', values: { first_name: 'Ada', vip: 1, opted: true, city: null } }] }));
    assert.deepStrictEqual(a.errors, []);
    assert.deepStrictEqual(a.profiles, [{ label: 'Gold', values: { first_name: 'Ada', vip: 1, opted: true, city: null } }]);
    const b = parseSamplesText(JSON.stringify([{ label: 'No name' }]));
    assert.deepStrictEqual(b, { profiles: [{ label: 'No name', values: {} }], errors: [] });
  });

  it('says where invalid JSON is broken and what happens meanwhile', () => {
    const r = parseSamplesText('{\n  "profiles": [\n    { "label": "x", }\n  ]\n}');
    assert.strictEqual(r.profiles.length, 0);
    assert.strictEqual(r.errors.length, 1);
    assert.match(r.errors[0], /^\.ongage\/samples\.json \(line 3\)/);
    assert.match(r.errors[0], /not valid JSON/);
    assert.match(r.errors[0], /the preview uses the list's sample contact/);
  });

  it('keeps the valid profiles and names each problem with what to fix', () => {
    const r = parseSamplesText(
      JSON.stringify({
        profiles: [
          { label: 'Good', values: { a: '1' } },
          'text',
          { values: {} },
          { label: 'Good' },
          { label: 'Bad values', values: [1] },
          { label: 'Nested', values: { ok: 'y', deep: { x: 1 } } },
        ],
      }),
    );
    assert.deepStrictEqual(
      r.profiles.map((p) => p.label),
      ['Good', 'Nested'],
    );
    assert.deepStrictEqual(r.profiles[1].values, { ok: 'y' });
    assert.strictEqual(r.errors.length, 5);
    assert.match(r.errors[0], /profile 2 is not an object/);
    assert.match(r.errors[1], /profile 3 has no "label"/);
    assert.match(r.errors[2], /"Good" is used twice/);
    assert.match(r.errors[3], /"values" must be an object/);
    assert.match(r.errors[4], /value of "deep" must be a string, number, boolean or null/);
  });

  it('refuses a file of the wrong shape with the expected shape', () => {
    const r = parseSamplesText('{"people": []}');
    assert.deepStrictEqual(r.profiles, []);
    assert.match(r.errors[0], /expected \{ "profiles": \[/);
  });

  it('lays a profile over the list sample: its values win, the rest stays', () => {
    const base = { label: 'sample contact', values: { first_name: 'Jane', plan: 'free', city: 'Lisbon' } };
    const p = overlaySample(base, { label: 'Gold', values: { plan: 'Gold', first_name: '' } });
    assert.deepStrictEqual(p, { label: 'Gold', values: { first_name: '', plan: 'Gold', city: 'Lisbon' } });
    assert.deepStrictEqual(overlaySample(undefined, { label: 'x', values: { a: 1 } }).values, { a: 1 });
  });

  it('starts a new file from the list sample, and the file reads back', () => {
    const text = samplesTemplate({ label: 's', values: { first_name: 'Jane', vip: 0, ocx_unsubscribe_link: 'https://u.example/s' } });
    const r = parseSamplesText(text);
    assert.deepStrictEqual(r.errors, []);
    assert.deepStrictEqual(r.profiles[0].values, { first_name: 'Jane', vip: 0 });
    assert.deepStrictEqual(r.profiles[1].values, { first_name: '' });
  });
});
