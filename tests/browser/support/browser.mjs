// Debian's Chromium driven by playwright-core (Playwright's own browser download cannot work
// here), plus the helpers the tests share: a guard that records every request to a host other
// than the local servers, screenshots under results/screenshots/, and the widget's controls.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from './deps.mjs';
import { REPO_ROOT } from './servers.mjs';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(REPO_ROOT, 'results/screenshots');
export const METRICS_DIR = join(REPO_ROOT, 'results/browser');

export const chromiumMissing = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is not installed (scripts/install-browser installs Debian's chromium)`;

/** Generous: the bot answers from a 2-core CI machine that may be busy. */
export const REPLY_TIMEOUT_MS = 45_000;

export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run',
    ],
  });
}

/**
 * A fresh browser context (its own localStorage) whose requests are all checked: anything not
 * addressed to 127.0.0.1 is recorded in `foreignRequests` and aborted, so a test fails on it
 * rather than silently reaching the internet.
 */
export async function newGuardedContext(browser, foreignRequests, options = {}) {
  const context = await browser.newContext({ locale: 'en-US', ...options });
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const local = url.protocol === 'data:' || url.protocol === 'blob:' || url.hostname === '127.0.0.1';
    if (local) return route.continue();
    foreignRequests.push(url.href);
    return route.abort('blockedbyclient');
  });
  // WebSockets are not routed; check their addresses too.
  context.on('page', (page) => page.on('websocket', (socket) => {
    if (new URL(socket.url()).hostname !== '127.0.0.1') foreignRequests.push(socket.url());
  }));
  return context;
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** The widget's accessible names in each of its languages (widget/src/strings.ts). */
const LABELS = {
  en: {
    title: 'Enrollment assistant', log: 'Conversation', input: 'Your message',
    newConversation: 'New conversation', suggestedReplies: 'Suggested replies',
    switchLanguage: 'Cambiar la conversación a español',
  },
  es: {
    title: 'Asistente de admisiones', log: 'Conversación', input: 'Tu mensaje',
    newConversation: 'Nueva conversación', suggestedReplies: 'Respuestas sugeridas',
    switchLanguage: 'Switch the conversation to English',
  },
};

/**
 * The widget's parts, found the way assistive technology finds them: by role and name, in the
 * widget's current `language` (the names change with the header's language control).
 */
export function widget(page, language = 'en') {
  const labels = LABELS[language];
  return {
    launcher: page.getByRole('button', { name: new RegExp(`chat: ${labels.title}`) }),
    panel: page.getByRole('dialog', { name: labels.title }),
    log: page.getByRole('log', { name: labels.log }),
    input: page.getByRole('textbox', { name: labels.input }),
    newConversation: page.getByRole('button', { name: labels.newConversation }),
    switchLanguage: page.getByRole('button', { name: labels.switchLanguage }),
    botBubbles: page.locator('.message--bot .bubble'),
    userBubbles: page.locator('.message--user .bubble'),
    quickReplies: page.getByRole('group', { name: labels.suggestedReplies }).getByRole('button'),
    /** Opens the chat and waits for the assistant's greeting. */
    async open() {
      await this.launcher.click();
      await this.botBubbles.first().waitFor({ timeout: REPLY_TIMEOUT_MS });
    },
    /** Types a question into the message box and sends it with Enter. */
    async ask(question) {
      await this.input.fill(question);
      await this.input.press('Enter');
    },
    /** Takes the browser offline and waits for the widget's connection-lost banner. */
    async loseConnection(context) {
      await context.setOffline(true);
      await page.getByText('Connection lost').waitFor({ timeout: 60_000 });
    },
    /** Waits for the assistant's answer containing `text`. */
    async botSays(text) {
      await page.locator('.message--bot .bubble', { hasText: text }).first().waitFor({ timeout: REPLY_TIMEOUT_MS });
    },
    async sessionId() {
      return page.evaluate(() => {
        const key = Object.keys(localStorage).find((k) => k.startsWith('chat-widget:'));
        return key ? JSON.parse(localStorage.getItem(key)).sessionId : null;
      });
    },
    /** The element focused inside the widget's shadow root (document.activeElement is its host). */
    async focused() {
      return page.evaluate(() => {
        const active = document.activeElement?.shadowRoot?.activeElement ?? document.activeElement;
        return active ? `${active.tagName.toLowerCase()}.${active.className}` : null;
      });
    },
  };
}

/** Runs axe-core on the page (widget included); returns the violations. */
export async function axeViolations(page) {
  const { axeSource } = await import('./deps.mjs');
  // evaluate() runs through DevTools, so the page's strict CSP does not block the injected script.
  await page.evaluate(axeSource);
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
  }));
}
