import * as assert from 'assert';
import fc from 'fast-check';
import type { ConditionTag, FieldTag, FunctionTag, IfBlock, Node, Span, Tag } from '../../../src/core/language/ast';
import { parse } from '../../../src/core/language/parser';
import { LineIndex } from '../../../src/core/language/positions';

const slice = (text: string, s: { start: number; end: number }): string => text.slice(s.start, s.end);

/** A compact, comparable picture of the tags: type, source text, closed. */
function tagsOf(text: string): string[] {
  return parse(text).tags.map((t) => `${t.type}${t.closed ? '' : '!'}:${slice(text, t)}`);
}
function problemsOf(text: string): string[] {
  return parse(text).problems.map((p) => `${p.code}@${slice(text, p)}`);
}

describe('language/parser: valid inputs', () => {
  const valid: Array<[string, string[]]> = [
    ['Hi {{first_name}}!', ['field:{{first_name}}']],
    ['{{first_name:Friend}}', ['field:{{first_name:Friend}}']],
    ['{{first_name:{{last_name}}}}', ['field:{{first_name:{{last_name}}}}', 'field:{{last_name}}']],
    ['{{first_name:{{company:there}}}}', ['field:{{first_name:{{company:there}}}}', 'field:{{company:there}}']],
    ['{{first_name:Hey there, you!}}', ['field:{{first_name:Hey there, you!}}']],
    ['{{birthday[format=d/m/Y]}}', ['field:{{birthday[format=d/m/Y]}}']],
    ['{{signup_date[format=F j, Y]:soon}}', ['field:{{signup_date[format=F j, Y]:soon}}']],
    ['{{ocx_url_encode{https://x.example/?a=1}}}', ['function:{{ocx_url_encode{https://x.example/?a=1}}}']],
    ['{{ocx_generate_hash{algo=md5,data=\\{{email}}}}}', ['function:{{ocx_generate_hash{algo=md5,data=\\{{email}}}}}', 'field:\\{{email}}']],
    ['{{ocx_feed_html{url=https://feed.example/a }}}', ['function:{{ocx_feed_html{url=https://feed.example/a }}}']],
    ['{{ocx_if vip = 1}}VIP{{ocx_endif}}', ['if:{{ocx_if vip = 1}}', 'endif:{{ocx_endif}}']],
    ['{{ocx_if vip=1}}a{{ocx_elseif points >= 5}}b{{ocx_else}}c{{ocx_endif}}', ['if:{{ocx_if vip=1}}', 'elseif:{{ocx_elseif points >= 5}}', 'else:{{ocx_else}}', 'endif:{{ocx_endif}}']],
    ['{{ocx_if product = 159450 OR category = Apparel }}x{{ocx_endif }}', ['if:{{ocx_if product = 159450 OR category = Apparel }}', 'endif:{{ocx_endif }}']],
    ['a{color:red;}}@media{{{ocx_if vip = 1}}b{{ocx_endif}}}', ['if:{{ocx_if vip = 1}}', 'endif:{{ocx_endif}}']],
    ['<!-- {{ocx_contact_id}} --> {{ ocx_list_id }}', ['field:{{ocx_contact_id}}', 'field:{{ ocx_list_id }}']],
    ['price {{ {not a tag', []],
  ];
  for (const [text, expected] of valid) {
    it(`parses ${JSON.stringify(text)} with no problems`, () => {
      assert.deepStrictEqual(tagsOf(text), expected);
      assert.deepStrictEqual(problemsOf(text), []);
    });
  }

  it('gives every part of a field tag its exact span', () => {
    const text = 'Hi {{first_name:{{company:there}}}}';
    const tag = parse(text).tags[0] as FieldTag;
    assert.strictEqual(tag.start, 3);
    assert.strictEqual(tag.end, text.length);
    assert.strictEqual(slice(text, tag.name), 'first_name');
    assert.strictEqual(tag.fallback?.text, '{{company:there}}');
    assert.strictEqual(tag.fallback?.colon, 15);
    const nested = tag.fallback!.parts[0] as FieldTag;
    assert.strictEqual(nested.depth, 1);
    assert.strictEqual(slice(text, nested.fallback!), 'there');
    assert.deepStrictEqual(tag.range, { start: { line: 0, character: 3 }, end: { line: 0, character: text.length } });
  });

  it('reads [format=…] as parameters, a comma only splitting before key=', () => {
    const text = '{{birthday[format=F j, Y]}}';
    const tag = parse(text).tags[0] as FieldTag;
    assert.strictEqual(tag.params?.params.length, 1);
    assert.strictEqual(tag.params?.params[0].key.text, 'format');
    assert.strictEqual(tag.params?.params[0].value?.text, 'F j, Y');
    assert.strictEqual(slice(text, tag.params!), '[format=F j, Y]');
  });

  it('reads function arguments as key=value pairs with the nested escaped tag', () => {
    const text = '{{ocx_generate_hash{algo=md5,data=\\{{email}}}}}';
    const tag = parse(text).tags[0] as FunctionTag;
    assert.deepStrictEqual(tag.argument?.params.map((p) => [p.key.text, p.value?.text]), [
      ['algo', 'md5'],
      ['data', '\\{{email}}'],
    ]);
    const nested = tag.argument!.parts.find((p) => p.type === 'field') as FieldTag;
    assert.strictEqual(nested.escaped, true);
    assert.strictEqual(slice(text, nested), '\\{{email}}');
  });

  it('reads conditions: fields, operators (negated ones too), values with spaces, joiners', () => {
    const text = '{{ocx_if city = New York AND email !ends_with .edu OR address !is empty AND a != 2 OR b is null}}';
    const tag = parse(text).tags[0] as ConditionTag;
    const c = tag.condition!;
    assert.deepStrictEqual(
      c.clauses.map((cl) => [cl.field?.text, cl.operator?.name, cl.operator?.negated, cl.value?.text]),
      [
        ['city', '=', false, 'New York'],
        ['email', 'ends_with', true, '.edu'],
        ['address', 'is empty', true, undefined],
        ['a', '=', true, '2'],
        ['b', 'is null', false, undefined],
      ],
    );
    assert.deepStrictEqual(c.joiners.map((j) => j.text), ['AND', 'OR', 'AND', 'OR']);
    assert.strictEqual(slice(text, c.clauses[0].value!), 'New York');
    assert.strictEqual(slice(text, c.clauses[1].operator!), '!ends_with');
  });

  it('keeps "and" inside a value when no clause follows it', () => {
    const tag = parse('{{ocx_if band = Rock and Roll}}x{{ocx_endif}}').tags[0] as ConditionTag;
    assert.strictEqual(tag.condition?.clauses.length, 1);
    assert.strictEqual(tag.condition?.clauses[0].value?.text, 'Rock and Roll');
  });

  it('builds nested ocx_if blocks with branches and spans', () => {
    const text = '{{ocx_if a = 1}}A{{ocx_if b = 2}}B{{ocx_endif}}{{ocx_else}}C{{ocx_endif}}';
    const r = parse(text);
    assert.strictEqual(r.blocks.length, 2);
    const outer = r.nodes[0] as IfBlock;
    assert.strictEqual(outer.type, 'block');
    assert.strictEqual(slice(text, outer), text);
    assert.deepStrictEqual(outer.branches.map((b) => b.tag.type), ['if', 'else']);
    const inner = outer.branches[0].children.find((n: Node) => n.type === 'block') as IfBlock;
    assert.strictEqual(slice(text, inner), '{{ocx_if b = 2}}B{{ocx_endif}}');
    assert.strictEqual(slice(text, outer.branches[1]), '{{ocx_else}}C');
  });

  it('counts lines and UTF-16 columns (an emoji takes two)', () => {
    const text = 'a\r\n😀 {{first_name}}\n{{x}}';
    const r = parse(text);
    assert.deepStrictEqual(r.tags[0].range.start, { line: 1, character: 3 });
    assert.deepStrictEqual(r.tags[1].range, { start: { line: 2, character: 0 }, end: { line: 2, character: 5 } });
    const idx = new LineIndex(text);
    assert.strictEqual(idx.offsetAt({ line: 1, character: 3 }), r.tags[0].start);
    assert.strictEqual(idx.lineEnd(0), 1);
  });
});

describe('language/parser: invalid inputs', () => {
  const invalid: Array<[string, string[], string[]]> = [
    // text, problems (code@source), tags
    ['Hi {{first_name, welcome', ['unclosed-tag@{{first_name'], ['field!:{{first_name']],
    ['{{first_name:Friend\nnext', ['unclosed-tag@{{first_name'], ['field!:{{first_name']],
    ['{{first_name:{{company:there}}', ['unclosed-tag@{{first_name'], ['field!:{{first_name', 'field:{{company:there}}']],
    ['{{ocx_url_encode{abc', ['unclosed-tag@{{ocx_url_encode'], ['function!:{{ocx_url_encode']],
    ['{{ocx_if vip = 1\nx', ['unclosed-tag@{{ocx_if', 'block-structure@{{ocx_if'], ['if!:{{ocx_if']],
    ['{{}}', ['tag-syntax@{{}}'], ['invalid:{{}}']],
    ['{{#if vip}}x{{/if}}', ['tag-syntax@{{#if vip}}', 'tag-syntax@{{/if}}'], ['invalid:{{#if vip}}', 'invalid:{{/if}}']],
    ['{{first name}}', ['tag-syntax@name'], ['field:{{first name}}']],
    ['{{first_<span>name</span>}}', ['markup-in-tag@{{first_<span>name</span>}}'], ['field:{{first_<span>name</span>}}']],
    ['{{first_name:<b>Friend</b>}}', ['markup-in-tag@{{first_name:<b>Friend</b>}}'], ['field:{{first_name:<b>Friend</b>}}']],
    ['{{birthday[format=d/m/Y}}', ['tag-syntax@[format=d/m/Y'], ['field:{{birthday[format=d/m/Y}}']],
    ['{{birthday[d/m/Y]}}', ['tag-syntax@d/m/Y'], ['field:{{birthday[d/m/Y]}}']],
    ['{{ocx_if vip = 1}}a', ['block-structure@{{ocx_if vip = 1}}'], ['if:{{ocx_if vip = 1}}']],
    ['a{{ocx_endif}}', ['block-structure@{{ocx_endif}}'], ['endif:{{ocx_endif}}']],
    ['{{ocx_else}}', ['block-structure@{{ocx_else}}'], ['else:{{ocx_else}}']],
    ['{{ocx_if a = 1}}x{{ocx_else}}y{{ocx_elseif b = 2}}z{{ocx_endif}}', ['block-structure@{{ocx_elseif b = 2}}'], ['if:{{ocx_if a = 1}}', 'else:{{ocx_else}}', 'elseif:{{ocx_elseif b = 2}}', 'endif:{{ocx_endif}}']],
    ['{{ocx_if a = 1}}x{{ocx_else}}y{{ocx_else}}z{{ocx_endif}}', ['block-structure@{{ocx_else}}'], ['if:{{ocx_if a = 1}}', 'else:{{ocx_else}}', 'else:{{ocx_else}}', 'endif:{{ocx_endif}}']],
    ['{{ocx_if plan == pro}}x{{ocx_endif}}', ['condition-syntax@=='], ['if:{{ocx_if plan == pro}}', 'endif:{{ocx_endif}}']],
    ['{{ocx_if plan => 3}}x{{ocx_endif}}', ['condition-syntax@=>'], ['if:{{ocx_if plan => 3}}', 'endif:{{ocx_endif}}']],
    ['{{ocx_if email starts_with a}}x{{ocx_endif}}', ['condition-syntax@starts_with'], ['if:{{ocx_if email starts_with a}}', 'endif:{{ocx_endif}}']],
    ['{{ocx_if email is not empty}}x{{ocx_endif}}', ['condition-syntax@is not empty'], ['if:{{ocx_if email is not empty}}', 'endif:{{ocx_endif}}']],
    ['{{ocx_if email CONTAINS a}}x{{ocx_endif}}', ['condition-syntax@CONTAINS'], ['if:{{ocx_if email CONTAINS a}}', 'endif:{{ocx_endif}}']],
    ['{{ocx_if vip}}x{{ocx_endif}}', ['condition-syntax@vip'], ['if:{{ocx_if vip}}', 'endif:{{ocx_endif}}']],
    ['{{ocx_if vip =}}x{{ocx_endif}}', ['condition-syntax@='], ['if:{{ocx_if vip =}}', 'endif:{{ocx_endif}}']],
    ['{{ocx_if email is empty now}}x{{ocx_endif}}', ['condition-syntax@now'], ['if:{{ocx_if email is empty now}}', 'endif:{{ocx_endif}}']],
    ['{{ocx_if}}x{{ocx_endif}}', ['condition-syntax@{{ocx_if}}'], ['if:{{ocx_if}}', 'endif:{{ocx_endif}}']],
    ['{{ocx_if a = 1 and b = 2}}x{{ocx_endif}}', ['lowercase-joiner@and'], ['if:{{ocx_if a = 1 and b = 2}}', 'endif:{{ocx_endif}}']],
    ['{{ocx_if a = 1 && b = 2}}x{{ocx_endif}}', ['lowercase-joiner@&&'], ['if:{{ocx_if a = 1 && b = 2}}', 'endif:{{ocx_endif}}']],
    ['{{ocx_if a = 1}}x{{ocx_endf}}', ['misspelled-keyword@ocx_endf'], ['if:{{ocx_if a = 1}}', 'endif:{{ocx_endf}}']],
    ['{{OCX_IF a = 1}}x{{ocx_endif}}', ['misspelled-keyword@OCX_IF'], ['if:{{OCX_IF a = 1}}', 'endif:{{ocx_endif}}']],
    ['{{if a = 1}}x{{endif}}', ['misspelled-keyword@if', 'misspelled-keyword@endif'], ['if:{{if a = 1}}', 'endif:{{endif}}']],
    ['{{ocx_else_if a = 1}}', ['misspelled-keyword@ocx_else_if', 'block-structure@{{ocx_else_if a = 1}}'], ['elseif:{{ocx_else_if a = 1}}']],
    ['{{ocx_endif extra}}', ['tag-syntax@extra', 'block-structure@{{ocx_endif extra}}'], ['endif:{{ocx_endif extra}}']],
    ['{{foo{x}}}', ['tag-syntax@foo'], ['function:{{foo{x}}}']],
  ];
  for (const [text, problems, tags] of invalid) {
    it(`reports ${problems.join(', ')} in ${JSON.stringify(text)}`, () => {
      assert.deepStrictEqual(problemsOf(text).sort(), [...problems].sort());
      assert.deepStrictEqual(tagsOf(text), tags);
    });
  }

  it('a misspelled ocx_else is only a keyword inside an open block (elsewhere it is a system name)', () => {
    assert.deepStrictEqual(problemsOf('{{ocx_els}}'), []);
    assert.deepStrictEqual(problemsOf('{{ocx_if a = 1}}{{ocx_els}}{{ocx_endif}}'), ['misspelled-keyword@ocx_els']);
  });

  it('offers fixes that repair the text', () => {
    const cases: Array<[string, string]> = [
      ['Hi {{first_name, welcome', 'Hi {{first_name}}, welcome'],
      ['{{first_name:Friend</p>', '{{first_name:Friend}}</p>'],
      ['{{ocx_if plan == pro}}x{{ocx_endif}}', '{{ocx_if plan = pro}}x{{ocx_endif}}'],
      ['{{ocx_if email is not empty}}x{{ocx_endif}}', '{{ocx_if email !is empty}}x{{ocx_endif}}'],
      ['{{ocx_if a = 1 or b = 2}}x{{ocx_endif}}', '{{ocx_if a = 1 OR b = 2}}x{{ocx_endif}}'],
      ['{{ocx_if a = 1}}x{{ocx_endf}}', '{{ocx_if a = 1}}x{{ocx_endif}}'],
      ['{{first_<span>name</span>}}', '{{first_name}}'],
      ['{{birthday[d/m/Y]}}', '{{birthday[format=d/m/Y]}}'],
      ['x{{ocx_endif}}', 'x'],
    ];
    for (const [text, fixed] of cases) {
      const p = parse(text).problems[0];
      const fix = p.fixes?.find((f) => f.preferred) ?? p.fixes?.[0];
      assert.ok(fix, `a fix for ${text}`);
      let out = text;
      for (const e of [...fix!.edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
      assert.strictEqual(out, fixed);
      assert.deepStrictEqual(parse(out).problems, [], `no problems left in ${out}`);
    }
  });
});

describe('language/parser: properties', () => {
  const pieces = ['{{', '}}', '{', '}', '\\', ':', '[', ']', 'format=', 'ocx_if ', 'ocx_elseif ', 'ocx_else', 'ocx_endif', ' AND ', ' or ', '=', '!=', '>=', '<', 'is empty', '!', 'first_name', 'x', ' ', '\n', '\r\n', '<b>', '😀', 'é', ','];
  const ongageish = fc.array(fc.constantFrom(...pieces), { maxLength: 60 }).map((a) => a.join(''));
  const anyText = fc.oneof(fc.string({ maxLength: 200 }), ongageish, fc.string({ unit: 'grapheme', maxLength: 80 }));

  function checkSpan(text: string, s: Span, what: string): void {
    assert.ok(s.start >= 0 && s.start <= s.end && s.end <= text.length, `${what} [${s.start}, ${s.end}) inside 0..${text.length}`);
    const idx = new LineIndex(text);
    assert.deepStrictEqual(s.range.start, idx.positionAt(s.start), `${what} start position`);
    assert.deepStrictEqual(s.range.end, idx.positionAt(s.end), `${what} end position`);
  }

  it('never throws, and every span lies inside the document with matching positions', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const r = parse(text);
        for (const p of r.problems) {
          checkSpan(text, p, `problem ${p.code}`);
          for (const f of p.fixes ?? []) for (const e of f.edits) checkSpan(text, e, 'fix edit');
        }
        for (const t of r.tags) {
          checkSpan(text, t, `tag ${t.type}`);
          if (t.type === 'field' || t.type === 'function') checkSpan(text, t.name, 'name');
          if (t.type === 'if' || t.type === 'elseif') for (const cl of t.condition?.clauses ?? []) checkSpan(text, cl, 'clause');
        }
        for (const b of r.blocks) checkSpan(text, b, 'block');
      }),
      { numRuns: 600 },
    );
  });

  it('top-level nodes tile the document in order', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const r = parse(text);
        let at = 0;
        const walk = (nodes: Node[]): void => {
          for (const n of nodes) {
            if (n.type === 'block') {
              for (const b of n.branches) {
                assert.strictEqual(b.tag.start, at);
                at = b.tag.end;
                walk(b.children);
              }
              if (n.endTag) {
                assert.strictEqual(n.endTag.start, at);
                at = n.endTag.end;
              }
            } else {
              assert.strictEqual(n.start, at, `node ${n.type} starts where the previous ended`);
              at = n.end;
            }
          }
        };
        walk(r.nodes);
        assert.strictEqual(at, text.length);
      }),
      { numRuns: 400 },
    );
  });

  it('well-formed generated templates parse without problems and round-trip their tags', () => {
    const name = fc.constantFrom('first_name', 'city', 'ocx_contact_id', 'vip', 'points');
    const op = fc.constantFrom('=', '!=', '>', '<', '>=', '<=', 'contains', '!contains', 'begins_with', '!ends_with');
    const value = fc.constantFrom('1', 'New York', 'pro', '2025-01-01');
    const field = fc.tuple(name, fc.option(fc.constantFrom('Friend', 'you there', '{{last_name}}'), { nil: undefined })).map(([n, fb]) => `{{${n}${fb === undefined ? '' : `:${fb}`}}}`);
    const cond = fc.tuple(name, op, value).map(([n, o, v]) => `${n} ${o} ${v}`);
    const tree: fc.Arbitrary<string> = fc.letrec<{ t: string }>((tie) => ({
      t: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constantFrom('text ', '<p>', '</p>', ' '),
        field,
        fc.tuple(cond, tie('t'), fc.option(tie('t'), { nil: undefined })).map(([c, a, b]) => `{{ocx_if ${c}}}${a}${b === undefined ? '' : `{{ocx_else}}${b}`}{{ocx_endif}}`),
        fc.array(tie('t'), { maxLength: 4 }).map((a) => a.join('')),
      ),
    })).t;
    fc.assert(
      fc.property(tree, (text) => {
        const r = parse(text);
        assert.deepStrictEqual(r.problems, []);
        const top = r.tags.filter((t: Tag) => t.depth === 0);
        assert.strictEqual(top.map((t) => slice(text, t)).join(''), (text.match(/\{\{(?:[^{}]|\{\{[^{}]*\}\})*\}\}/g) ?? []).join(''));
      }),
      { numRuns: 300 },
    );
  });
});
