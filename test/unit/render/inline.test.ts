/** CSS inlining on templates: rules inlined, every tag byte-identical and where it was. */
import { strict as assert } from 'assert';
import { inlineCss, inlineTemplate } from '../../../src/core/render';
import { tagPlaces, tagTexts } from './helpers';

/** Inlines and checks the invariant every case must keep: the same tags, in the same order, in the same places. */
function inline(html: string): string {
  const out = inlineCss(html);
  assert.deepEqual(tagTexts(out), tagTexts(html), 'the same tags in the same order');
  assert.deepEqual(tagPlaces(out), tagPlaces(html), 'each tag where it was');
  return out;
}

describe('render/inline: tags in attributes', () => {
  it('href query strings keep their tags and ampersands; no percent-encoding, no entities', () => {
    const out = inline('<style>a{color:red}</style><a href="https://x.example/?id={{ocx_contact_id}}&u={{first_name:you}}&amp;v=1&n={{ocx_url_encode{a b}}}">x</a>');
    assert.equal(out, '<a href="https://x.example/?id={{ocx_contact_id}}&u={{first_name:you}}&amp;v=1&n={{ocx_url_encode{a b}}}" style="color: red;">x</a>');
  });

  it('a whole URL in a tag, src, alt and title attributes', () => {
    const out = inline('<style>img{border:0}</style><a href="{{ocx_unsubscribe_link}}"><img src="https://i.example/{{image}}.png?w={{w}}" alt="{{first_name:Friend}} &amp; co" title=\'{{ocx_if vip = 1}}"VIP"{{ocx_endif}}\'></a>');
    assert.match(out, /<a href="\{\{ocx_unsubscribe_link\}\}">/);
    assert.match(out, /src="https:\/\/i\.example\/\{\{image\}\}\.png\?w=\{\{w\}\}"/);
    assert.match(out, /alt="\{\{first_name:Friend\}\} &amp; co"/);
    assert.match(out, /style="border: 0;"/);
  });

  it('a style attribute with a tag keeps its text; the inlined rules go in front of it', () => {
    const out = inline('<style>.x{padding:0}</style><table><tr><td class="x" style="color:{{c}}">a</td><td class="x" style=\'{{ocx_if vip = 1}}color:gold;{{ocx_endif}}font-family:"A"\'>b</td></tr></table>');
    assert.equal(
      out,
      '<table><tr><td class="x" style="padding: 0; color:{{c}}">a</td><td class="x" style=\'padding: 0; {{ocx_if vip = 1}}color:gold;{{ocx_endif}}font-family:"A"\'>b</td></tr></table>',
    );
  });

  it('a style attribute made only of a tag survives (juice would drop it)', () => {
    assert.equal(inline('<style>p{margin:0}</style><p style="{{css}}">x</p>'), '<p style="margin: 0; {{css}}">x</p>');
  });

  it('bgcolor, width and other attributes juice writes keep their tags; conditional attributes too', () => {
    const out = inline('<style>.x{background-color:#fff;width:100px}</style><table><tr><td class="x" bgcolor="{{bg}}" width="{{w}}">a</td><td {{ocx_if vip = 1}}bgcolor="gold"{{ocx_endif}} class="x">b</td></tr></table>');
    assert.equal(
      out,
      '<table><tr><td class="x" bgcolor="{{bg}}" width="{{w}}" style="background-color: #fff; width: 100px;">a</td><td {{ocx_if vip = 1}}bgcolor="gold"{{ocx_endif}} class="x" style="background-color: #fff; width: 100px;" width="100">b</td></tr></table>',
    );
  });

  it('a single-quoted value whose tag holds a double quote keeps its quotes', () => {
    const out = inline('<style>a{color:red}</style><a title=\'{{ocx_if city = "New York"}}NY{{ocx_endif}}\' href="#">x</a>');
    assert.equal(out, '<a title=\'{{ocx_if city = "New York"}}NY{{ocx_endif}}\' href="#" style="color: red;">x</a>');
  });

  it('without tags, juice writes those attributes as usual', () => {
    assert.equal(inlineCss('<style>.x{background-color:#fff}</style><table><tr><td class="x">a</td></tr></table>'), '<table><tr><td class="x" style="background-color: #fff;" bgcolor="#fff">a</td></tr></table>');
  });
});

describe('render/inline: tags in <style>', () => {
  const css = [
    'p{margin:0}',
    '{{ocx_if vip = 1}}',
    '.v{color:gold}',
    '{{ocx_endif}}',
    'a{font-weight:bold;color:{{link_color:#00f}};text-decoration:none}',
    '@media (max-width:600px){.x{color:blue}}',
  ].join('\n');
  const html = `<style>${css}</style><p class="v">x</p><a href="#">y</a>`;

  it('rules under a condition and declarations with a tag stay in <style>, the rest is inlined', () => {
    const out = inline(html);
    assert.equal(
      out,
      '<style>\n{{ocx_if vip = 1}}\n.v{color:gold}\n{{ocx_endif}}</style><style>a{color:{{link_color:#00f}};}</style><style>\n@media (max-width:600px) {\n  .x {\n    color: blue;\n  }\n}\n</style><p class="v" style="margin: 0;">x</p><a href="#" style="font-weight: bold; text-decoration: none;">y</a>',
    );
  });

  it('media queries with tags inside stay as written; the style element keeps its attributes', () => {
    const src = '<style type="text/css" media="screen">@media (max-width:480px){\n.a{width:100%}\n{{ocx_if language = ar}}\n.b{direction:rtl}\n{{ocx_endif}}\n}\n.c{color:red}</style><p class="c">x</p>';
    const out = inline(src);
    assert.equal(out, '<style type="text/css" media="screen">@media (max-width:480px){\n.a{width:100%}\n{{ocx_if language = ar}}\n.b{direction:rtl}\n{{ocx_endif}}\n}</style><p class="c" style="color: red;">x</p>');
  });

  it('else branches and minified rules after a condition', () => {
    const out = inline('<style>{{ocx_if points <= 10}}.d{color:#06f}{{ocx_else}}.d{color:#000}{{ocx_endif}}.e{margin:0}</style><p class="d e">x</p>');
    assert.equal(out, '<style>{{ocx_if points <= 10}}.d{color:#06f}{{ocx_else}}.d{color:#000}{{ocx_endif}}</style><p class="d e" style="margin: 0;">x</p>');
  });

  it('a field in a selector or a comment keeps the whole rule', () => {
    const out = inline('<style>.btn-{{theme}}{color:red}\n/* {{first_name}} */\n.z{margin:0}</style><p class="z">x</p>');
    assert.equal(out, '<style>.btn-{{theme}}{color:red}\n/* {{first_name}} */</style><p class="z" style="margin: 0;">x</p>');
  });

  it('a <style> inside an ocx_if block is not inlined at all (it applies to some recipients only)', () => {
    const src = '{{ocx_if vip = 1}}<style>p{color:gold}</style>{{ocx_endif}}<p>x</p>';
    assert.equal(inline(src), src);
  });

  it('a class written beside a tag keeps its rules in <style>', () => {
    const out = inline('<style>.vip{color:gold}.b{margin:0}</style><p class="b {{ocx_if vip = 1}}vip{{ocx_endif}}">x</p>');
    assert.match(out, /<style>\s*\.vip \{\s*color: gold;\s*\}\s*<\/style>/);
    assert.match(out, /<p class="b \{\{ocx_if vip = 1\}\}vip\{\{ocx_endif\}\}" style="margin: 0;">x<\/p>/);
  });
});

describe('render/inline: tags in HTML', () => {
  it('conditions wrapping table rows stay around the rows; the rows are inlined', () => {
    const out = inline('<style>.v td{color:gold}</style><table>{{ocx_if vip = 1}}<tr class="v"><td>V {{first_name}}</td></tr>{{ocx_elseif points > 10}}<tr><td>P</td></tr>{{ocx_endif}}</table>');
    assert.equal(out, '<table>{{ocx_if vip = 1}}<tr class="v"><td style="color: gold;">V {{first_name}}</td></tr>{{ocx_elseif points > 10}}<tr><td>P</td></tr>{{ocx_endif}}</table>');
  });

  it('tags in <title>, comments, Outlook conditional comments; text that is not a tag; <% %>', () => {
    const out = inline(
      '<html><head><title>{{first_name}} news</title><style>p{color:red}</style></head><body><!-- {{ocx_contact_id}} --><!--[if mso]><v:rect href="https://x.example/?c={{ocx_contact_id}}" style="width:{{w}}px"></v:rect><![endif]--><p>{{ price {{x}} <% code %> {{{y}}}</p></body></html>',
    );
    assert.equal(
      out,
      '<html><head><title>{{first_name}} news</title></head><body><!-- {{ocx_contact_id}} --><!--[if mso]><v:rect href="https://x.example/?c={{ocx_contact_id}}" style="width:{{w}}px"></v:rect><![endif]--><p style="color: red;">{{ price {{x}} <% code %> {{{y}}}</p></body></html>',
    );
  });

  it('a template without <style> comes back unchanged', () => {
    const src = '<p style="color:{{c}}">{{x}}<br/></p>';
    assert.equal(inlineCss(src), src);
  });

  it('juice works on the text as placeholders would have it: the placeholders never show', () => {
    const out = inlineCss('<style>p{margin:0}</style><p data-ogtag="1">{{a}}</p>');
    assert.equal(out, '<p data-ogtag="1" style="margin: 0;">{{a}}</p>');
  });

  it('when a tag would not survive, the template comes back as written and says why', () => {
    const src = '<style>p{color:red}</style><p>{{x}}</{{y}}>';
    const r = inlineTemplate(src);
    assert.equal(r.inlined, false);
    assert.equal(r.html, src);
    assert.match(r.problem ?? '', /the tag \{\{y\}\} came out 0 times/);
    assert.equal(inlineCss(src), src);
  });

  it('the result carries its own parse, tag for tag', () => {
    const r = inlineTemplate('<style>p{color:red}</style><p>{{a}} {{ocx_if b = 1}}c{{ocx_endif}}</p>');
    assert.equal(r.inlined, true);
    assert.equal(r.parsed.text, r.html);
    assert.deepEqual(r.parsed.tags.map((t) => r.html.slice(t.start, t.end)), ['{{a}}', '{{ocx_if b = 1}}', '{{ocx_endif}}']);
  });
});

describe('render/inline: odd style sheets', () => {
  const cases = [
    '<style>a{color:red;/* {{x}} */font-weight:bold}</style><a>x</a>',
    '<style>a{content:"{{ocx_if a = 1}}"}{{ocx_endif}} b{margin:0}</style><a>x</a><b>y</b>',
    '<style>{{ocx_if a = 1}}@media (max-width:1px){a{color:red}}</style><a>x</a>',
    '<style>a{color:red}}}{{x}}}b{margin:0}</style><a>x</a><b>y</b>',
    '<style>@import url("https://f.example/{{font}}.css");a{color:red}</style><a>x</a>',
    '<style>a{background:url({{img}}) no-repeat;color:red}</style><a>x</a>',
  ];
  for (const src of cases) {
    it(`keeps every tag: ${JSON.stringify(src)}`, () => {
      const r = inlineTemplate(src);
      assert.equal(r.inlined, true, r.problem);
      inline(src);
    });
  }
});
