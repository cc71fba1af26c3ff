// The widget's markdown renderer in the browser, on its own (no servers): what the bot's text
// becomes in the DOM, and that no input, however hostile, becomes markup or a script link.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromiumMissing, launchBrowser } from './support/browser.mjs';
import { esbuild } from './support/deps.mjs';

const MARKDOWN_MODULE = new URL('../../widget/src/markdown.ts', import.meta.url).pathname;

describe('bot markdown rendering', { skip: chromiumMissing }, () => {
  let browser;
  let page;

  before(async () => {
    const bundle = await esbuild.build({
      entryPoints: [MARKDOWN_MODULE], bundle: true, write: false, format: 'iife', globalName: 'markdown',
    });
    browser = await launchBrowser();
    page = await browser.newPage();
    await page.evaluate(bundle.outputFiles[0].text + ';window.markdown = markdown;');
  });

  after(async () => browser?.close());

  /** The HTML the renderer produces for `text` (serialised only to compare it here). */
  const render = (text) => page.evaluate((source) => {
    const box = document.createElement('div');
    box.append(window.markdown.renderMarkdown(source, { newTabHint: '(new tab)' }));
    return box.innerHTML;
  }, text);

  it('draws bold, italics, lists and line breaks', async () => {
    assert.equal(await render('Tuition is **$3,920** per *term*.'),
      '<p>Tuition is <strong>$3,920</strong> per <em>term</em>.</p>');
    assert.equal(await render('Programs:\n- B.S. Computer Science\n- B.S. Software Development\nWhich one?'),
      '<p>Programs:</p><ul><li>B.S. Computer Science</li><li>B.S. Software Development</li></ul><p>Which one?</p>');
    assert.equal(await render('1. enroll\n2. start'), '<ol><li>enroll</li><li>start</li></ol>');
    assert.equal(await render('line one\nline two'), '<p>line one<br>line two</p>');
  });

  it('links http(s), mailto and bare URLs, opening web links in a new tab', async () => {
    assert.equal(await render('[Apply](https://school.example/apply)'),
      '<p><a href="https://school.example/apply" target="_blank" rel="noopener noreferrer">Apply' +
      '<span class="visually-hidden"> (new tab)</span></a></p>');
    assert.match(await render('see https://school.example/x.'), /<a href="https:\/\/school.example\/x"[^>]*>https:\/\/school.example\/x<span/);
    assert.equal(await render('[mail us](mailto:admissions@school.example)'),
      '<p><a href="mailto:admissions@school.example">mail us</a></p>');
  });

  it('never turns text into markup or a script link', async () => {
    assert.equal(await render('<img src=x onerror=alert(1)> <b>hi</b>'),
      '<p>&lt;img src=x onerror=alert(1)&gt; &lt;b&gt;hi&lt;/b&gt;</p>');
    assert.equal(await render('[click](javascript:alert(1))'), '<p>click)</p>');
    // The link ends at the first ')', so what follows stays text.
    assert.equal(await render('[x](data:text/html,<script>alert(1)</script>)'), '<p>x&lt;/script&gt;)</p>');
    assert.equal(await render('**<script>alert(1)</script>**'), '<p><strong>&lt;script&gt;alert(1)&lt;/script&gt;</strong></p>');
  });
});
