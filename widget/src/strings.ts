/**
 * Every word the widget shows or announces, in English and in Spanish (the assistant's two
 * languages). A site rewords them by passing its own values (as JSON in `data-strings`, for the
 * page's language); anything it leaves out falls back to these.
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
  /** The language control: the name of the other language, in that language. */
  switchLanguage: 'Español',
  switchLanguageLabel: 'Cambiar la conversación a español',
};

export type Strings = typeof DEFAULT_STRINGS;

/** The languages the assistant speaks; the widget's own words in each. */
export type Language = 'en' | 'es';

export const SPANISH_STRINGS: Strings = {
  openChat: 'Abrir chat',
  closeChat: 'Cerrar chat',
  unreadMessages: '{count} mensajes sin leer',
  newConversation: 'Nueva conversación',
  newConversationStarted: 'Se inició una nueva conversación.',
  conversationLog: 'Conversación',
  inputLabel: 'Tu mensaje',
  inputPlaceholder: 'Haz una pregunta…',
  send: 'Enviar',
  you: 'Tú',
  bot: 'Asistente',
  botTyping: 'El asistente está escribiendo…',
  suggestedReplies: 'Respuestas sugeridas',
  offline: 'Se perdió la conexión. Reconectando… Los mensajes que envíes ahora se entregarán cuando se restablezca.',
  waitingToSend: 'Esperando para enviar',
  dismissGreeting: 'Cerrar',
  imageFromBot: 'Imagen del asistente',
  attachment: 'Abrir archivo adjunto',
  opensInNewTab: '(se abre en una pestaña nueva)',
  switchLanguage: 'English',
  switchLanguageLabel: 'Switch the conversation to English',
};

const STRINGS_BY_LANGUAGE: Record<Language, Strings> = { en: DEFAULT_STRINGS, es: SPANISH_STRINGS };

/** The supported language of a BCP 47 tag ("es-MX" is Spanish); anything else is English. */
export function languageOf(tag: string | null | undefined): Language {
  return (tag ?? '').trim().toLowerCase().split(/[-_]/)[0] === 'es' ? 'es' : 'en';
}

export function stringsFor(language: Language): Strings {
  return { ...STRINGS_BY_LANGUAGE[language] };
}

/** Fills `{name}` placeholders, e.g. `format(strings.unreadMessages, { count: 2 })`. */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}
