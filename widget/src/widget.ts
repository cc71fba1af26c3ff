/**
 * The chat widget: ties the stored conversation, the connection to Rasa and the view together
 * and holds the rules of the conversation:
 *
 * - A student's message is stored first (status `queued`) and sent when the connection is
 *   ready, so nothing typed offline is lost; on reconnect the queue goes out in order.
 * - The tab that sent the latest message records the replies; other tabs of the same site,
 *   which receive the same replies, draw them from storage instead of storing them twice.
 * - Nothing connects until the student opens the chat or already has a conversation, so
 *   merely viewing a page costs the bot server nothing.
 */
import { inLanguage, type WidgetConfig } from './config';
import { themeFor } from './colors';
import { BotConnection, type ConnectionStatus } from './connection';
import { botMessageFrom, newId, newSessionId, type BotMessage, type ChatMessage, type QuickReply, type UserMessage } from './messages';
import { ConversationStore, TabPreferences, type ConversationState } from './store';
import { WIDGET_CSS } from './styles';
import type { Language } from './strings';
import { WidgetView } from './view';

/** How long the typing indicator may wait for a reply before giving up. */
const TYPING_TIMEOUT_MS = 20_000;

export class ChatWidget {
  private readonly store: ConversationStore;
  private readonly tab = new TabPreferences();
  private readonly connection: BotConnection;
  private view: WidgetView;
  private config: WidgetConfig;
  private status: ConnectionStatus = 'connecting';
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private typing = false;
  private sessionId: string;
  private firstBotMessageMarked = false;

  constructor(pageConfig: WidgetConfig) {
    this.store = new ConversationStore(pageConfig.botUrl);
    const chosen = this.store.state.language;
    this.config = chosen ? inLanguage(pageConfig, chosen) : pageConfig;
    const config = this.config;
    this.sessionId = this.store.state.sessionId;
    this.connection = new BotConnection(
      { botUrl: config.botUrl, socketPath: config.socketPath, sessionId: () => this.store.state.sessionId },
      { onStatus: (status) => this.onStatus(status), onBotMessage: (payload) => this.onBotMessage(payload) },
    );
    this.view = this.buildView();
    this.store.subscribe((state) => this.onStateChanged(state));
  }

  private buildView(): WidgetView {
    const view = new WidgetView(this.config, {
      open: () => this.open(),
      close: () => this.close(),
      send: (text) => this.send(text, text),
      quickReply: (message, reply, viaKeyboard) => this.chooseQuickReply(message, reply, viaKeyboard),
      newConversation: () => this.startNewConversation(),
      dismissGreeting: () => this.store.update((state) => ({ ...state, greetingDismissed: true })),
      switchLanguage: () => this.switchLanguage(this.config.language === 'es' ? 'en' : 'es'),
    });
    const theme = themeFor(this.config.primaryColor);
    view.root.style.setProperty('--cw-primary', theme.primary);
    view.root.style.setProperty('--cw-on-primary', theme.onPrimary);
    view.root.style.setProperty('--cw-link', theme.link);
    return view;
  }

  /**
   * The control in the header: the widget's words change at once, and the bot is told with a
   * hidden greeting that carries the language (`/greet{"language":"es"}`), so it greets again in
   * the new language and answers in it from then on.
   */
  switchLanguage(language: Language): void {
    this.store.update((state) => ({ ...state, language }));
    this.applyLanguage(language);
    this.send(this.greetingPayload(), this.greetingPayload(), true);
    this.view.focusInput();
  }

  private applyLanguage(language: Language): void {
    if (language === this.config.language) return;
    this.config = inLanguage(this.config, language);
    const old = this.view.root;
    this.view = this.buildView();
    old.replaceWith(this.view.root);
    this.render();
  }

  /** The init payload with the conversation's language: `/greet{"language":"es"}`. */
  private greetingPayload(): string {
    const payload = this.config.initPayload;
    if (!payload.startsWith('/') || payload.includes('{')) return payload;
    return `${payload}${JSON.stringify({ language: this.config.language })}`;
  }

  /** Puts the widget on the page (in its own shadow root) and restores the conversation. */
  mount(parent: HTMLElement = document.body): void {
    const host = document.createElement('div');
    host.id = 'chat-widget';
    const shadow = host.attachShadow({ mode: 'open' });
    applyStyles(shadow);
    shadow.append(this.view.root);
    parent.append(host);

    window.visualViewport?.addEventListener('resize', () => this.view.fitToVisualViewport(window.visualViewport!.height));
    // Any element of the page can open the chat, e.g. a "Skip to live chat" link.
    document.addEventListener('click', (event) => {
      const opener = (event.target as Element | null)?.closest?.('[data-chat-widget-open]');
      if (opener) {
        event.preventDefault();
        this.open();
      }
    });

    this.adoptQueuedMessages();
    if (this.tab.open || this.store.state.messages.length > 0) this.connection.connect();
    this.render();
    if (this.tab.open) this.startConversationIfEmpty();
    performance.mark('chat-widget:mounted');
  }

  open(): void {
    if (!this.tab.open) performance.mark('chat-widget:opened');
    this.tab.open = true;
    this.store.update((state) => ({ ...state, unread: 0 }));
    this.connection.connect();
    this.startConversationIfEmpty();
  }

  close(): void {
    this.tab.open = false;
    this.render();
  }

  private send(text: string, payload: string, hidden = false): void {
    const message: UserMessage = {
      id: newId(), author: 'user', at: Date.now(), text, payload, hidden, status: 'queued', tabId: this.tab.tabId,
    };
    this.store.update((state) => ({
      ...state,
      // Once the student says anything, earlier suggestions no longer apply.
      messages: [...state.messages.map(markQuickRepliesUsed), message],
    }));
    this.flushQueue();
  }

  /**
   * The used button becomes disabled and would drop focus to the page, so focus moves on: to
   * the message box for keyboard users, to the log for pointer users (on a phone, focusing the
   * box would pop up the on-screen keyboard over the answer).
   */
  private chooseQuickReply(message: BotMessage, reply: QuickReply, viaKeyboard: boolean): void {
    if (message.quickRepliesUsed) return;
    this.send(reply.title, reply.payload);
    if (viaKeyboard) this.view.focusInput();
    else this.view.focusLog();
  }

  private startConversationIfEmpty(): void {
    if (this.store.state.messages.length === 0 && this.config.initPayload) {
      this.send(this.greetingPayload(), this.greetingPayload(), true);
    }
  }

  private startNewConversation(): void {
    this.store.update((state) => ({ ...state, sessionId: newSessionId(), messages: [], unread: 0 }));
    // onStateChanged sees the new session id and reconnects the socket to it.
    this.startConversationIfEmpty();
    this.view.announce(this.config.strings.newConversationStarted);
    this.view.focusInput();
  }

  /** Sends this tab's queued messages, oldest first, while the connection is ready. */
  private flushQueue(): void {
    if (!this.connection.isReady) return;
    const queued = this.store.state.messages.filter(
      (message): message is UserMessage => message.author === 'user' && message.status === 'queued' && message.tabId === this.tab.tabId,
    );
    for (const message of queued) {
      if (!this.connection.send(message.payload)) return;
      this.store.update((state) => ({
        ...state,
        messages: state.messages.map((m) => (m.id === message.id ? { ...m, status: 'sent' } : m)),
      }));
      this.setTyping(true);
    }
  }

  /**
   * Takes over messages another tab queued: that tab may be closed, and whichever tab loaded
   * last is the one the student is using. Only the owning tab sends, so each goes out once.
   */
  private adoptQueuedMessages(): void {
    const orphaned = this.store.state.messages.some((m) => m.author === 'user' && m.status === 'queued' && m.tabId !== this.tab.tabId);
    if (!orphaned) return;
    this.store.update((state) => ({
      ...state,
      messages: state.messages.map((m) => (m.author === 'user' && m.status === 'queued' ? { ...m, tabId: this.tab.tabId } : m)),
    }));
  }

  private onBotMessage(payload: unknown): void {
    const message = botMessageFrom(payload);
    if (!message) return;
    const lastUserMessage = [...this.store.state.messages].reverse().find((m): m is UserMessage => m.author === 'user');
    if (lastUserMessage && lastUserMessage.tabId !== this.tab.tabId) return; // the asking tab records it
    this.setTyping(false);
    this.store.update((state) => ({
      ...state,
      messages: [...state.messages, message],
      unread: this.tab.open ? 0 : state.unread + 1,
    }));
    if (!this.firstBotMessageMarked) {
      this.firstBotMessageMarked = true;
      performance.mark('chat-widget:first-bot-message');
    }
  }

  private onStatus(status: ConnectionStatus): void {
    this.status = status;
    if (status === 'ready') {
      performance.mark('chat-widget:connected');
      this.flushQueue();
    }
    if (status === 'offline') this.setTyping(false);
    this.render();
  }

  private onStateChanged(state: ConversationState): void {
    if (state.language && state.language !== this.config.language) this.applyLanguage(state.language); // another tab switched
    if (state.sessionId !== this.sessionId) {
      // A new conversation, here or in another tab: join its room instead of the old one.
      this.sessionId = state.sessionId;
      this.setTyping(false);
      this.connection.restart();
    }
    this.render();
  }

  private setTyping(typing: boolean): void {
    clearTimeout(this.typingTimer);
    this.typing = typing;
    if (typing) this.typingTimer = setTimeout(() => this.setTyping(false), TYPING_TIMEOUT_MS);
    this.render();
  }

  private render(): void {
    const state = this.store.state;
    this.view.render({
      open: this.tab.open,
      messages: state.messages,
      unread: state.unread,
      showGreeting: !this.tab.open && !state.greetingDismissed && state.messages.length === 0,
      offline: this.status === 'offline',
      typing: this.typing,
    });
  }
}

function markQuickRepliesUsed(message: ChatMessage): ChatMessage {
  return message.author === 'bot' && message.quickReplies.length && !message.quickRepliesUsed
    ? { ...message, quickRepliesUsed: true }
    : message;
}

/** Constructed stylesheets are not inline styles, so a strict CSP (`style-src 'self'`) allows them. */
function applyStyles(shadow: ShadowRoot): void {
  if ('adoptedStyleSheets' in shadow && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(WIDGET_CSS);
    shadow.adoptedStyleSheets = [sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = WIDGET_CSS;
    shadow.append(style);
  }
}
