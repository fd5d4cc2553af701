/** Header and footer templates composed around an email, and the map back to the parts. */
import { strict as assert } from 'assert';
import { composeHtml, composeMapped, sourceOf } from '../../../src/core/render';

const H = '<p>HEADER {{a}}</p>';
const F = '<p>FOOTER</p>';

describe('render/compose', () => {
  const cases: Array<[string, string, string | null, string | null, string]> = [
    ['after <body> and before </body>', '<html><head><title>t</title></head><body>\n<p>body</p>\n</body></html>', H, F, '<html><head><title>t</title></head><body>\n<p>HEADER {{a}}</p>\n<p>body</p>\n<p>FOOTER</p>\n</body></html>'],
    ['after a hidden preheader span that opens the body', '<html><body class="b">\n  <span class="preheader">pre {{x}}</span>\n  <p>body</p></body></html>', H, F, '<html><body class="b">\n  <span class="preheader">pre {{x}}</span>\n<p>HEADER {{a}}</p>\n  <p>body</p><p>FOOTER</p>\n</body></html>'],
    [
      'after every hidden element that opens the body (display:none, mso-hide:all; nested divs counted)',
      '<body><div style="display:none">a<div>nested</div>b</div> <span style="mso-hide:all">x</span><p>body</p></body>',
      H,
      F,
      '<body><div style="display:none">a<div>nested</div>b</div> <span style="mso-hide:all">x</span>\n<p>HEADER {{a}}</p><p>body</p><p>FOOTER</p>\n</body>',
    ],
    ['a visible first element is not a preheader', '<body><div class="hero">hi</div></body>', H, null, '<body>\n<p>HEADER {{a}}</p><div class="hero">hi</div></body>'],
    ['no <body>: after </head>, before </html>', '<html><head></head><p>no body</p></html>', H, F, '<html><head></head>\n<p>HEADER {{a}}</p>\n<p>no body</p><p>FOOTER</p>\n</html>'],
    ['a fragment: at the start and the end', '<p>fragment</p>', H, F, '<p>HEADER {{a}}</p>\n<p>fragment</p>\n<p>FOOTER</p>'],
    ['before the last </body>', '<body><!-- </body> --><p>x</p></body>', null, 'F', '<body><!-- </body> --><p>x</p>F\n</body>'],
    [
      'whole-document templates: their body content, their styles moved into <head>',
      '<html><head><style>b{}</style></head><body><p>x</p></body></html>',
      '<!DOCTYPE html><html><head><style>.h{color:red}</style></head><body>\n<div class="h">H</div>\n</body></html>',
      '<html><head><style>.f{}</style></head><body><p>F</p></body></html>',
      '<html><head><style>b{}</style><style>.h{color:red}</style>\n<style>.f{}</style>\n</head><body>\n<div class="h">H</div><p>x</p><p>F</p>\n</body></html>',
    ],
    ['styles of a template with no <head> to go to come before it', '<p>x</p>', '<html><head><style>.h{}</style></head><body><p>H</p></body></html>', null, '<style>.h{}</style>\n<p>H</p>\n<p>x</p>'],
    ['no header, no footer: unchanged', '<body><p>x</p></body>', null, '   ', '<body><p>x</p></body>'],
  ];
  for (const [what, body, header, footer, expected] of cases) {
    it(what, () => {
      assert.equal(composeHtml(body, header, footer), expected);
    });
  }

  it('every slice of the composed text maps back to its part', () => {
    const body = '<html><head><style>b{}</style></head><body>\n<span class="preheader">p</span><p>{{x}}</p></body></html>';
    const header = '<html><head><style>.h{}</style></head><body><p>{{h}}</p></body></html>';
    const footer = '<p>{{f}}</p>';
    const { html, segments } = composeMapped(body, header, footer);
    const parts = { html: body, header, footer };
    const covered = new Array<boolean>(html.length).fill(false);
    for (const s of segments) {
      assert.equal(html.slice(s.start, s.end), parts[s.part].slice(s.offset, s.offset + (s.end - s.start)));
      for (let i = s.start; i < s.end; i++) covered[i] = true;
    }
    // Only the added line breaks come from no part.
    assert.deepEqual([...html].filter((_, i) => !covered[i]).join(''), '\n\n\n');
    for (const [name, part] of [['x', 'html'], ['h', 'header'], ['f', 'footer']] as const) {
      const at = html.indexOf(`{{${name}}}`);
      assert.deepEqual(sourceOf(segments, at), { part, offset: parts[part].indexOf(`{{${name}}}`) });
    }
    assert.equal(sourceOf(segments, html.length), undefined);
  });
});
