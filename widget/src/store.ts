/**
 * The conversation as the student sees it, kept in localStorage so it survives reloads and is
 * shared by every tab of the site: the session id (Rasa's sender id), the messages, messages
 * still waiting to be sent, the unread count and whether the greeting teaser was dismissed.
 * (Whether the panel is open belongs to each tab: see `TabPreferences`.)
 *
 * Every change re-reads the stored state before applying itself, so two tabs editing at once
 * do not overwrite each other, and a `storage` event from another tab redraws this one.
 */
import { newSessionId, type ChatMessage } from './messages';
import type { Language } from './strings';

export interface ConversationState {
  sessionId: string;
  messages: ChatMessage[];
  unread: number;
  greetingDismissed: boolean;
  /** The language the student chose with the control; absent: the page's. */
  language?: Language;
}

type Listener = (state: ConversationState) => void;

/** Older messages are dropped beyond this, so the stored conversation stays small. */
const MAX_MESSAGES = 200;
const STATE_VERSION = 1;

export function emptyConversation(): ConversationState {
  return { sessionId: newSessionId(), messages: [], unread: 0, greetingDismissed: false };
}

export class ConversationStore {
  private readonly key: string;
  private readonly storage: Storage | null;
  private memory: ConversationState;
  private readonly listeners = new Set<Listener>();

  /** One conversation per bot: a site embedding two bots keeps them apart. */
  constructor(botUrl: string, storage: Storage | null = availableLocalStorage()) {
    this.key = `chat-widget:v${STATE_VERSION}:${botUrl}`;
    this.storage = storage;
    this.memory = this.read() ?? emptyConversation();
    this.write(this.memory);
    window.addEventListener('storage', (event) => {
      if (event.key !== this.key) return;
      this.memory = this.read() ?? emptyConversation();
      this.notify();
    });
  }

  get state(): ConversationState {
    return this.memory;
  }

  subscribe(listener: Listener): void {
    this.listeners.add(listener);
  }

  /** Applies `change` to the freshest stored state, saves it and tells the listeners. */
  update(change: (state: ConversationState) => ConversationState): ConversationState {
    const next = change(this.read() ?? this.memory);
    next.messages = next.messages.slice(-MAX_MESSAGES);
    this.memory = next;
    this.write(next);
    this.notify();
    return next;
  }

  private notify(): void {
    for (const listener of this.listeners) listener(this.memory);
  }

  private read(): ConversationState | null {
    try {
      const raw = this.storage?.getItem(this.key);
      const parsed = raw ? (JSON.parse(raw) as ConversationState) : null;
      return parsed && typeof parsed.sessionId === 'string' && Array.isArray(parsed.messages) ? parsed : null;
    } catch {
      return null;
    }
  }

  private write(state: ConversationState): void {
    try {
      this.storage?.setItem(this.key, JSON.stringify(state));
    } catch {
      // Storage full or blocked: the conversation still works, it just will not survive a reload.
    }
  }
}

/** localStorage, or null where the browser blocks it (some privacy modes throw on access). */
function availableLocalStorage(): Storage | null {
  try {
    const probe = '__chat-widget-probe__';
    window.localStorage.setItem(probe, probe);
    window.localStorage.removeItem(probe);
    return window.localStorage;
  } catch {
    return null;
  }
}

/**
 * What belongs to one browser tab and survives its reloads (sessionStorage): the tab's id, which
 * decides who records a reply, and whether its panel is open, so a reload does not close it
 * and opening the chat in one tab does not pop it open in the others.
 */
export class TabPreferences {
  readonly tabId: string;

  constructor(private readonly storage: Storage | null = availableSessionStorage()) {
    this.tabId = this.get('tab') ?? newSessionId();
    this.set('tab', this.tabId);
  }

  get open(): boolean {
    return this.get('open') === 'true';
  }

  set open(value: boolean) {
    this.set('open', String(value));
  }

  private get(name: string): string | null {
    try {
      return this.storage?.getItem(`chat-widget:${name}`) ?? null;
    } catch {
      return null;
    }
  }

  private set(name: string, value: string): void {
    try {
      this.storage?.setItem(`chat-widget:${name}`, value);
    } catch {
      // Blocked storage: the preference lasts until the page is left.
    }
  }
}

function availableSessionStorage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}
