/**
 * The widget's configuration, read from the attributes of its own `<script>` tag so a page
 * embeds it with one tag and no inline script (which a strict Content-Security-Policy forbids):
 *
 *   <script src="https://school.example/widget/chat-widget.js" defer
 *           data-bot-url="https://bot.school.example" data-title="Enrollment assistant"
 *           data-greeting="Questions about our degrees? Ask me!" data-primary-color="#0b4f8a"></script>
 */
import { DEFAULT_STRINGS, type Strings } from './strings';

export interface WidgetConfig {
  /** Origin of the Rasa server, e.g. `http://127.0.0.1:5005`. */
  botUrl: string;
  /** Where Rasa's socketio channel listens (credentials.yml `socketio_path`). */
  socketPath: string;
  title: string;
  /** Optional teaser shown next to the launcher until the student opens or dismisses it. */
  greeting: string;
  /** Sent (invisibly) when a conversation starts, so the bot opens with its own greeting. */
  initPayload: string;
  primaryColor: string;
  /** BCP 47 language of the strings, for screen readers and time formatting. */
  lang: string;
  strings: Strings;
}

const DEFAULTS: Omit<WidgetConfig, 'botUrl' | 'strings'> = {
  socketPath: '/socket.io',
  title: 'Enrollment assistant',
  greeting: '',
  initPayload: '/greet',
  primaryColor: '#0b4f8a',
  lang: 'en',
};

/** Builds the configuration from a script tag's `data-*` attributes, defaults for the rest. */
export function configFromScript(script: HTMLScriptElement | null): WidgetConfig {
  const data = script?.dataset ?? {};
  const scriptOrigin = script?.src ? new URL(script.src, location.href).origin : location.origin;
  return {
    botUrl: data.botUrl || scriptOrigin,
    socketPath: data.socketPath || DEFAULTS.socketPath,
    title: data.title || DEFAULTS.title,
    greeting: data.greeting ?? DEFAULTS.greeting,
    initPayload: data.initPayload ?? DEFAULTS.initPayload,
    primaryColor: data.primaryColor || DEFAULTS.primaryColor,
    lang: data.lang || document.documentElement.lang || DEFAULTS.lang,
    strings: mergeStrings(data.strings),
  };
}

/** Site strings over the defaults; a malformed value must not take the widget down. */
function mergeStrings(json: string | undefined): Strings {
  if (!json) return { ...DEFAULT_STRINGS };
  try {
    const custom: unknown = JSON.parse(json);
    const strings = { ...DEFAULT_STRINGS };
    if (custom && typeof custom === 'object') {
      for (const [key, value] of Object.entries(custom)) {
        if (key in strings && typeof value === 'string') strings[key as keyof Strings] = value;
      }
    }
    return strings;
  } catch {
    console.warn('chat widget: data-strings is not valid JSON; using the default strings');
    return { ...DEFAULT_STRINGS };
  }
}
