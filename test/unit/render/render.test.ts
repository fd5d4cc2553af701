/** renderEmail: compose, inline on the template, evaluate; notes point into the part the user edits. */
import { strict as assert } from 'assert';
import type { ListField } from '../../../src/core/language/fields';
import { renderEmail, type RenderInput, type RenderOptions } from '../../../src/core/render';

const fields: ListField[] = [
  { name: 'first_name', type: 'string' },
  { name: 'vip', type: 'numeric' },
  { name: 'signup_date', type: 'date', format: 'yyyy-mm-dd' },
];
const options: RenderOptions = { values: { first_name: 'Jane', vip: 1, signup_date: '2024-02-29', color: '#b8860b' }, fields, now: new Date(Date.UTC(2026, 0, 2)) };

const EMAIL = [
  '<html><head><style>.hi{color:red} p{margin:0}</style></head><body>',
  '<span class="preheader">Hello {{first_name}}</span>',
  '<p class="hi" style="color:{{color}}">Hi {{first_name:there}}, since {{signup_date[format=M Y]}} {{missing}}</p>',
  '{{ocx_if vip = 1}}<p>VIP</p>{{ocx_else}}<p>Regular</p>{{ocx_endif}}',
  '</body></html>',
].join('\n');

describe('render/renderEmail', () => {
  it('composes, inlines on the template and evaluates', () => {
    const r = renderEmail({ html: EMAIL, header: '<div class="hi">Header {{ocx_subject}}</div>', footer: '<p>Footer {{ocx_contact_id}}</p>', subject: 'News for {{first_name}}', preheader: 'Read {{first_name}}' }, options);
    assert.equal(
      r.html,
      [
        '<html><head></head><body>',
        '<span class="preheader">Hello Jane</span>',
        '<div class="hi" style="color: red;">Header News for Jane</div>',
        '<p class="hi" style="margin: 0; color: red; color:#b8860b">Hi Jane, since Feb 2024 </p>',
        '<p style="margin: 0;">VIP</p>',
        '<p style="margin: 0;">Footer </p>',
        '</body></html>',
      ].join('\n'),
    );
    assert.equal(r.subject, 'News for Jane');
    assert.equal(r.preheader, 'Read Jane');
  });

  it('without inlining the <style> block stays', () => {
    const r = renderEmail({ html: EMAIL }, { ...options, inlineCss: false });
    assert.match(r.html, /<style>\.hi\{color:red\} p\{margin:0\}<\/style>/);
    assert.match(r.html, /<p class="hi" style="color:#b8860b">Hi Jane/);
  });

  it('notes point into the part they are about, after inlining moved the text', () => {
    const input: RenderInput = {
      html: EMAIL,
      header: '<p>{{hdr_missing}}</p>',
      footer: '<html><head><style>p{padding:0}</style></head><body><p>{{ftr_missing}} {{}}</p></body></html>',
      subject: 'Hi {{subj_missing}}',
      preheader: 'x {{pre_missing}}',
    };
    for (const inlineCss of [true, false]) {
      const r = renderEmail(input, { ...options, inlineCss });
      const seen = r.notes.map((n) => {
        const text = n.part === 'html' ? input.html : n.part === 'header' ? input.header! : n.part === 'footer' ? input.footer! : n.part === 'subject' ? input.subject! : input.preheader!;
        return `${n.part}:${text.slice(n.start, n.end)}`;
      });
      assert.deepEqual(seen, ['subject:{{subj_missing}}', 'preheader:{{pre_missing}}', 'header:{{hdr_missing}}', 'html:{{missing}}', 'footer:{{ftr_missing}}', 'footer:{{}}'], `inlineCss: ${inlineCss}`);
    }
  });

  it('a value that looks like a tag is not evaluated again', () => {
    const r = renderEmail({ html: '<p>{{a}}</p>', subject: '{{a}}' }, { values: { a: '{{b}}', b: 'no' } });
    assert.equal(r.html, '<p>{{b}}</p>');
    assert.equal(r.subject, '{{b}}');
  });

  it('a sample value of ocx_subject wins over the rendered subject', () => {
    const r = renderEmail({ html: '{{ocx_subject}}', subject: 'S' }, { values: { ocx_subject: 'given' } });
    assert.equal(r.html, 'given');
  });

  it('the hash from ocx_generate_hash carries from the body text to later tags', () => {
    const r = renderEmail({ html: '{{ocx_generate_hash{algo=sha1,data=\\{{email}}}}}<p>{{ocx_custom_hash}}</p>' }, { values: { email: 'a@b.c' } });
    assert.equal(r.html, '<p>e2d6a40c8b4d3e6a2779ba1802ef29d13940a051</p>');
  });

  it('says so when the CSS could not be inlined, and renders the email as written', () => {
    const r = renderEmail({ html: '<style>p{color:red}</style><p>{{x}}</{{y}}>' }, { values: { x: '1', y: '2' } });
    assert.equal(r.html, '<style>p{color:red}</style><p>1</2>');
    assert.equal(r.notes.length, 1);
    assert.match(r.notes[0].message, /^The CSS could not be inlined \(the tag \{\{y\}\} came out 0 times\); the preview shows the <style> blocks as written\.$/);
    assert.equal(r.notes[0].part, 'html');
  });

  it('never throws on odd input', () => {
    const odd = renderEmail({ html: undefined as unknown as string, header: 42 as unknown as string, subject: null as unknown as string }, { values: null as unknown as RenderOptions['values'] });
    assert.deepEqual(odd, { html: '', subject: '', preheader: '', notes: [] });
    const r = renderEmail({ html: '<body>{{ocx_if}}{{ocx_else}}</body>' }, undefined as unknown as RenderOptions);
    assert.equal(r.html, '<body>{{ocx_if}}{{ocx_else}}</body>');
  });
});
