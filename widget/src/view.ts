/**
 * The widget's visible parts and their keyboard behaviour: the launcher (with its unread
 * badge), the greeting teaser, and the panel (heading, "new conversation", close, the
 * connection banner, the message log, the typing indicator and the message box).
 * It draws state and reports what the student does; it decides nothing.
 */
import type { WidgetConfig } from './config';
import { h } from './dom';
import { icon } from './icons';
import { MessageLog } from './message-log';
import type { BotMessage, ChatMessage, QuickReply } from './messages';
import { format } from './strings';

export interface ViewActions {
  open(): void;
  close(): void;
  send(text: string): void;
  quickReply(message: BotMessage, reply: QuickReply, viaKeyboard: boolean): void;
  newConversation(): void;
  dismissGreeting(): void;
  /** The header's language control: the conversation goes on in the other language. */
  switchLanguage(): void;
}

export interface ViewState {
  open: boolean;
  messages: ChatMessage[];
  unread: number;
  showGreeting: boolean;
  offline: boolean;
  typing: boolean;
}

const MAX_MESSAGE_LENGTH = 2000;

export class WidgetView {
  readonly root: HTMLDivElement;
  private readonly launcher: HTMLButtonElement;
  private readonly badge: HTMLSpanElement;
  private readonly teaser: HTMLDivElement;
  private readonly panel: HTMLDivElement;
  private readonly banner: HTMLParagraphElement;
  private readonly announcer: HTMLDivElement;
  private readonly log: MessageLog;
  private readonly typing: HTMLDivElement;
  private readonly input: HTMLTextAreaElement;
  private wasOpen = false;

  constructor(private readonly config: WidgetConfig, actions: ViewActions) {
    const { strings } = config;
    const panelId = 'chat-widget-panel';
    const titleId = 'chat-widget-title';

    this.badge = h('span', { class: 'badge', 'aria-hidden': 'true', hidden: true });
    this.launcher = h('button', { type: 'button', class: 'launcher', 'aria-controls': panelId, 'aria-expanded': 'false' },
      icon('chat'), icon('close'), this.badge);
    this.launcher.addEventListener('click', () => (this.isOpen ? actions.close() : actions.open()));

    const teaserText = h('button', { type: 'button', class: 'teaser-text' }, config.greeting);
    teaserText.addEventListener('click', () => actions.open());
    const teaserDismiss = h('button', { type: 'button', class: 'teaser-dismiss', 'aria-label': strings.dismissGreeting }, icon('close'));
    teaserDismiss.addEventListener('click', () => {
      actions.dismissGreeting();
      this.launcher.focus();
    });
    this.teaser = h('div', { class: 'teaser', hidden: true }, teaserText, teaserDismiss);

    const newConversation = h('button', { type: 'button', class: 'new-conversation' }, strings.newConversation);
    newConversation.addEventListener('click', () => actions.newConversation());
    const otherLanguage = config.language === 'es' ? 'en' : 'es';
    const switchLanguage = h('button', {
      type: 'button', class: 'switch-language', lang: otherLanguage, 'aria-label': strings.switchLanguageLabel,
    }, strings.switchLanguage);
    switchLanguage.addEventListener('click', () => actions.switchLanguage());
    const close = h('button', { type: 'button', class: 'icon-button', 'aria-label': strings.closeChat }, icon('close'));
    close.addEventListener('click', () => actions.close());

    this.banner = h('p', { class: 'banner', hidden: true }, strings.offline);
    // A polite status region for things said once: "New conversation started."
    this.announcer = h('div', { class: 'visually-hidden', role: 'status' });
    this.log = new MessageLog({ strings, lang: config.lang, onQuickReply: actions.quickReply });
    this.typing = h('div', { class: 'typing', hidden: true },
      h('span', { class: 'dots', 'aria-hidden': 'true' }, h('span'), h('span'), h('span')),
      h('span', {}, strings.botTyping));

    this.input = h('textarea', {
      id: 'chat-widget-input', rows: '1', maxlength: String(MAX_MESSAGE_LENGTH),
      placeholder: strings.inputPlaceholder, autocomplete: 'off', enterkeyhint: 'send',
    });
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    this.input.addEventListener('input', () => this.fitInputToText());
    const form = h('form', { class: 'composer' },
      h('label', { class: 'visually-hidden', for: 'chat-widget-input' }, strings.inputLabel),
      this.input,
      h('button', { type: 'submit', class: 'send', 'aria-label': strings.send }, icon('send')));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = this.input.value.trim();
      if (!text) return;
      this.input.value = '';
      this.fitInputToText();
      actions.send(text);
    });

    this.panel = h('div', { id: panelId, class: 'panel', role: 'dialog', 'aria-labelledby': titleId, hidden: true },
      h('div', { class: 'header' }, h('h2', { id: titleId, class: 'title' }, config.title), switchLanguage, newConversation, close),
      this.banner, this.announcer, this.log.element, this.typing, form);
    this.panel.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        actions.close();
      }
    });
    this.teaser.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') actions.dismissGreeting();
    });

    this.root = h('div', { class: 'root', lang: config.lang }, this.teaser, this.panel, this.launcher);
  }

  get isOpen(): boolean {
    return !this.panel.hidden;
  }

  render(state: ViewState): void {
    const { strings } = this.config;
    const opening = state.open && !this.wasOpen;
    const closing = !state.open && this.wasOpen;
    this.wasOpen = state.open;

    this.panel.hidden = !state.open;
    this.launcher.setAttribute('aria-expanded', String(state.open));
    const unread = state.unread > 0 ? ` (${format(strings.unreadMessages, { count: state.unread })})` : '';
    this.launcher.setAttribute('aria-label', `${state.open ? strings.closeChat : strings.openChat}: ${this.config.title}${unread}`);
    this.badge.hidden = state.unread === 0;
    this.badge.textContent = state.unread > 9 ? '9+' : String(state.unread);
    this.teaser.hidden = !state.showGreeting || !this.config.greeting;

    this.banner.hidden = !state.offline;
    this.typing.hidden = !state.typing;
    const added = this.log.sync(state.messages);
    if (added || opening || state.typing) this.log.scrollToEnd();

    if (opening) this.input.focus();
    if (closing) this.launcher.focus();
  }

  /** Says something once to screen-reader users, without adding it to the conversation. */
  announce(text: string): void {
    this.announcer.textContent = '';
    setTimeout(() => (this.announcer.textContent = text), 50);
  }

  focusInput(): void {
    this.input.focus();
  }

  /** Keeps focus in the panel without raising a phone's on-screen keyboard. */
  focusLog(): void {
    this.log.focus();
  }

  /** Keeps the panel inside the visible area while a phone's on-screen keyboard is up. */
  fitToVisualViewport(height: number): void {
    this.root.style.setProperty('--cw-viewport-height', `${Math.round(height)}px`);
    if (this.isOpen) this.log.scrollToEnd();
  }

  private fitInputToText(): void {
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight + 3, 120)}px`;
  }
}
