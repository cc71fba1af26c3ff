/**
 * The message list: a `role="log"` live region that screen readers announce as messages are
 * added. It is updated incrementally (new messages appended, existing ones patched in place)
 * because redrawing the whole list would make a screen reader read the conversation again.
 */
import { h, visuallyHidden } from './dom';
import { renderMarkdown, safeUrl } from './markdown';
import type { BotMessage, ChatMessage, QuickReply } from './messages';
import type { Strings } from './strings';

export interface MessageLogOptions {
  strings: Strings;
  lang: string;
  /** `viaKeyboard`: activated with Enter/Space rather than a pointer. */
  onQuickReply(message: BotMessage, reply: QuickReply, viaKeyboard: boolean): void;
}

export class MessageLog {
  readonly element: HTMLDivElement;
  private readonly drawn = new Map<string, HTMLElement>();

  constructor(private readonly options: MessageLogOptions) {
    this.element = h('div', {
      class: 'log',
      role: 'log',
      'aria-live': 'polite',
      'aria-label': options.strings.conversationLog,
      // Focusable so keyboard users can scroll back through a long conversation.
      tabindex: '0',
    });
  }

  /** Brings the list in line with `messages`; returns true when something new was added. */
  sync(messages: ChatMessage[]): boolean {
    const visible = messages.filter((message) => !(message.author === 'user' && message.hidden));
    const wanted = new Set(visible.map((message) => message.id));
    if ([...this.drawn.keys()].some((id) => !wanted.has(id))) this.clear();

    let added = false;
    for (const message of visible) {
      const existing = this.drawn.get(message.id);
      if (existing) {
        this.patch(existing, message);
      } else {
        const element = this.draw(message);
        this.drawn.set(message.id, element);
        this.element.append(element);
        added = true;
      }
    }
    return added;
  }

  focus(): void {
    this.element.focus();
  }

  scrollToEnd(): void {
    this.element.scrollTop = this.element.scrollHeight;
  }

  private clear(): void {
    this.drawn.clear();
    this.element.replaceChildren();
  }

  private draw(message: ChatMessage): HTMLElement {
    const { strings } = this.options;
    const bubble = h('div', { class: 'bubble' },
      visuallyHidden(`${message.author === 'user' ? strings.you : strings.bot}: `));
    if (message.author === 'user') bubble.append(message.text);
    else this.fillBotBubble(bubble, message);

    const meta = h('div', { class: 'meta' }, this.timestamp(message.at));
    const element = h('div', { class: `message message--${message.author}`, 'data-message-id': message.id },
      bubble,
      message.author === 'bot' && message.quickReplies.length ? this.quickReplies(message) : null,
      meta);
    this.patch(element, message);
    return element;
  }

  private fillBotBubble(bubble: HTMLElement, message: BotMessage): void {
    const { strings } = this.options;
    if (message.text) bubble.append(renderMarkdown(message.text, { newTabHint: strings.opensInNewTab }));
    const image = message.imageUrl && safeUrl(message.imageUrl);
    if (image) bubble.append(h('img', { src: image, alt: strings.imageFromBot, loading: 'lazy' }));
    const attachment = message.attachmentUrl && safeUrl(message.attachmentUrl);
    if (attachment) {
      bubble.append(h('p', {}, h('a', { href: attachment, target: '_blank', rel: 'noopener noreferrer' },
        strings.attachment, visuallyHidden(` ${strings.opensInNewTab}`))));
    }
  }

  private quickReplies(message: BotMessage): HTMLElement {
    const group = h('div', { class: 'quick-replies', role: 'group', 'aria-label': this.options.strings.suggestedReplies });
    for (const reply of message.quickReplies) {
      const button = h('button', { type: 'button', class: 'quick-reply' }, reply.title);
      // A click from the keyboard has no pointer position: detail is 0.
      button.addEventListener('click', (event) => this.options.onQuickReply(message, reply, event.detail === 0));
      group.append(button);
    }
    return group;
  }

  /** The parts of a drawn message that can change: quick replies used, queued -> sent. */
  private patch(element: HTMLElement, message: ChatMessage): void {
    if (message.author === 'bot') {
      for (const button of element.querySelectorAll<HTMLButtonElement>('.quick-reply')) {
        button.disabled = message.quickRepliesUsed;
      }
      return;
    }
    const meta = element.querySelector('.meta');
    const pending = meta?.querySelector('.pending');
    if (message.status === 'queued' && !pending) {
      meta?.append(h('span', { class: 'pending' }, ` · ${this.options.strings.waitingToSend}`));
    } else if (message.status === 'sent' && pending) {
      pending.remove();
    }
  }

  private timestamp(at: number): HTMLTimeElement {
    const date = new Date(at);
    const today = date.toDateString() === new Date().toDateString();
    const formatted = new Intl.DateTimeFormat(this.options.lang, today
      ? { hour: 'numeric', minute: '2-digit' }
      : { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }).format(date);
    return h('time', { datetime: date.toISOString() }, formatted);
  }
}
