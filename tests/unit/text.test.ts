import { describe, expect, it } from 'vitest';
import { foldForComparison, isPrintable, normalizeLine, normalizeMultiline } from '../../src/text';
import { escapeHtml, renderHtml } from '../../src/render';

describe('normalizeMultiline', () => {
  it.each([
    ['trims', '  a  ', 'a'],
    ['composes to NFC', 'Cafe\u0301', 'Café'],
    ['drops zero-width characters', 'in\u200Bvi\u200Csi\u2060ble\uFEFF', 'invisible'],
    ['drops bidi overrides', 'abc\u202Edef\u202C', 'abcdef'],
    ['drops control characters but keeps line feeds', 'a\u0000b\u0007c\nd', 'abc\nd'],
    ['turns CRLF and CR into LF', 'a\r\nb\rc', 'a\nb\nc'],
    ['collapses runs of blank lines', 'a\n\n\n\n\nb', 'a\n\nb'],
    ['treats whitespace-only lines as blank', 'a\n  \n \t \n\nb', 'a\n\nb'],
    ['replaces lone surrogates', 'a\uD800b', 'a\uFFFDb'],
    ['keeps a zero-width joiner inside an emoji sequence', '👩\u200D💻', '👩\u200D💻'],
    ['drops a stray zero-width joiner', 'sp\u200Dam', 'spam'],
  ])('%s', (_name, input, expected) => {
    expect(normalizeMultiline(input)).toBe(expected);
  });
});

describe('normalizeLine', () => {
  it.each([
    ['folds lines', ' Jean\n  Dupont ', 'Jean Dupont'],
    ['drops invisible characters', 'Ad\u200Bmin', 'Admin'],
    ['tabs become spaces', 'a\tb', 'a b'],
  ])('%s', (_name, input, expected) => {
    expect(normalizeLine(input)).toBe(expected);
  });
});

describe('foldForComparison', () => {
  it('ignores case, spacing and compatibility forms', () => {
    expect(foldForComparison('  Hello   WORLD ')).toBe(foldForComparison('hello world'));
    expect(foldForComparison('ｆｕｌｌ')).toBe('full');
  });
});

describe('isPrintable', () => {
  it.each([
    ['2026/09/article', true],
    ['a\u0000b', false],
    ['a\nb', false],
    ['a\uD800', false],
  ])('%j → %s', (input, expected) => {
    expect(isPrintable(input)).toBe(expected);
  });
});

describe('renderHtml', () => {
  it.each([
    ['escapes markup', '<b>x</b> & "q"', '<p>&lt;b&gt;x&lt;/b&gt; &amp; &quot;q&quot;</p>'],
    ['paragraphs and line breaks', 'a\nb\n\nc', '<p>a<br>b</p><p>c</p>'],
    [
      'links http(s) URLs',
      'see https://a.fr/x?y=1&z=2.',
      '<p>see <a href="https://a.fr/x?y=1&amp;z=2" rel="nofollow ugc noopener">https://a.fr/x?y=1&amp;z=2</a>.</p>',
    ],
    [
      'keeps balanced parentheses',
      '(https://w.org/A_(b))',
      '<p>(<a href="https://w.org/A_(b)" rel="nofollow ugc noopener">https://w.org/A_(b)</a>)</p>',
    ],
    ['does not link other schemes', 'javascript:alert(1) ftp://x.fr', '<p>javascript:alert(1) ftp://x.fr</p>'],
    [
      'does not break out of the href',
      'https://x.fr/"onmouseover="a',
      '<p><a href="https://x.fr/" rel="nofollow ugc noopener">https://x.fr/</a>&quot;onmouseover=&quot;a</p>',
    ],
    [
      'trims unbalanced closing punctuation',
      '(voir https://a.fr/x_(y)).',
      '<p>(voir <a href="https://a.fr/x_(y)" rel="nofollow ugc noopener">https://a.fr/x_(y)</a>).</p>',
    ],
    ['keeps a URL that is all punctuation after its host unlinked', 'http://)))', '<p>http://)))</p>'],
  ])('%s', (_name, input, expected) => {
    expect(renderHtml(input)).toBe(expected);
  });

  it('stays linear on a URL followed by thousands of closing parentheses', () => {
    const html = renderHtml(`https://a.fr/x ${'x'.repeat(10)} http://b.fr/${')'.repeat(40_000)}`);
    expect(html).toContain('<a href="http://b.fr/" rel="nofollow ugc noopener">http://b.fr/</a>)))');
  }, 2_000);

  it('escapes every special character', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});
