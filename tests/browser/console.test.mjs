// The staff console (/console) in a real browser (Debian's Chromium) against the real site, Rasa
// server and action server, started as `make run` starts them, with a counselor and an office
// account made by `python -m bot staff add`. Students use the widget in their own browser
// context, so the console is tested with what a counselor and a student really see.
// Run: node --test tests/browser/
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  axeViolations, chromiumMissing, launchBrowser, newGuardedContext, widget,
} from './support/browser.mjs';
import { REPO_ROOT, Servers, missingPrerequisites } from './support/servers.mjs';

const DESKTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const SCREENSHOT_DIR = join(REPO_ROOT, 'results/browser/console');
// The live inbox must show a new student this soon, without a reload.
const INBOX_UPDATE_MS = 5_000;
const TUITION_FACT = 'program:computer_science:tuition_per_term_usd';

describe('staff console', { skip: chromiumMissing }, () => {
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

  const consoleUrl = (path) => `${servers.siteUrl}/console${path}`;

  /** A fresh context signed in as `role` ("counselor" or "office"), on the appointments page. */
  async function signIn(role, options = DESKTOP) {
    const context = await newGuardedContext(browser, foreignRequests, options);
    const page = await context.newPage();
    const { email, password } = servers.staff[role];
    await page.goto(consoleUrl('/login'));
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(consoleUrl('/appointments'));
    return { context, page };
  }

  /** A student on the program page with the chat open, in a context of their own. */
  async function openStudent(options = DESKTOP) {
    const context = await newGuardedContext(browser, foreignRequests, options);
    const page = await context.newPage();
    await page.goto(servers.siteUrl);
    const w = widget(page);
    await w.open();
    return { context, page, w };
  }

  /** The student asks for a person and is queued; returns their conversation id. */
  async function askForPerson(w) {
    await w.ask('I want to talk to a person');
    await w.botSays('asked an Enrollment Counselor to join');
    return w.sessionId();
  }

  /** The student books a phone call with the test counselor, tapping the offered buttons. */
  async function bookCall(w) {
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
    await w.quickReplies.filter({ hasText: /(AM|PM) M[SD]T/ }).first().click();
    await w.botSays('Please check your details');
    await w.quickReplies.filter({ hasText: 'Yes, book it' }).last().click();
    await w.botSays('reference code');
  }

  /** A new student's answer to "how much is tuition?" (one fresh conversation each time). */
  async function tuitionAnswer(expected) {
    const { context, page, w } = await openStudent();
    await w.ask('how much is tuition?');
    await w.botSays(expected);
    const answer = await page.locator('.message--bot .bubble', { hasText: expected }).first().textContent();
    await context.close();
    return answer;
  }

  it('brings a student to a counselor live, and back to the assistant', async () => {
    const { context: staff, page: inbox } = await signIn('counselor');
    // Wait until the live stream is open, so what follows is its update and not the page load.
    await Promise.all([
      inbox.waitForResponse((r) => r.url().includes('/console/inbox/events') && r.ok()),
      inbox.goto(consoleUrl('/inbox')),
    ]);
    await inbox.evaluate(() => { window.notReloaded = true; });

    const { context: studentContext, page: student, w } = await openStudent();
    const conversationId = await askForPerson(w);
    const queued = Date.now();
    const entry = inbox.locator('#inbox-list a', { hasText: conversationId });
    await entry.waitFor({ timeout: INBOX_UPDATE_MS });
    console.log(`console: the student appeared in the live inbox ${Date.now() - queued} ms after the bot queued them`);
    assert.equal(await inbox.evaluate(() => window.notReloaded), true, 'the inbox updated without a reload');
    assert.match(await inbox.locator('#inbox-list').textContent(), /I want to talk to a person/);

    await entry.click();
    await inbox.getByRole('button', { name: 'Claim this conversation' }).click();
    await inbox.getByText('You claimed this conversation').waitFor();
    const reply = 'Hello, I am Test Counselor. How can I help you with enrollment?';
    await inbox.getByLabel('Your reply to the student').fill(reply);
    await inbox.getByRole('button', { name: 'Send reply' }).click();
    await inbox.getByText('Sent to the student.').waitFor();
    await w.botSays(reply);
    // The counselor's page shows the reply in the transcript too.
    await inbox.locator('#inbox-conversation .from-counselor', { hasText: reply }).waitFor();

    // The student's answer reaches the counselor without a reload.
    await inbox.evaluate(() => { window.notReloaded = true; });
    await w.ask('Thanks! Can I start next month?');
    await inbox.locator('#inbox-conversation .from-student', { hasText: 'Can I start next month?' })
      .waitFor({ timeout: INBOX_UPDATE_MS });
    assert.equal(await inbox.evaluate(() => window.notReloaded), true);

    await inbox.getByRole('button', { name: 'Hand back to the assistant' }).click();
    await inbox.getByText('The conversation is back with the assistant').waitFor();
    await inbox.getByText('Nobody is waiting for a counselor.').waitFor();
    await w.botSays('handed you back to the virtual assistant');
    await w.ask('how much is tuition?');
    await w.botSays('$3,920');
    await studentContext.close();
    await staff.close();
  });

  it('lets the office change the tuition, which the next answer uses, and revert it', async () => {
    const { context, page } = await signIn('office');
    await page.goto(consoleUrl('/facts'));
    await page.getByRole('link', { name: 'Edit B.S. Computer Science: Tuition per term' }).click();
    await page.waitForURL(consoleUrl(`/facts/${TUITION_FACT}`));
    await page.getByLabel('Tuition per term').fill('4150');
    await page.getByLabel('Quote from the source page').fill('Tuition and fees: $4,150 per 6-month term.');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/Saved \(change #\d+\)/).waitFor();
    assert.match(await page.locator('main').textContent(), /Now: \$4,150/);

    assert.match(await tuitionAnswer('$4,150'), /\$4,150 per 6-month term/);

    await page.getByRole('button', { name: /Revert to the value before/ }).first().click();
    await page.getByText(/Change #\d+ reverted/).waitFor();
    assert.match(await page.locator('main').textContent(), /Now: \$3,920/);

    const answer = await tuitionAnswer('$3,920');
    assert.doesNotMatch(answer, /4,150/);
    await context.close();
  });

  it('refuses a wrong password and stays on the sign-in page', async () => {
    const context = await newGuardedContext(browser, foreignRequests, DESKTOP);
    const page = await context.newPage();
    await page.goto(consoleUrl('/login'));
    await page.getByLabel('E-mail address').fill(servers.staff.counselor.email);
    await page.getByLabel('Password').fill('not the right password');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    assert.equal(response.status(), 401);
    await page.getByRole('alert').filter({ hasText: 'do not match an active account' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/console/login');
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Sign in');
    assert.equal(await page.getByLabel('E-mail address').inputValue(), servers.staff.counselor.email);
    await context.close();
  });

  it("keeps a counselor out of the office's Insights and Facts pages", async () => {
    const { context, page } = await signIn('counselor');
    assert.equal(await page.getByRole('link', { name: 'Facts' }).count(), 0, 'no Facts link for a counselor');
    assert.equal(await page.getByRole('link', { name: 'Insights' }).count(), 0, 'no Insights link');
    for (const path of ['/insights', '/facts', `/facts/${TUITION_FACT}`]) {
      const response = await page.goto(consoleUrl(path));
      assert.equal(response.status(), 403, path);
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Not available', path);
    }
    await context.close();
  });

  it('refuses a POST without the CSRF token', async () => {
    const { context, page } = await signIn('office');
    const refused = await page.request.post(consoleUrl('/logout'), { form: {}, maxRedirects: 0 });
    assert.equal(refused.status(), 403);
    assert.match(await refused.text(), /Form expired/);
    const wrong = await page.request.post(consoleUrl(`/facts/${TUITION_FACT}`), {
      form: { csrf_token: 'forged', value: '1', quote: 'Tuition and fees: $1 per 6-month term.', page: '' },
      maxRedirects: 0,
    });
    assert.equal(wrong.status(), 403, 'a wrong token is refused too');
    // From the page itself (same origin, the session cookie sent), still without the token.
    const fromPage = await page.evaluate(async (url) => (await fetch(url, {
      method: 'POST', body: new URLSearchParams({ value: '1' }), redirect: 'manual',
    })).status, consoleUrl(`/facts/${TUITION_FACT}`));
    assert.equal(fromPage, 403);
    // Nothing happened: still signed in, the fact unchanged.
    await page.goto(consoleUrl(`/facts/${TUITION_FACT}`));
    assert.match(await page.locator('main').textContent(), /Now: \$3,920/);
    await context.close();
  });

  it('passes axe-core and fits a 375-px phone on every page', async () => {
    // Something on every page: a booked call (appointments, insights) and a claimed conversation
    // (the inbox with its transcript and reply form).
    const { context: studentContext, w } = await openStudent();
    await bookCall(w);
    const conversationId = await askForPerson(w);
    const { context: office, page: claiming } = await signIn('office');
    await claiming.goto(consoleUrl(`/inbox?c=${encodeURIComponent(conversationId)}`));
    await claiming.getByRole('button', { name: 'Claim this conversation' }).click();
    await claiming.getByLabel('Your reply to the student').waitFor();
    await office.close();

    const opened = `/inbox?c=${encodeURIComponent(conversationId)}`;
    const paths = ['/login', '/appointments', '/inbox', opened, '/insights', '/facts', `/facts/${TUITION_FACT}`];
    for (const [label, options] of [['desktop', DESKTOP], ['phone', PHONE]]) {
      const anonymous = await newGuardedContext(browser, foreignRequests, options);
      const { context } = await signIn('office', options);
      for (const path of paths) {
        const page = await (path === '/login' ? anonymous : context).newPage();
        const response = await page.goto(consoleUrl(path));
        assert.equal(response.status(), 200, `${path} (${label})`);
        assert.deepEqual(await axeViolations(page), [], `${path} (${label})`);
        if (label === 'phone') {
          const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
          assert.ok(width <= 375, `${path} scrolls sideways on a phone: ${width} px wide`);
        }
        await page.close();
      }
      await anonymous.close();
      await context.close();
    }
    await studentContext.close();
  });

  it('takes screenshots of every page at desktop and phone size', async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const { context: studentContext, w } = await openStudent();
    const conversationId = await askForPerson(w);
    const shots = [];
    for (const [size, options] of [['desktop', DESKTOP], ['phone', PHONE]]) {
      const anonymous = await newGuardedContext(browser, foreignRequests, options);
      const { context } = await signIn('office', options);
      const pages = [
        ['login', anonymous, '/login'],
        ['appointments', context, '/appointments'],
        ['inbox', context, `/inbox?c=${encodeURIComponent(conversationId)}`],
        ['insights', context, '/insights'],
        ['facts', context, '/facts'],
        ['fact-edit', context, `/facts/${TUITION_FACT}`],
      ];
      for (const [name, owner, path] of pages) {
        const page = await owner.newPage();
        await page.goto(consoleUrl(path));
        if (name === 'inbox') await page.locator('#inbox-conversation .from-student').first().waitFor();
        if (name === 'appointments') await page.getByText('Jordan Lee').first().waitFor();
        const file = join(SCREENSHOT_DIR, `${name}-${size}.png`);
        await page.screenshot({ path: file, fullPage: true });
        shots.push(file);
        await page.close();
      }
      await anonymous.close();
      await context.close();
    }
    await studentContext.close();
    assert.equal(shots.length, 12);
    console.log(`console screenshots: ${SCREENSHOT_DIR}`);
  });

  it('never requested anything from another host', () => {
    assert.deepEqual(foreignRequests, []);
  });
});
