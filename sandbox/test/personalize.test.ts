import { strict as assert } from 'assert';
import { evaluateCondition, FieldDef, formatPhpDate, parseDate, personalize, rawUrlEncode, ResolveContext } from '../personalize';

const fields = new Map<string, FieldDef>([
  ['birthday', { name: 'birthday', type: 'date', format: 'dd/mm/yyyy' }],
  ['signup_date', { name: 'signup_date', type: 'date', format: 'yyyy-mm-dd' }],
]);
const ctx = (values: Record<string, unknown>, system: Record<string, unknown> = {}, applyFallbacks = true): ResolveContext => ({ values, system, fields, applyFallbacks });
const jane = { first_name: 'Jane', last_name: 'Doe', city: 'New York', vip: 1, plan: 'pro', points: 1250, birthday: '14/03/1988', signup_date: '2023-04-11', company: '' };

describe('sandbox personalization resolver', () => {
  it('replaces fields and applies fallbacks when the value is empty or missing', () => {
    assert.equal(personalize('Hi {{first_name}}!', ctx(jane)), 'Hi Jane!');
    assert.equal(personalize('Hi {{company:there}}', ctx(jane)), 'Hi there');
    assert.equal(personalize('Hi {{nickname:Friend}}', ctx(jane)), 'Hi Friend');
    assert.equal(personalize('Hi {{nickname}}.', ctx(jane)), 'Hi .');
    assert.equal(personalize('Hi {{ first_name }}', ctx(jane)), 'Hi Jane');
  });

  it('resolves nested fallbacks, including a nested field with its own fallback', () => {
    assert.equal(personalize('{{first_name:{{last_name}}}}', ctx({ last_name: 'Doe' })), 'Doe');
    assert.equal(personalize('{{first_name:{{company:there, friend}}}}', ctx({})), 'there, friend');
    assert.equal(personalize('{{first_name:{{company:x}}}}', ctx(jane)), 'Jane');
  });

  it('drops fallbacks when told to (test send to a non-contact)', () => {
    assert.equal(personalize('Hi {{first_name:Friend}}!', ctx({}, {}, false)), 'Hi !');
  });

  it('formats dates with PHP tokens, reading the field format', () => {
    assert.equal(personalize('{{birthday[format=d/m/Y]}}', ctx(jane)), '14/03/1988');
    assert.equal(personalize('{{birthday[format=l, jS F]}}', ctx(jane)), 'Monday, 14th March');
    assert.equal(personalize('{{signup_date[format=M j, Y]}}', ctx(jane)), 'Apr 11, 2023');
    assert.equal(personalize('{{ocx_created_date[format=Y-m-d]}}', ctx({}, { ocx_created_date: 1521365285 })), '2018-03-18');
    assert.equal(formatPhpDate(new Date(Date.UTC(2024, 0, 2, 15, 4, 5)), 'D N w z t L y g G h H i s A \\Y'), 'Tue 2 2 1 31 1 24 3 15 03 15 04 05 PM Y');
    assert.equal(parseDate('03/02/2025 14:20', 'mm/dd/yyyy hh24:mi')?.toISOString(), '2025-03-02T14:20:00.000Z');
    assert.equal(parseDate('', 'dd/mm/yyyy'), null);
  });

  it('evaluates if / elseif / else / endif, nested', () => {
    const t = '{{ocx_if vip = 1}}VIP{{ocx_if plan = pro}}+PRO{{ocx_endif}}{{ocx_elseif plan = free}}FREE{{ocx_else}}OTHER{{ocx_endif}}';
    assert.equal(personalize(t, ctx(jane)), 'VIP+PRO');
    assert.equal(personalize(t, ctx({ vip: 0, plan: 'free' })), 'FREE');
    assert.equal(personalize(t, ctx({ vip: 0, plan: 'team' })), 'OTHER');
    assert.equal(personalize('{{ocx_if vip=1}}VIP: {{ocx_endif}}News', ctx(jane)), 'VIP: News');
    assert.equal(personalize('{{ocx_if vip = 1 }}yes{{ocx_endif}}', ctx(jane)), 'yes');
  });

  it('supports every operator, negation, is empty / is null and AND / OR', () => {
    const c = ctx(jane);
    const t = (cond: string): boolean => evaluateCondition(cond, c);
    assert.ok(t('points > 1000') && t('points >= 1250') && t('points < 2000') && t('points <= 1250') && !t('points > 1250'));
    assert.ok(t('points != 5') && !t('points != 1250'));
    assert.ok(t('city = New York'), 'a value may hold spaces');
    assert.ok(t('city contains york') && t('city begins_with New') && t('city ends_with York'));
    assert.ok(t('city !contains Paris') && !t('city !begins_with New') && t('city !ends_with Jersey'));
    assert.ok(t('company is empty') && !t('company !is empty') && t('first_name !is empty'));
    assert.ok(t('nickname is null') && t('company is null') && t('first_name !is null'), 'is null means "has no value", as is empty does');
    assert.ok(t('vip = 1 AND plan = pro') && !t('vip = 1 AND plan = free'));
    assert.ok(t('plan = free OR plan = pro') && !t('plan = free OR plan = team'));
    assert.ok(t('plan = free OR vip = 1 AND city contains york'), 'AND binds tighter than OR');
    assert.ok(!t('vip = 1 and plan = free'), 'lower-case and is not a joiner');
    assert.ok(t('birthday > 01/01/1988') && t('birthday < 01/04/1988'), 'dates compare in the field format');
    assert.ok(t('signup_date >= 2023-04-11'));
  });

  it('fills ocx_ system fields', () => {
    const sys = { ocx_contact_id: 'abc123', ocx_list_id: 10542, ocx_mailing_id: 111700, ocx_message_id: 2021, ocx_email_hash: 'h4sh' };
    assert.equal(
      personalize('{{ocx_contact_id}}|{{ocx_list_id}}|{{ocx_mailing_id}}|{{ocx_message_id}}|{{ocx_email_hash}}|{{ocx_unknown_thing}}', ctx({}, sys)),
      'abc123|10542|111700|2021|h4sh|',
    );
  });

  it('URL-encodes values in the query string of href/src, not elsewhere, and keeps link fields whole', () => {
    const v = ctx({ city: 'New York', reset_url: 'https://x.example/r?t=1&u=2' }, { ocx_unsubscribe_link: 'https://u.example/?a=1&b=2' });
    assert.equal(personalize('<a href="https://s.example/?city={{city}}">{{city}}</a>', v), '<a href="https://s.example/?city=New%20York">New York</a>');
    assert.equal(personalize('<a href="{{reset_url}}">x</a>', v), '<a href="https://x.example/r?t=1&amp;u=2">x</a>');
    assert.equal(personalize('<a href="{{ocx_unsubscribe_link}}">u</a>', v), '<a href="https://u.example/?a=1&amp;b=2">u</a>');
  });

  it('runs functions: url_encode, generate_hash / custom_hash; feeds render nothing', () => {
    assert.equal(personalize('{{ocx_url_encode{http://a.example/b c}}}', ctx({})), 'http%3A%2F%2Fa.example%2Fb%20c');
    assert.equal(
      personalize('{{ocx_generate_hash{algo=md5,data=\\{{email}}}}}[{{ocx_custom_hash}}]', ctx({ email: 'a@b.c' })),
      '[' + require('crypto').createHash('md5').update('a@b.c').digest('hex') + ']',
    );
    assert.equal(personalize('x{{ocx_feed_html{url=https://feed.example/}}}y', ctx({})), 'xy');
  });

  it('leaves CSS braces, unclosed tags and stray closers as text', () => {
    const css = '<style>@media (max-width:600px){.a{width:100%}}</style>';
    assert.equal(personalize(css + '{{first_name}}', ctx(jane)), css + 'Jane');
    assert.equal(personalize('a {{first_name b', ctx(jane)), 'a {{first_name b');
    assert.equal(personalize('x}}y{{ocx_endif}}', ctx(jane)), 'x}}y{{ocx_endif}}');
    // A block never closed is not in Ongage's grammar (each ocx_if is closed by its own ocx_endif): as written.
    assert.equal(personalize('{{ocx_if vip = 1}}open', ctx(jane)), '{{ocx_if vip = 1}}open');
  });
});

/**
 * The readings the editor's preview takes where Ongage's help is silent (ARCHITECTURE.md, "Template language"),
 * so a delivered message equals what the preview showed (test/integration/delivery-agreement.test.ts compares
 * them over the whole corpus). One test per difference that comparison found.
 */
describe('sandbox personalization: the preview\'s readings', () => {
  const v = (values: Record<string, unknown>, kind?: 'html' | 'text'): ResolveContext => ({ values, system: {}, fields, kind });
  const special = { first_name: `O'Brien & "Sons" <b>`, city: 'São Paulo (Zone 2)!' };

  it('HTML-escapes values in text and attribute values; subjects and text parts get them as they are', () => {
    assert.equal(personalize('<h1 title="{{first_name}}">Hi {{first_name}}</h1>', v(special)), '<h1 title="O&#39;Brien &amp; &quot;Sons&quot; &lt;b&gt;">Hi O&#39;Brien &amp; &quot;Sons&quot; &lt;b&gt;</h1>');
    assert.equal(personalize('<title>Hi {{first_name:there}}</title>', v(special)), '<title>Hi O&#39;Brien &amp; &quot;Sons&quot; &lt;b&gt;</title>');
    assert.equal(personalize('Hi {{first_name}} <x>', v(special, 'text')), `Hi O'Brien & "Sons" <b> <x>`);
    assert.equal(personalize('<a href="https://s.example/?c={{city}}">x</a>', v(special, 'text')), '<a href="https://s.example/?c=São Paulo (Zone 2)!">x</a>');
  });

  it('keeps a value from closing a <style> or <script> block', () => {
    assert.equal(personalize('<style>/* {{first_name}} */</style><p>{{first_name}}</p>', v({ first_name: 'a</style>b' })), '<style>/* a<\\/style>b */</style><p>a&lt;/style&gt;b</p>');
  });

  it('percent-encodes query-string values as PHP rawurlencode does, fallbacks and nested fields alike', () => {
    assert.equal(rawUrlEncode(`a b!'()*~._-ü`), 'a%20b%21%27%28%29%2A~._-%C3%BC');
    assert.equal(personalize('<a href="https://s.example/?c={{city}}&n={{nickname:{{first_name}}}}">x</a>', v(special)), '<a href="https://s.example/?c=S%C3%A3o%20Paulo%20%28Zone%202%29%21&n=O%27Brien%20%26%20%22Sons%22%20%3Cb%3E">x</a>');
    assert.equal(personalize('{{ocx_url_encode{it\'s (here)!}}}', v({})), 'it%27s%20%28here%29%21');
  });

  it('finds link query strings as an HTML reader does: real href/src attributes only', () => {
    const c = v({ city: 'New York' });
    // Unquoted values count; data-src and text that merely looks like an attribute do not.
    assert.equal(personalize('<a href=https://s.example/?c={{city}}>x</a>', c), '<a href=https://s.example/?c=New%20York>x</a>');
    assert.equal(personalize('<img data-src="https://s.example/?c={{city}}">', c), '<img data-src="https://s.example/?c=New York">');
    assert.equal(personalize('<p>Use href="https://s.example/?c={{city}}"</p>', c), '<p>Use href="https://s.example/?c=New York"</p>');
    // An ordinary comment is not markup; an Outlook conditional comment holds markup.
    assert.equal(personalize('<!-- <a href="https://s.example/?c={{city}}"> -->', c), '<!-- <a href="https://s.example/?c=New York"> -->');
    assert.equal(personalize('<!--[if mso]><v:roundrect href="https://s.example/?c={{city}}"><![endif]-->', c), '<!--[if mso]><v:roundrect href="https://s.example/?c=New%20York"><![endif]-->');
    // A `?` inside a tag is not the start of the query string; a tag's `>` operator does not end the start tag.
    assert.equal(personalize('<a href="https://s.example/{{ocx_if city contains ?}}x{{ocx_endif}}{{city}}">x</a>', c), '<a href="https://s.example/New York">x</a>');
    assert.equal(personalize('<a {{ocx_if vip > 0}}class="v"{{ocx_endif}} href="https://s.example/?c={{city}}">x</a>', v({ city: 'New York', vip: 1 })), '<a class="v" href="https://s.example/?c=New%20York">x</a>');
  });

  it('reads booleans as 1 and 0, as Ongage stores them', () => {
    assert.equal(personalize('{{vip}}/{{opted}}', v({ vip: true, opted: false })), '1/0');
    assert.ok(evaluateCondition('vip = 1', v({ vip: true })));
  });

  it('an empty field satisfies no comparison, so only negated ones hold', () => {
    const c = v({ orders: '', plan: null });
    assert.ok(!evaluateCondition('orders < 5', c), 'no value is not less than 5');
    assert.ok(!evaluateCondition('orders <= 5', c) && !evaluateCondition('orders = 0', c) && !evaluateCondition('plan begins_with a', c));
    assert.ok(evaluateCondition('orders != 5', c) && evaluateCondition('plan !contains pro', c));
    assert.ok(evaluateCondition('orders is null', c) && evaluateCondition('missing is empty', c));
  });

  it('reads a condition value trimmed, with one pair of quotes removed and, in HTML, basic entities decoded', () => {
    assert.ok(evaluateCondition('company = "Smith & Sons"', v({ company: 'Smith & Sons' })));
    assert.ok(evaluateCondition("company = 'Smith & Sons'", v({ company: 'Smith & Sons' })));
    assert.ok(evaluateCondition('company = Smith &amp; Sons', v({ company: 'Smith & Sons' })));
    assert.ok(!evaluateCondition('company = Smith &amp; Sons', v({ company: 'Smith & Sons' }, 'text')));
    assert.ok(evaluateCondition('points > +1.5', v({ points: '2' })), 'numbers as the preview reads them');
  });

  it('reads a date only as what it is: ISO against a dd/mm/yyyy field, never day 2000 of month 1; impossible dates are none', () => {
    const c = v({ birthday: '14/03/1988', points: 1700000000 });
    assert.ok(!evaluateCondition('birthday > 2000-01-01', c), '1988 is not after 2000');
    assert.ok(evaluateCondition('birthday < 2000-01-01', c) && evaluateCondition('birthday > 01/01/1980', c));
    assert.equal(parseDate('31/02/2024', 'dd/mm/yyyy'), null);
    assert.equal(parseDate('2024-02-31', null), null);
    assert.equal(parseDate('2026-01-02T10:00:00+02:00', null)?.toISOString(), '2026-01-02T08:00:00.000Z');
    assert.equal(parseDate('1767225600000', null)?.toISOString(), '2026-01-01T00:00:00.000Z');
    assert.equal(personalize('{{points[format=Y]}}', { values: { points: 1700000000 }, system: {}, fields: new Map([['points', { name: 'points', type: 'numeric', format: null }]]) }), '1700000000', 'a number in a numeric field is not Unix time');
  });

  it('formats every PHP date() character', () => {
    const d = new Date(Date.UTC(2026, 4, 14, 9, 30, 5));
    assert.equal(formatPhpDate(d, 'W o B e T O P p Z I c'), '20 2026 437 UTC UTC +0000 +00:00 Z 0 0 2026-05-14T09:30:05+00:00');
    assert.equal(formatPhpDate(d, 'r'), 'Thu, 14 May 2026 09:30:05 +0000');
  });

  it('takes a condition Ongage would not read as false: a value after is empty, none after =, <> or ==', () => {
    const c = v({ first_name: 'Jane', vip: 1 });
    assert.ok(!evaluateCondition('first_name !is empty and vip = 1', c) && !evaluateCondition('first_name !is empty xyz', c));
    assert.ok(!evaluateCondition('vip <> 0', c) && !evaluateCondition('vip == 1', c) && !evaluateCondition('vip =', c));
    assert.ok(evaluateCondition("vip != ''", c), 'an empty quoted value is a value');
  });

  it('shows broken syntax as written, as the preview does, and keeps the rest of the email', () => {
    const c = v({ first_name: 'Jane', vip: 0, plan: 'pro' });
    // A block never closed, or with a misspelled, aliased or upper-case keyword, or junk after ocx_else/ocx_endif:
    // its tags as written, every branch's content shown, and nothing after it swallowed.
    assert.equal(personalize('{{ocx_if vip = 1}}a{{ocx_endiff}} rest', c), '{{ocx_if vip = 1}}a{{ocx_endiff}} rest');
    assert.equal(personalize('{{ocx_if vip = 1}}a{{ocx_else}}b{{endif}}!', c), '{{ocx_if vip = 1}}a{{ocx_else}}b{{endif}}!');
    assert.equal(personalize('{{OCX_IF vip = 1}}a{{OCX_ENDIF}}', c), '{{OCX_IF vip = 1}}a{{OCX_ENDIF}}');
    assert.equal(personalize('{{ocx_if vip = 1}}a{{ocx_else junk}}b{{ocx_endif}}', c), '{{ocx_if vip = 1}}a{{ocx_else junk}}b{{ocx_endif}}');
    assert.equal(personalize('{{ocx_if vip = 1}}outer {{ocx_if plan = pro}}inner{{ocx_endif}}', c), '{{ocx_if vip = 1}}outer inner');
    assert.equal(personalize('{{ocx_if vip = 0}}x{{ ocx_endif }}', c), 'x', 'blanks inside the braces are fine');
    // No condition: false. A non-ocx function, text after a name, a blank before the colon: as written.
    assert.equal(personalize('{{ocx_if}}a{{ocx_else}}b{{ocx_endif}}|{{ocx_if vip = 1}}a{{ocx_elseif}}b{{ocx_else}}c{{ocx_endif}}', c), 'b|c');
    assert.equal(personalize('{{shout{hi}}} {{first_name please}} {{first_name :x}} {{ocx_url_encode{a}} }}', c), '{{shout{hi}}} {{first_name please}} {{first_name :x}} {{ocx_url_encode{a}} }}');
    // A tag does not span lines.
    assert.equal(personalize('{{first_name:friend\nnext}}', c), '{{first_name:friend\nnext}}');
  });

  it('reads braces, parameters, names and hashes as the preview does', () => {
    const c = v({ first_name: 'Jane', birthday: '14/03/1988', company: '' });
    assert.equal(personalize('{{{first_name}}} \\{{first_name}} {{first_name}}}', c), '{Jane} Jane Jane}');
    // The backslash of an escaped tag shows when the tag comes out as written.
    assert.equal(personalize('\\{{}} \\{{nope x}}', c), '\\{{}} \\{{nope x}}');
    // A tag nests another only in a fallback or a function argument: elsewhere the outer one is not closed.
    assert.equal(personalize('{{a&{{first_name}}x}} {{first_name {{city:NY}}', c), '{{a&Janex}} {{first_name NY');
    assert.equal(personalize('{{birthday[format=d/m/Y, foo=bar]}} {{birthday[j M]}}', c), '14/03/1988 14 Mar');
    assert.equal(personalize('[{{company: x }}] {{a.b:dot}} {{1st:digit}}', c), '[ x ] dot digit');
    assert.equal(personalize('{{ocx_generate_hash{algo=nope,data=x}}}[{{ocx_custom_hash}}] {{OCX_URL_ENCODE{a b}}} {{ocx_URL_encode{a b}}}', c), '[] {{OCX_URL_ENCODE{a b}}} a%20b');
  });

  it('formats a date value (ocx_now is a Date): Y-m-d H:i:s without a format', () => {
    const now = new Date(Date.UTC(2026, 4, 14, 9, 30, 5));
    assert.equal(personalize('{{ocx_now[format=F j Y]}}|{{ocx_now}}', { values: {}, system: { ocx_now: now }, fields }), 'May 14 2026|2026-05-14 09:30:05');
  });
});
