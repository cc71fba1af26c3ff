/**
 * The widget's configuration, read from the attributes of its own `<script>` tag so a page
 * embeds it with one tag and no inline script (which a strict Content-Security-Policy forbids):
 *
 *   <script src="https://school.example/widget/chat-widget.js" defer
 *           data-bot-url="https://bot.school.example" data-title="Enrollment assistant"
 *           data-greeting="Questions about our degrees? Ask me!" data-primary-color="#0b4f8a"></script>
 */
import { languageOf, stringsFor, type Language, type Strings } from './strings';

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
  /** The conversation's language at the start: the page's (`data-lang`, else `<html lang>`,
   * else the browser's). The student can switch with the control in the header. */
  language: Language;
  strings: Strings;
  /** The site's own wording (`data-title`, `data-strings`), for its page language only. */
  siteTitle: string;
  siteStrings: Partial<Strings>;
}

const TITLES: Record<Language, string> = { en: 'Enrollment assistant', es: 'Asistente de admisiones' };

const DEFAULTS = {
  socketPath: '/socket.io',
  greeting: '',
  initPayload: '/greet',
  primaryColor: '#0b4f8a',
};

/** Builds the configuration from a script tag's `data-*` attributes, defaults for the rest. */
export function configFromScript(script: HTMLScriptElement | null): WidgetConfig {
  const data = script?.dataset ?? {};
  const scriptOrigin = script?.src ? new URL(script.src, location.href).origin : location.origin;
  const lang = data.lang || document.documentElement.lang || navigator.language || 'en';
  const config = {
    botUrl: data.botUrl || scriptOrigin,
    socketPath: data.socketPath || DEFAULTS.socketPath,
    greeting: data.greeting ?? DEFAULTS.greeting,
    initPayload: data.initPayload ?? DEFAULTS.initPayload,
    primaryColor: data.primaryColor || DEFAULTS.primaryColor,
    siteTitle: data.title || '',
    siteStrings: siteStrings(data.strings),
  };
  return inLanguage({ ...config, lang, language: languageOf(lang), title: '', strings: stringsFor('en') }, languageOf(lang));
}

/** `config` with its words in `language`: the site's wording where it is for that language. */
export function inLanguage(config: WidgetConfig, language: Language): WidgetConfig {
  const pageLanguage = languageOf(config.lang);
  const site = language === pageLanguage;
  return {
    ...config,
    language,
    lang: site ? config.lang : language,
    title: (site && config.siteTitle) || TITLES[language],
    strings: { ...stringsFor(language), ...(site ? config.siteStrings : {}) },
  };
}

/** The site's strings (JSON); a malformed value must not take the widget down. */
function siteStrings(json: string | undefined): Partial<Strings> {
  if (!json) return {};
  try {
    const custom: unknown = JSON.parse(json);
    const strings: Partial<Strings> = {};
    const known = stringsFor('en');
    if (custom && typeof custom === 'object') {
      for (const [key, value] of Object.entries(custom)) {
        if (key in known && typeof value === 'string') strings[key as keyof Strings] = value;
      }
    }
    return strings;
  } catch {
    console.warn('chat widget: data-strings is not valid JSON; using the default strings');
    return {};
  }
}
