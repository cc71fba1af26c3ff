/**
 * The conversation's messages, as the widget stores and draws them, and the translation of
 * what Rasa's socketio channel emits (`bot_uttered`) into them.
 */

export interface QuickReply {
  title: string;
  payload: string;
}

interface BaseMessage {
  id: string;
  /** Epoch milliseconds, for the timestamp under the bubble. */
  at: number;
}

export interface UserMessage extends BaseMessage {
  author: 'user';
  /** What the student sees in their bubble (a quick reply's title). */
  text: string;
  /** What goes to the bot (a quick reply's payload, else the text). */
  payload: string;
  /** Sent on the student's behalf to start the conversation; never drawn. */
  hidden: boolean;
  /** `queued` until the bot server has it: typed offline, it waits for the connection. */
  status: 'queued' | 'sent';
  /** The tab that sent it records the replies, so two open tabs do not store them twice. */
  tabId: string;
}

export interface BotMessage extends BaseMessage {
  author: 'bot';
  text: string;
  imageUrl?: string;
  attachmentUrl?: string;
  quickReplies: QuickReply[];
  /** Set once the student picks one of the quick replies (or moves on): they stop working. */
  quickRepliesUsed: boolean;
}

export type ChatMessage = UserMessage | BotMessage;

/** A random id. `randomUUID` exists only on secure origins, so plain-http sites get the fallback. */
export function newId(): string {
  const uuid = (crypto as Partial<Crypto>).randomUUID?.();
  if (uuid) return uuid;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A session id Rasa will use as the conversation's sender id: 32 random hex digits. */
export function newSessionId(): string {
  return newId().replace(/-/g, '');
}

/**
 * Turns one `bot_uttered` payload into a message, or null when it has nothing to show.
 * Rasa sends `{text}`, `{text, quick_replies}`, `{attachment: {type: "image", payload: {src}}}`,
 * other attachments, or whatever a custom action put in `json_message`.
 */
export function botMessageFrom(payload: unknown, at = Date.now()): BotMessage | null {
  if (!payload || typeof payload !== 'object') return null;
  const data = payload as Record<string, unknown>;
  const message: BotMessage = {
    id: newId(),
    author: 'bot',
    at,
    text: typeof data.text === 'string' ? data.text : '',
    quickReplies: quickRepliesFrom(data.quick_replies ?? data.buttons),
    quickRepliesUsed: false,
  };
  const attachment = data.attachment as { type?: unknown; payload?: { src?: unknown } } | undefined;
  const src = attachment?.payload?.src;
  if (typeof src === 'string') {
    if (attachment?.type === 'image') message.imageUrl = src;
    else message.attachmentUrl = src;
  } else if (typeof data.image === 'string') {
    message.imageUrl = data.image;
  }
  const hasContent = message.text || message.imageUrl || message.attachmentUrl || message.quickReplies.length;
  return hasContent ? message : null;
}

function quickRepliesFrom(value: unknown): QuickReply[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    const title = item?.title;
    const payload = item?.payload ?? title;
    return typeof title === 'string' && typeof payload === 'string' ? [{ title, payload }] : [];
  });
}
