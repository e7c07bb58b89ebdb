/** The Markdown → HTML renderer used for suite sections: tables, paragraphs, inline forms, and escaping. */
import { expect } from 'chai';
import { inlineMarkdown, markdownToHtml } from '../../src/report/markdown-html.js';

describe('markdownToHtml', () => {
  it('renders a <details> block as GitHub does, escapes its title, and leaves other HTML as text', () => {
    const md = '<details><summary>Accuracy <per> severity</summary>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n</details>\n\n</details>\n<b>bold</b>';
    const html = markdownToHtml(md);
    expect(html.startsWith('<details><summary>Accuracy &lt;per&gt; severity</summary>\n<div class="table-wrap"><table>')).to.equal(true);
    expect(html).to.contain('</tbody></table></div>\n</details>\n<p>&lt;/details&gt;\n&lt;b&gt;bold&lt;/b&gt;</p>');
    expect(markdownToHtml('<details><summary>open</summary>\ntext')).to.equal('<details><summary>open</summary>\n<p>text</p>\n</details>');
  });

  it('renders a GFM table with column alignment and inline Markdown in cells', () => {
    const html = markdownToHtml(['| metric | vanilla | topk |', '| --- | ---: | :---: |', '| **ECE** | 13.50% | `9.97%` |', '| a \\| b | 1 |'].join('\n'));
    expect(html).to.equal(
      [
        '<div class="table-wrap"><table>',
        '<thead><tr><th>metric</th><th class="num">vanilla</th><th class="center">topk</th></tr></thead>',
        '<tbody>',
        '<tr><td><strong>ECE</strong></td><td class="num">13.50%</td><td class="center"><code>9.97%</code></td></tr>',
        '<tr><td>a | b</td><td class="num">1</td><td class="center"></td></tr>',
        '</tbody></table></div>',
      ].join('\n'),
    );
  });

  it('renders headings, paragraphs, lists and fenced code', () => {
    const md = '## Calibration (clean test split)\n\nFirst line\nsecond line.\n\n- one\n- two *three*\n\n1. first\n\n```\n<raw> & code\n```\n### Sub';
    expect(markdownToHtml(md)).to.equal(
      [
        '<h2>Calibration (clean test split)</h2>',
        '<p>First line\nsecond line.</p>',
        '<ul><li>one</li><li>two <em>three</em></li></ul>',
        '<ol><li>first</li></ol>',
        '<pre><code>&lt;raw&gt; &amp; code</code></pre>',
        '<h3>Sub</h3>',
      ].join('\n'),
    );
    expect(markdownToHtml('## A', { headingOffset: 1 })).to.equal('<h3>A</h3>');
  });

  it('escapes HTML so Markdown cannot inject markup', () => {
    expect(markdownToHtml('<script>alert(1)</script> & <b>x</b>')).to.equal('<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;x&lt;/b&gt;</p>');
    expect(inlineMarkdown('`<i>` **a<b**')).to.equal('<code>&lt;i&gt;</code> <strong>a&lt;b</strong>');
  });

  it('keeps relative and http(s) links, rewrites them on request, and drops other schemes', () => {
    expect(inlineMarkdown('[diagram](calibration/reliability.svg)')).to.equal('<a href="calibration/reliability.svg">diagram</a>');
    expect(inlineMarkdown('[d](a.svg)', { rewriteLink: (h) => `#file-${h}` })).to.equal('<a href="#file-a.svg">d</a>');
    expect(inlineMarkdown('[paper](https://arxiv.org/abs/1706.04599)')).to.equal('<a href="https://arxiv.org/abs/1706.04599">paper</a>');
    expect(inlineMarkdown('[x](javascript:alert(1))')).to.equal('x)');
  });

  it('renders an image reference as a link to the figure (the report embeds figures once), without a stray "!"', () => {
    expect(inlineMarkdown('![ROC curves, OOD set mnist](ood/roc-mnist.svg)')).to.equal('<a href="ood/roc-mnist.svg">ROC curves, OOD set mnist</a>');
    expect(inlineMarkdown('![a](a.svg)', { rewriteLink: (h) => `#file-${h}` })).to.equal('<a href="#file-a.svg">a</a>');
  });

  it('leaves a lone asterisk or underscore alone', () => {
    expect(inlineMarkdown('2 * 3 * 4 and snake_case_name')).to.equal('2 * 3 * 4 and snake_case_name');
  });
});
