import * as assert from 'assert';
import fc from 'fast-check';
import { allowlistViolations, checkAllowlistEntry, describeRecipientProblems, parseRecipients } from '../../../src/core/send/recipients';

const msg = (input: string): string => {
  const r = parseRecipients(input);
  assert.strictEqual(r.problems.length, 1, `one problem for ${JSON.stringify(input)}: ${JSON.stringify(r)}`);
  return r.problems[0].message;
};

describe('send/recipients: parseRecipients', () => {
  it('splits on commas, semicolons, spaces and new lines', () => {
    const r = parseRecipients('a@x.com, b@y.com;c@z.com\nd@w.org\r\ne@v.net  f@u.io\t g@t.co');
    assert.deepStrictEqual(r.addresses, ['a@x.com', 'b@y.com', 'c@z.com', 'd@w.org', 'e@v.net', 'f@u.io', 'g@t.co']);
    assert.deepStrictEqual(r.problems, []);
    assert.deepStrictEqual(r.duplicates, []);
  });

  it('accepts a list, each element split as well, and ignores empty entries', () => {
    const r = parseRecipients(['a@x.com', ' b@y.com , c@z.com ', '', ' ;; ,']);
    assert.deepStrictEqual(r.addresses, ['a@x.com', 'b@y.com', 'c@z.com']);
    assert.deepStrictEqual(r.problems, []);
  });

  it('accepts display names, quoted names with commas, and <addr> alone', () => {
    const r = parseRecipients('Ann Lee <ann@example.com>, "Smith, Bob" <bob@example.com>; <carl@example.com> Dee<dee@example.com>');
    assert.deepStrictEqual(r.addresses, ['ann@example.com', 'bob@example.com', 'carl@example.com', 'dee@example.com']);
    assert.deepStrictEqual(r.problems, []);
  });

  it('a named address next to a plain one in the same stretch', () => {
    const r = parseRecipients('x@example.com Ann Lee <ann@example.com> y@example.com');
    assert.deepStrictEqual(r.addresses, ['x@example.com', 'ann@example.com', 'y@example.com']);
  });

  it('removes duplicates without regard to case, keeping the first spelling', () => {
    const r = parseRecipients('Ann@Example.com, ann@example.com; ANN@EXAMPLE.COM, Ann <ann@example.COM>, bob@example.com');
    assert.deepStrictEqual(r.addresses, ['Ann@Example.com', 'bob@example.com']);
    assert.deepStrictEqual(r.duplicates, ['ann@example.com', 'ANN@EXAMPLE.COM', 'ann@example.COM']);
  });

  it('says what to fix', () => {
    assert.strictEqual(msg('bob@'), '"bob@" is not an email address: the domain is missing.');
    assert.match(msg('bob'), /^"bob" is not an email address: the "@" is missing/);
    assert.match(msg('@example.com'), /the name before the "@" is missing/);
    assert.match(msg('a@b@example.com'), /more than one "@"/);
    assert.match(msg('ann@localhost'), /the domain "localhost" has no dot \(did you mean localhost\.com\?\)/);
    assert.match(msg('ann@example..com'), /two dots in a row/);
    assert.match(msg('ann..lee@example.com'), /two dots in a row/);
    assert.match(msg('.ann@example.com'), /cannot start or end with a dot/);
    assert.match(msg('ann@exa_mple.com'), /holds "_"/);
    assert.match(msg('ann@-example.com'), /starts or ends with "-"/);
    assert.match(msg('ann@example.123'), /ends in a number/);
    assert.match(msg('ann@[10.0.0.1]'), /is an IP address/);
    assert.match(msg('"ann lee"@example.com'), /quoted name before the "@" is not accepted/);
    assert.match(msg('Ann <ann@example.com'), /the "<" is not closed with ">"/);
    assert.match(msg('ann@example.com>'), /a ">" has no "<" before it/);
    assert.match(msg('<>'), /holds no address/);
    assert.match(msg('Ann <ann@example.com> extra@'), /domain is missing/);
  });

  it('keeps the good ones when some are bad, and reports every bad one', () => {
    const r = parseRecipients('ann@example.com, bob@, carl, dee@example.com');
    assert.deepStrictEqual(r.addresses, ['ann@example.com', 'dee@example.com']);
    assert.deepStrictEqual(r.problems.map((p) => p.input), ['bob@', 'carl']);
    assert.match(describeRecipientProblems(r)!, /^2 recipients are not usable: "bob@" .*; "carl" .*\. Correct them and try again\.$/);
    assert.strictEqual(describeRecipientProblems(parseRecipients('a@x.com')), undefined);
  });

  it('accepts internationalized domains and plus addressing', () => {
    assert.deepStrictEqual(parseRecipients('ann+test@exämple.de, o\'brien@example.ie').addresses, ['ann+test@exämple.de', "o'brien@example.ie"]);
  });

  it('hostile input: control and invisible characters, huge entries, markup — refused with a readable message', () => {
    const nul = parseRecipients('ann\u0000@example.com');
    assert.strictEqual(nul.addresses.length, 0);
    assert.match(nul.problems[0].message, /control character/);
    assert.ok(!nul.problems[0].message.includes('\u0000'), 'the message escapes it');
    const bidi = parseRecipients('ann@exam\u202eple.com');
    assert.match(bidi.problems[0].message, /invisible formatting character/);
    const zw = parseRecipients('ann\u200b@example.com');
    assert.match(zw.problems[0].message, /invisible/);
    const huge = 'a'.repeat(100_000) + '@example.com';
    const t0 = Date.now();
    const h = parseRecipients(huge);
    assert.ok(Date.now() - t0 < 2000, 'no pathological parse time');
    assert.match(h.problems[0].message, /characters long/);
    assert.ok(h.problems[0].message.length < 300, 'the message does not echo the whole input');
    assert.ok(h.problems[0].input.length <= 321);
    const long = parseRecipients(`${'a'.repeat(65)}@example.com`);
    assert.match(long.problems[0].message, /at most 64/);
    const html = parseRecipients('<script>alert(1)</script>@example.com');
    assert.strictEqual(html.addresses.length, 0);
    const inj = parseRecipients('ann@example.com\r\nBcc: all@example.com');
    assert.deepStrictEqual(inj.addresses, ['ann@example.com', 'all@example.com']);
    assert.match(inj.problems[0].message, /"Bcc:"/);
  });

  it('many entries at once stay fast', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `user${i}@example.com`).join(', ');
    const t0 = Date.now();
    const r = parseRecipients(text);
    assert.strictEqual(r.addresses.length, 5000);
    assert.ok(Date.now() - t0 < 5000);
  });

  it('never throws, and every accepted address has one "@", no space and a dotted domain (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const r = parseRecipients(s);
        for (const a of r.addresses) {
          assert.ok(!/\s/.test(a), a);
          const at = a.lastIndexOf('@');
          assert.ok(at > 0 && a.indexOf('@') === at, a);
          assert.ok(a.slice(at + 1).includes('.'), a);
        }
        for (const p of r.problems) assert.ok(p.message.length > 0);
      }),
      { numRuns: 500 },
    );
  });

  it('addresses built from parts come back unchanged (property)', () => {
    const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/);
    const local = fc.stringMatching(/^[a-z0-9+_]{1,10}(?:\.[a-z0-9+_]{1,10}){0,2}$/);
    fc.assert(
      fc.property(fc.array(fc.tuple(local, label, fc.constantFrom('com', 'org', 'io', 'de')), { minLength: 1, maxLength: 8 }), (parts) => {
        const list = parts.map(([l, d, t]) => `${l}@${d}.${t}`);
        const r = parseRecipients(list.join(', '));
        const unique = [...new Map(list.map((a) => [a.toLowerCase(), a])).values()];
        assert.deepStrictEqual(r.addresses, [...new Set(list.map((a) => a.toLowerCase()))].map((k) => unique.find((u) => u.toLowerCase() === k)!));
        assert.deepStrictEqual(r.problems, []);
      }),
    );
  });
});

describe('send/recipients: allowlistViolations', () => {
  it('an empty allowlist allows every address', () => {
    assert.deepStrictEqual(allowlistViolations(['a@x.com'], []), []);
    assert.deepStrictEqual(allowlistViolations(['a@x.com'], undefined), []);
  });
  it('addresses and @domains, without regard to case; subdomains are not the domain', () => {
    const list = ['@Example.com', 'QA@agency.io', 'partner.org'];
    assert.deepStrictEqual(
      allowlistViolations(['ann@example.COM', 'qa@AGENCY.io', 'dev@agency.io', 'x@mail.example.com', 'y@partner.org', 'z@evil.com'], list),
      ['dev@agency.io', 'x@mail.example.com', 'z@evil.com'],
    );
  });
  it('entries: addresses, @domains and bare domains are fine; others say why', () => {
    assert.strictEqual(checkAllowlistEntry('@example.com'), undefined);
    assert.strictEqual(checkAllowlistEntry('qa@example.com'), undefined);
    assert.strictEqual(checkAllowlistEntry('example.com'), undefined);
    assert.match(checkAllowlistEntry('@localhost')!, /no dot/);
    assert.match(checkAllowlistEntry('two words')!, /space/);
    assert.match(checkAllowlistEntry(42)!, /not an address or @domain/);
    assert.match(checkAllowlistEntry('bob@')!, /domain is missing/);
  });
});
