/**
 * Draws the bot's simple markdown (paragraph lines, `-`/`*`/`1.` lists, `**bold**`, `*italic*`,
 * `[links](https://…)` and bare URLs) as DOM nodes. Every piece of text becomes a text node and
 * only http(s), mailto and tel links survive, so nothing the bot or a student sends can inject
 * markup or script: there is no innerHTML anywhere in the widget.
 */

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:', 'tel:']);

// One alternative per inline construct; the first to match at a position wins.
const INLINE = /\*\*(.+?)\*\*|__(.+?)__|\[([^\]]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>]*[^\s<>.,;:!?)\]'"])|\*([^*\s][^*]*?)\*/g;

const BULLET = /^\s*[-*•]\s+(.*)$/;
const NUMBERED = /^\s*\d+[.)]\s+(.*)$/;

export interface LinkOptions {
  /** Appended, visually hidden, to links that open a new tab. */
  newTabHint: string;
}

/** A URL the widget may link or load, absolute, or null if it is not one of the safe kinds. */
export function safeUrl(href: string): string | null {
  try {
    const url = new URL(href, location.href);
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

export function renderMarkdown(text: string, options: LinkOptions): DocumentFragment {
  const fragment = document.createDocumentFragment();
  let list: HTMLElement | null = null;
  let paragraph: HTMLElement | null = null;

  for (const line of text.split('\n')) {
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    if (bullet || numbered) {
      const tag = bullet ? 'ul' : 'ol';
      if (!list || list.tagName.toLowerCase() !== tag) {
        list = fragment.appendChild(document.createElement(tag));
      }
      const item = list.appendChild(document.createElement('li'));
      appendInline(item, (bullet ?? numbered)![1], options);
      paragraph = null;
    } else if (line.trim() === '') {
      list = null;
      paragraph = null;
    } else {
      list = null;
      if (paragraph) paragraph.appendChild(document.createElement('br'));
      else paragraph = fragment.appendChild(document.createElement('p'));
      appendInline(paragraph, line, options);
    }
  }
  return fragment;
}

function appendInline(parent: Node, text: string, options: LinkOptions): void {
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    const index = match.index ?? 0;
    if (index > last) parent.appendChild(document.createTextNode(text.slice(last, index)));
    const [whole, bold, boldUnderscore, linkText, linkHref, bareUrl, italic] = match;
    if (bold !== undefined || boldUnderscore !== undefined) {
      appendInline(parent.appendChild(document.createElement('strong')), bold ?? boldUnderscore, options);
    } else if (italic !== undefined) {
      appendInline(parent.appendChild(document.createElement('em')), italic, options);
    } else {
      const href = safeUrl(linkHref ?? bareUrl);
      if (href) parent.appendChild(link(href, linkText ?? bareUrl, options));
      else parent.appendChild(document.createTextNode(linkText ?? whole));
    }
    last = index + whole.length;
  }
  if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
}

function link(href: string, text: string, options: LinkOptions): HTMLAnchorElement {
  const anchor = document.createElement('a');
  anchor.href = href;
  anchor.textContent = text;
  if (/^https?:/.test(href)) {
    anchor.target = '_blank';
    anchor.rel = 'noopener noreferrer';
    const hint = anchor.appendChild(document.createElement('span'));
    hint.className = 'visually-hidden';
    hint.textContent = ` ${options.newTabHint}`;
  }
  return anchor;
}
