// The chat widget in a real browser (Debian's Chromium) against the real Rasa server, action
// server and site, started here as `make run` starts them. Run: node --test tests/browser/
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  METRICS_DIR, REPLY_TIMEOUT_MS, axeViolations, chromiumMissing, launchBrowser, newGuardedContext,
  screenshot, widget,
} from './support/browser.mjs';
import { io } from './support/deps.mjs';
import { Servers, WIDGET_BUNDLE, missingPrerequisites } from './support/servers.mjs';

const PHONE = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

describe('chat widget on the program page', { skip: chromiumMissing }, () => {
  const servers = new Servers();
  const foreignRequests = [];
  let browser;

  before(async () => {
    const missing = missingPrerequisites();
    assert.deepEqual(missing, [], `cannot start the servers; missing: ${missing.join(', ')}`);
    await servers.start();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await servers.stop();
  });

  /** A page on the site in a fresh context (empty localStorage), opened at `options` size. */
  async function openSite(options = {}) {
    const context = await newGuardedContext(browser, foreignRequests, options);
    const page = await context.newPage();
    await page.goto(servers.siteUrl);
    return { context, page, w: widget(page) };
  }

  it('answers "how much is tuition?" with $3,920, and measures time to first message', async () => {
    const { context, page, w } = await openSite({ viewport: { width: 1280, height: 800 } });
    await page.waitForLoadState('load');
    await w.open();
    recordTimings(await page.evaluate(() => {
      const at = (name) => Math.round(performance.getEntriesByName(name)[0]?.startTime ?? NaN);
      const navigation = performance.getEntriesByType('navigation')[0];
      return {
        loadEventEndMs: Math.round(navigation.loadEventEnd),
        widgetMountedMs: at('chat-widget:mounted'),
        openedMs: at('chat-widget:opened'),
        connectedMs: at('chat-widget:connected'),
        firstBotMessageMs: at('chat-widget:first-bot-message'),
      };
    }));

    await w.ask('how much is tuition?');
    await w.botSays('$3,920');
    await screenshot(page, 'widget-desktop');
    await context.close();
  });

  it('sends a quick reply payload and disables the used quick replies', async () => {
    const { context, page, w } = await openSite();
    await w.launcher.click();
    // "Degree programs" is offered by both wordings of the greeting.
    const programs = w.quickReplies.filter({ hasText: 'Degree programs' });
    await programs.waitFor({ timeout: REPLY_TIMEOUT_MS });
    await programs.click();
    await page.locator('.message--user .bubble', { hasText: 'Degree programs' }).waitFor();
    await w.botSays('Software Development');
    assert.equal(await programs.isDisabled(), true, 'a used quick reply must be disabled');
    await context.close();
  });

  it('keeps the history and the session across a reload and in a second tab', async () => {
    const { context, page, w } = await openSite();
    await w.open();
    await w.ask('how long does the software development degree take?');
    await w.botSays('30 months');
    const sessionId = await w.sessionId();
    const bubblesBefore = await page.locator('.message').count();

    await page.reload();
    await w.panel.waitFor(); // the tab remembers that its panel was open
    assert.equal(await w.sessionId(), sessionId);
    assert.equal(await page.locator('.message').count(), bubblesBefore, 'the history survives the reload');
    await w.ask('and how much is tuition?');
    await w.botSays('$3,920');

    const tracker = await servers.tracker(sessionId);
    const userTexts = tracker.events.filter((e) => e.event === 'user').map((e) => e.text);
    assert.ok(userTexts.includes('how long does the software development degree take?'), userTexts.join(' | '));
    assert.ok(userTexts.includes('and how much is tuition?'), 'after the reload Rasa continues the same conversation');

    const secondTab = await context.newPage();
    await secondTab.goto(servers.siteUrl);
    await widget(secondTab).launcher.click();
    await secondTab.locator('.message--user .bubble', { hasText: 'and how much is tuition?' }).waitFor();
    assert.equal(await widget(secondTab).sessionId(), sessionId);
    await context.close();
  });

  it('starts a new conversation on request', async () => {
    const { context, page, w } = await openSite();
    await w.open();
    await w.ask('what does a machine learning engineer do?');
    await page.locator('.message--user').first().waitFor();
    const oldSession = await w.sessionId();

    await w.newConversation.click();
    assert.notEqual(await w.sessionId(), oldSession);
    assert.equal(await w.userBubbles.count(), 0);
    await w.botBubbles.first().waitFor({ timeout: REPLY_TIMEOUT_MS }); // greeted again
    await context.close();
  });

  it('shows an unread badge for replies that arrive while the panel is closed', async () => {
    const { context, page, w } = await openSite();
    await w.open();
    // Queue the question offline and close the chat, so the reply surely arrives while closed.
    await w.loseConnection(context);
    await w.ask('what is the salary of a machine learning engineer?');
    await page.keyboard.press('Escape');
    await context.setOffline(false);
    const unread = page.getByRole('button', { name: /chat: Enrollment assistant \(1 unread messages\)/ });
    await unread.waitFor({ timeout: REPLY_TIMEOUT_MS });
    assert.equal(await page.locator('.badge').textContent(), '1');
    await unread.click();
    await w.botSays('$114,000');
    assert.equal(await page.locator('.badge').isVisible(), false, 'opening the chat clears the badge');
    await context.close();
  });

  it('books a counselor call through the widget, tapping the offered buttons, on a phone', async () => {
    const { context, page, w } = await openSite(PHONE);
    await w.open();
    await w.ask('can an advisor call me?');
    await w.botSays('full name');
    await w.ask('Jordan Lee');
    await w.botSays('e-mail address');
    await w.ask('jordan.lee@example.org');
    await w.botSays('phone number');
    await w.ask('303 555 0147');
    await w.botSays('contact you');
    await w.quickReplies.filter({ hasText: 'Phone call' }).click();
    await w.botSays('Which program');
    await w.quickReplies.filter({ hasText: 'Computer Science' }).click();
    await w.botSays('free times');
    const firstTime = w.quickReplies.filter({ hasText: /(AM|PM) M[SD]T/ }).first();
    await firstTime.click();
    await w.botSays('Please check your details');
    const privacy = page.locator('.message--bot a', { hasText: 'privacy notice' }).last();
    assert.equal(new URL(await privacy.getAttribute('href')).pathname, '/privacy');
    await w.quickReplies.filter({ hasText: 'Yes, book it' }).last().click();
    await w.botSays('reference code');
    const confirmation = await page.locator('.message--bot .bubble').last().textContent();
    const reference = confirmation.match(/[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}/)?.[0];
    assert.ok(reference, confirmation);
    await screenshot(page, 'widget-booking-phone');
    await context.close();
  });

  it('switches the conversation to Spanish with the header control and books a call in Spanish', async () => {
    const { context, page, w } = await openSite(PHONE);
    await w.open();
    await w.switchLanguage.click();
    const es = widget(page, 'es');
    await es.panel.waitFor({ timeout: REPLY_TIMEOUT_MS });
    assert.equal(await es.input.getAttribute('placeholder'), 'Haz una pregunta…');
    await es.botSays('¡Hola! Soy');
    await es.ask('¿me puede llamar un asesor?');
    await es.botSays('nombre completo');
    await es.ask('Jordan Lee');
    await es.botSays('correo electrónico');
    await es.ask('jordan.lee.es@example.org');
    await es.botSays('número de teléfono');
    await es.ask('303 555 0148');
    await es.botSays('comunique contigo');
    await es.quickReplies.filter({ hasText: 'Llamada telefónica' }).click();
    await es.botSays('Qué programa');
    await es.quickReplies.filter({ hasText: 'Ciencias de la Computación' }).click();
    await es.botSays('horarios disponibles');
    await es.quickReplies.filter({ hasText: /[ap]\. m\. M[SD]T/ }).first().click();
    await es.botSays('revisa tus datos');
    await es.quickReplies.filter({ hasText: 'Sí, agéndala' }).last().click();
    await es.botSays('quedó agendada');
    const confirmation = await page.locator('.message--bot .bubble').last().textContent();
    assert.match(confirmation, /[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}/);
    assert.match(confirmation, /de \p{L}+ a las \d{1,2}:\d{2} [ap]\. m\./u, 'the time in Spanish conventions');
    await screenshot(page, 'widget-booking-spanish');
    await context.close();
  });

  it('passes axe-core with no violations, closed and open', async () => {
    const { context, page, w } = await openSite();
    assert.deepEqual(await axeViolations(page), [], 'page with the widget closed');
    await w.launcher.click();
    await w.quickReplies.first().waitFor({ timeout: REPLY_TIMEOUT_MS });
    await w.ask('how much is tuition?');
    await w.botSays('$3,920');
    assert.deepEqual(await axeViolations(page), [], 'page with the widget open and a conversation');
    await context.close();
  });

  it('works on a 375x667 phone: full-screen panel, input visible, answers', async () => {
    const { context, page, w } = await openSite(PHONE);
    await w.open();
    await w.panel.evaluate((panel) => Promise.all(panel.getAnimations().map((a) => a.finished)));
    const panel = await w.panel.boundingBox();
    assert.deepEqual([panel.x, panel.y, panel.width, panel.height].map(Math.round), [0, 0, 375, 667], 'full-screen panel');
    const input = await w.input.boundingBox();
    assert.ok(input.y >= 0 && input.y + input.height <= 667, `input on screen (y=${input.y})`);
    await w.ask('when is the next start date?');
    await w.botSays('complete enrollment');
    assert.deepEqual(await axeViolations(page), [], 'phone layout');
    await screenshot(page, 'widget-phone');
    await context.close();
  });

  it('goes through a whole exchange with the keyboard only', async () => {
    const { context, page, w } = await openSite();
    // The page's "Skip to live chat" link is the second stop in the tab order.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.match(await page.evaluate(() => document.activeElement.textContent), /Skip to live chat/);
    await page.keyboard.press('Enter');
    await w.panel.waitFor();
    assert.equal(await w.focused(), 'textarea.', 'opening the chat moves focus to the message box');

    await w.quickReplies.first().waitFor({ timeout: REPLY_TIMEOUT_MS });
    await page.keyboard.press('Shift+Tab'); // back from the message box to the last suggestion
    assert.match(await w.focused(), /quick-reply/);
    const suggestion = await page.evaluate(() => document.activeElement.shadowRoot.activeElement.textContent);
    await page.keyboard.press('Enter');
    await page.locator('.message--user .bubble', { hasText: suggestion }).waitFor();

    assert.equal(await w.focused(), 'textarea.', 'after a suggestion, focus is back in the message box');
    await page.keyboard.type('how much is tuition?');
    await page.keyboard.press('Enter');
    await w.botSays('$3,920');

    await page.keyboard.press('Escape');
    await w.panel.waitFor({ state: 'hidden' });
    assert.match(await w.focused(), /launcher/, 'Escape closes the chat and focus returns to the launcher');
    await page.keyboard.press('Enter');
    await w.panel.waitFor();
    assert.equal(await w.focused(), 'textarea.');
    await context.close();
  });

  it('sends messages typed offline once the connection is back', async () => {
    const { context, page, w } = await openSite();
    await w.open();
    await w.loseConnection(context);
    await w.ask('how much is tuition?');
    await page.getByText('Waiting to send').waitFor();
    await context.setOffline(false);
    await w.botSays('$3,920');
    await page.getByText('Connection lost').waitFor({ state: 'hidden' });
    await context.close();
  });

  it('shows what a student types as text, never as markup', async () => {
    const { context, page, w } = await openSite();
    await w.open();
    const hostile = '<img src=x onerror="window.injected=1"> **not bold**';
    await w.ask(hostile);
    const bubble = page.locator('.message--user .bubble', { hasText: 'not bold' });
    await bubble.waitFor();
    assert.equal(await bubble.evaluate((b) => b.lastChild.textContent), hostile);
    assert.equal(await bubble.locator('img, strong').count(), 0);
    assert.equal(await page.evaluate(() => window.injected), undefined);
    await context.close();
  });

  it('stops animating under prefers-reduced-motion', async () => {
    const animationsOnOpen = async (reducedMotion) => {
      const { context, page, w } = await openSite({ reducedMotion });
      await w.launcher.click(); // the panel slides in unless motion is reduced
      const count = await page.evaluate(() => document.querySelector('#chat-widget').shadowRoot.getAnimations().length);
      await context.close();
      return count;
    };
    assert.ok(await animationsOnOpen('no-preference') > 0, 'the check would see an animation');
    assert.equal(await animationsOnOpen('reduce'), 0);
  });

  it('refuses socket connections from origins other than the site', async () => {
    const connects = (origin) => new Promise((resolve) => {
      const socket = io(servers.rasaUrl, { transports: ['websocket'], reconnection: false, extraHeaders: { Origin: origin } });
      socket.on('connect', () => { socket.close(); resolve(true); });
      socket.on('connect_error', () => { socket.close(); resolve(false); });
    });
    assert.equal(await connects(servers.siteUrl), true, 'the site itself');
    assert.equal(await connects('http://attacker.example'), false, 'another origin');
  });

  it('never requested anything from another host', () => {
    assert.deepEqual(foreignRequests, []);
  });
});

function recordTimings(timings) {
  const bundle = readFileSync(WIDGET_BUNDLE);
  const metrics = {
    ...timings,
    bundleBytes: bundle.length,
    bundleGzipBytes: gzipSync(bundle, { level: 9 }).length,
  };
  mkdirSync(METRICS_DIR, { recursive: true });
  writeFileSync(join(METRICS_DIR, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  console.log('widget metrics:', JSON.stringify(metrics));
}
