/**
 * Every word the widget shows or announces. A site translates the widget by passing its own
 * values (as JSON in `data-strings`); anything it leaves out falls back to these.
 * `{count}` is replaced by a number.
 */
export const DEFAULT_STRINGS = {
  openChat: 'Open chat',
  closeChat: 'Close chat',
  unreadMessages: '{count} unread messages',
  newConversation: 'New conversation',
  newConversationStarted: 'New conversation started.',
  conversationLog: 'Conversation',
  inputLabel: 'Your message',
  inputPlaceholder: 'Ask a question…',
  send: 'Send',
  you: 'You',
  bot: 'Assistant',
  botTyping: 'The assistant is typing…',
  suggestedReplies: 'Suggested replies',
  offline: 'Connection lost. Reconnecting… Messages you send now will be delivered when it is back.',
  waitingToSend: 'Waiting to send',
  dismissGreeting: 'Dismiss',
  imageFromBot: 'Image from the assistant',
  attachment: 'Open attachment',
  opensInNewTab: '(opens in a new tab)',
};

export type Strings = typeof DEFAULT_STRINGS;

/** Fills `{name}` placeholders, e.g. `format(strings.unreadMessages, { count: 2 })`. */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}
