/**
 * The email checks beyond the language: client support from the caniemail data (features at their exact ranges,
 * grouped by client, tags never read as CSS, target clients and severities configurable, the support score) and
 * the accessibility rules, each on small fixtures that must and must not raise it.
 */
import * as assert from 'assert';
import { caniemailData, clientVersions, DEFAULT_CLIENTS, featureIndex, featureStatus } from '../../../src/core/language/caniemail';
import { EMAIL_CHECK_RULES } from '../../../src/core/language/checks';
import { parseLintConfig, type LintConfig } from '../../../src/core/language/config';
import { lint, lintEmail, type Diagnostic } from '../../../src/core/language/lint';

const UNSUB = '<a href="{{ocx_unsubscribe_link}}">Unsubscribe</a>';

function doc(body: string, head = '<title>Hi</title>', htmlAttrs = ' lang="en"'): string {
  return `<!DOCTYPE html>\n<html${htmlAttrs}><head>${head}</head><body>\n${body}\n${UNSUB}\n</body></html>`;
}

function checks(text: string, config?: LintConfig): Diagnostic[] {
  return lint(text, { kind: 'html', config }).filter((d) => EMAIL_CHECK_RULES.includes(d.rule));
}

function at(text: string, ds: Diagnostic[], rule: string): string[] {
  return ds.filter((d) => d.rule === rule).map((d) => text.slice(d.start, d.end));
}

describe('email checks: client support (caniemail)', () => {
  it('the matcher reads feature kinds from the data set (no hand-copied list)', () => {
    const ix = featureIndex();
    assert.strictEqual(ix.properties.get('border-radius'), 'css-border-radius');
    assert.strictEqual(ix.properties.get('border-top'), 'css-border', 'a keyword of the border feature');
    assert.strictEqual(ix.propertyValues.get('display:flex'), 'css-display-flex');
    assert.strictEqual(ix.pseudos.get(':hover'), 'css-pseudo-class-hover');
    assert.strictEqual(ix.mediaFeatures.get('prefers-color-scheme'), 'css-at-media-prefers-color-scheme');
    assert.deepStrictEqual(ix.elements.get('h3'), ['html-h1-h6']);
    assert.strictEqual(ix.units.get('rem'), 'css-unit-rem');
    assert.strictEqual(ix.valueKeywords.get('system-ui'), 'css-sytem-ui');
    assert.ok(!ix.properties.has('system-ui'), 'a list of values is not a list of properties');
    assert.strictEqual(ix.bySlug.size, caniemailData().data.length);
  });

  it('Outlook for Windows releases are client versions of their own; evergreen clients count once', () => {
    const data = caniemailData();
    const windows = clientVersions(data, ['outlook.windows']);
    assert.ok(windows.some((c) => c.release === '2016') && windows.some((c) => c.release === '2019'));
    assert.ok(!windows.some((c) => c.release === '2013'), 'releases before 2016 are left out');
    const gmail = clientVersions(data, ['gmail.ios']);
    assert.deepStrictEqual(gmail, [{ family: 'gmail', platform: 'ios' }]);
    const radius = featureIndex().bySlug.get('css-border-radius')!;
    assert.strictEqual(featureStatus(radius, { family: 'outlook', platform: 'windows', release: '2019' }).support, 'n');
    assert.strictEqual(featureStatus(radius, { family: 'apple-mail', platform: 'ios' }).support, 'y');
    assert.strictEqual(featureStatus(radius, { family: 'no-such', platform: 'x' }).support, 'u');
  });

  it('an unsupported property is reported at its name, grouped by client, with the notes and the page', () => {
    const text = doc('<table role="presentation"><tr><td style="border-radius: 8px; color: #111">Hi</td></tr></table>');
    const ds = checks(text);
    const d = ds.find((x) => x.rule === 'client-unsupported' && text.slice(x.start, x.end) === 'border-radius');
    assert.ok(d, JSON.stringify(ds.map((x) => [x.rule, text.slice(x.start, x.end)])));
    assert.strictEqual(d.severity, 'information');
    assert.match(d.message, /^Outlook: Windows 2016–\d{4}.* ignore `border-radius`\./);
    assert.match(d.message, /RoundRect/, "caniemail's note");
    assert.strictEqual(d.href, 'https://www.caniemail.com/features/css-border-radius/');
    assert.ok(d.message.endsWith(d.href!));
    const partial = ds.find((x) => x.rule === 'client-partial' && text.slice(x.start, x.end) === 'border-radius');
    assert.ok(partial && partial.severity === 'hint' && /^Yahoo! Mail: /.test(partial.message));
  });

  it('<style>: selectors, pseudo-classes, at-rules and media features at their ranges', () => {
    const text = doc('<p>x</p>', '<title>Hi</title><style>.a:hover { color: red } @media (prefers-color-scheme: dark) { .b { color: #fff } }</style>');
    const ds = checks(text);
    assert.deepStrictEqual(at(text, ds, 'client-unsupported').filter((s) => [':hover', '@media', 'prefers-color-scheme'].includes(s)), [':hover', '@media', 'prefers-color-scheme']);
    assert.ok(at(text, ds, 'client-partial').includes('.a'), 'class selector (Gmail apps with other accounts)');
  });

  it('a {{…}} tag in a value, selector or style is not CSS', () => {
    const tagged = doc('<div style="display:{{layout:flex}}; width:{{w}}px">x</div>', '<title>Hi</title><style>{{ocx_if vip=1}}.vip{{ocx_endif}} { color: red }</style>');
    const ds = checks(tagged);
    assert.deepStrictEqual(ds.filter((d) => /flex|px|vip/.test(tagged.slice(d.start, d.end))), []);
    const plain = doc('<div style="display:flex">x</div>');
    assert.deepStrictEqual(at(plain, checks(plain), 'client-unsupported').filter((s) => s === 'flex'), ['flex']);
  });

  it('Outlook-only content (conditional comments) is not checked against the other clients', () => {
    const text = doc('<!--[if mso]><table style="border-radius:4px"><tr><td>x</td></tr></table><![endif]-->');
    assert.deepStrictEqual(at(text, checks(text), 'client-unsupported').filter((s) => s === 'border-radius'), []);
  });

  it('target clients come from the configuration; severities too', () => {
    const text = doc('<table role="presentation"><tr><td style="border-radius:8px">x</td></tr></table>');
    assert.deepStrictEqual(at(text, checks(text, { rules: {}, clients: ['apple-mail'] }), 'client-unsupported'), []);
    const outlook = checks(text, { rules: {}, clients: ['outlook.windows'] });
    assert.ok(at(text, outlook, 'client-unsupported').includes('border-radius'));
    const raised = checks(text, { rules: { 'client-unsupported': 'warning', 'client-partial': 'off' } });
    assert.ok(raised.some((d) => d.rule === 'client-unsupported' && d.severity === 'warning'));
    assert.ok(!raised.some((d) => d.rule === 'client-partial'));
  });

  it('the support score: share of client versions that get everything, and what costs most', () => {
    const simple = lintEmail(doc('<p>Hello</p>'), { kind: 'html', supportScore: true, config: { rules: {}, clients: ['apple-mail'] } }).support!;
    assert.strictEqual(simple.clients, clientVersions(caniemailData(), ['apple-mail']).length);
    assert.strictEqual(simple.score, 100);
    const rich = lintEmail(doc('<div style="border-radius:8px; display:flex">x</div>'), { kind: 'html', supportScore: true, config: { rules: {}, clients: ['outlook.windows', 'apple-mail'] } }).support!;
    assert.ok(rich.score < 100 && rich.fullSupport < rich.clients);
    assert.ok(rich.costliest.some((c) => c.feature === 'css-border-radius'));
    assert.strictEqual(lintEmail(doc('<p>x</p>'), { kind: 'html' }).support, undefined, 'only when asked for');
    assert.strictEqual(DEFAULT_CLIENTS.length > 0, true);
  });

  it('.ongage/lint.json "clients" is read and checked; "info" is read as information', () => {
    assert.deepStrictEqual(parseLintConfig({ clients: ['gmail', 'outlook.windows'], rules: { 'layout-table': 'info' } }), { config: { rules: { 'layout-table': 'information' }, clients: ['gmail', 'outlook.windows'] }, errors: [] });
    assert.match(parseLintConfig({ clients: 'gmail' }).errors[0], /"clients" must be a list of email clients/);
    assert.match(parseLintConfig({ clients: ['Outlook Windows'] }).errors[0], /"clients" must be a list/);
  });
});

describe('email checks: accessibility', () => {
  const rule = (text: string, id: string) => checks(text).filter((d) => d.rule === id);

  it('html-lang: missing or invalid; a tag in it is fine', () => {
    assert.strictEqual(rule(doc('<p>x</p>', undefined, ''), 'html-lang').length, 1);
    const bad = doc('<p>x</p>', undefined, ' lang="en_US"');
    assert.deepStrictEqual(at(bad, rule(bad, 'html-lang'), 'html-lang'), ['en_US']);
    assert.deepStrictEqual(rule(doc('<p>x</p>', undefined, ' lang="pt-BR"'), 'html-lang'), []);
    assert.deepStrictEqual(rule(doc('<p>x</p>', undefined, ' lang="{{language:en}}"'), 'html-lang'), []);
    assert.deepStrictEqual(rule('<p>a fragment</p>', 'html-lang'), [], 'no <html>: a fragment, not checked');
  });

  it('html-dir: a right-to-left language needs dir="rtl"; dir must be a direction', () => {
    assert.strictEqual(rule(doc('<p>x</p>', undefined, ' lang="ar"'), 'html-dir').length, 1);
    assert.deepStrictEqual(rule(doc('<p>x</p>', undefined, ' lang="he" dir="rtl"'), 'html-dir'), []);
    assert.deepStrictEqual(rule(doc('<p>x</p>', undefined, ' lang="en"'), 'html-dir'), []);
    const bad = doc('<p dir="right">x</p>');
    assert.deepStrictEqual(at(bad, rule(bad, 'html-dir'), 'html-dir'), ['right']);
  });

  it('missing-title: none or empty; a tag counts as text', () => {
    assert.strictEqual(rule(doc('<p>x</p>', ''), 'missing-title').length, 1);
    assert.strictEqual(rule(doc('<p>x</p>', '<title>  </title>'), 'missing-title').length, 1);
    assert.deepStrictEqual(rule(doc('<p>x</p>', '<title>{{ocx_if vip=1}}VIP{{ocx_endif}}</title>'), 'missing-title'), []);
  });

  it('vml-image-alt: a VML image without alt, inside Outlook conditional comments', () => {
    const text = doc('<!--[if mso]><v:rect><v:image src="https://x/a.png" style="width:1px" /></v:rect><![endif]-->');
    assert.deepStrictEqual(at(text, rule(text, 'vml-image-alt'), 'vml-image-alt'), ['v:image']);
    assert.deepStrictEqual(rule(doc('<!--[if mso]><v:image src="a.png" alt="Logo" /><![endif]-->'), 'vml-image-alt'), []);
    assert.deepStrictEqual(rule(doc('<!--[if mso]><v:shape alt="Sale"><v:imagedata src="a.png" /></v:shape><![endif]-->'), 'vml-image-alt'), []);
  });

  it('link-text: "click here", an image link without alt, an empty link; not descriptive or tagged text', () => {
    const text = doc('<a href="https://x">Click here</a> <a href="https://y"><img src="a.png"></a> <a href="https://z"> </a>');
    assert.strictEqual(rule(text, 'link-text').length, 3);
    assert.deepStrictEqual(rule(doc('<a href="https://x">Read the spring catalogue</a> <a href="https://y"><img src="a.png" alt="Spring sale"></a>'), 'link-text'), []);
    assert.deepStrictEqual(rule(doc('<a href="https://x">{{cta_text}}</a> <a href="https://x" aria-label="Open the catalogue">here</a>'), 'link-text'), []);
  });

  it('heading-order: a skipped level; going back up is fine', () => {
    const text = doc('<h1>A</h1><h3>B</h3><h2>C</h2><h3>D</h3><h1>E</h1>');
    assert.deepStrictEqual(at(text, rule(text, 'heading-order'), 'heading-order'), ['h3']);
  });

  it('layout-table: without role="presentation"; data tables (th, caption) and role tables are fine', () => {
    const text = doc('<table><tr><td>x</td></tr></table><table role="presentation"><tr><td>y</td></tr></table><table><tr><th>Item</th></tr></table>');
    assert.strictEqual(rule(text, 'layout-table').length, 1);
  });

  it('color-contrast: inline and <style> colours below AA; large text needs 3:1; unknown colours are never guessed', () => {
    const low = doc('<table role="presentation" bgcolor="#ffffff"><tr><td style="color:#aaaaaa">faint</td></tr></table>');
    assert.deepStrictEqual(at(low, rule(low, 'color-contrast'), 'color-contrast'), ['#aaaaaa']);
    assert.match(rule(low, 'color-contrast')[0].message, /2\.32:1, below WCAG AA's 4\.5:1/);
    const sheet = doc('<div class="box"><p class="note">faint</p></div>', '<title>x</title><style>.box { background-color: #000 } .note { color: #333 }</style>');
    assert.strictEqual(rule(sheet, 'color-contrast').length, 1);
    assert.deepStrictEqual(rule(doc('<div style="background:#fff"><p style="color:#333">fine</p></div>'), 'color-contrast'), []);
    assert.deepStrictEqual(rule(doc('<div style="background:#fff"><h1 style="color:#888; font-size:32px">big</h1></div>'), 'color-contrast'), [], '3.54:1 is enough for large text');
    assert.deepStrictEqual(rule(doc('<div style="background:#fff"><p style="color:{{brand_color}}">x</p></div>'), 'color-contrast'), []);
    assert.deepStrictEqual(rule(doc('<p style="color:#aaa">no background stated</p>'), 'color-contrast'), []);
    assert.deepStrictEqual(rule(doc('<div style="background:url(a.png) #fff"><p style="color:#aaa">over an image</p></div>'), 'color-contrast'), []);
  });

  it('small-font: body text under 14px, reported where the size is set; hidden preheaders are not text', () => {
    const text = doc('<div style="font-size:12px">small <b>print</b></div><p style="font-size:16px">fine</p>');
    assert.deepStrictEqual(at(text, rule(text, 'small-font'), 'small-font'), ['12px']);
    assert.deepStrictEqual(rule(doc('<div style="display:none; font-size:1px">preheader</div><div style="font-size:1px;color:#fff">x</div>'), 'small-font'), []);
    const pt = doc('<p style="font-size:9pt">legal</p>');
    assert.deepStrictEqual(at(pt, rule(pt, 'small-font'), 'small-font'), ['9pt']);
  });

  it('every accessibility rule is information by default and can be switched off', () => {
    const text = doc('<h1>A</h1><h3>B</h3><table><tr><td style="font-size:10px">x</td></tr></table>', '', '');
    const ds = checks(text).filter((d) => !d.rule.startsWith('client-'));
    assert.deepStrictEqual([...new Set(ds.map((d) => d.rule))].sort(), ['heading-order', 'html-lang', 'layout-table', 'missing-title', 'small-font']);
    assert.ok(ds.every((d) => d.severity === 'information'));
    const off = checks(text, { rules: { 'html-lang': 'off', 'missing-title': 'off', 'heading-order': 'off', 'layout-table': 'off', 'small-font': 'error' } }).filter((d) => !d.rule.startsWith('client-'));
    assert.deepStrictEqual(off.map((d) => [d.rule, d.severity]), [['small-font', 'error']]);
  });

  it('never throws: markup nested 50,000 deep still gets the language checks', () => {
    const deep = `<html lang="en"><body>${'<div>'.repeat(50_000)}{{first_name${'</div>'.repeat(50_000)}</body></html>`;
    const ds = lint(deep, { kind: 'html' });
    assert.ok(ds.some((d) => d.rule === 'unclosed-tag'));
  });
});
