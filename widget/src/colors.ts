/**
 * WCAG contrast arithmetic, so a site can pick any brand colour and the widget still meets
 * AA: text on the brand colour is black or white, whichever reads better, and links fall back
 * to a dark colour when the brand colour is too light to read on white.
 */
const AA_NORMAL_TEXT = 4.5;

type Rgb = [number, number, number];

/** `#rgb` or `#rrggbb`, or null for anything else. */
export function parseHexColor(value: string): Rgb | null {
  const match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value.trim());
  if (!match) return null;
  const hex = match[1].length === 3 ? [...match[1]].map((c) => c + c).join('') : match[1];
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
}

function luminance([r, g, b]: Rgb): number {
  const linear = (channel: number) => {
    const c = channel / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

export function contrastRatio(a: Rgb, b: Rgb): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

export interface Theme {
  primary: string;
  onPrimary: string;
  /** Colour for links and quick replies on the assistant's light bubbles. */
  link: string;
}

const WHITE: Rgb = [255, 255, 255];
const NEAR_BLACK: Rgb = [17, 17, 17];
const FALLBACK_PRIMARY = '#0b4f8a';
/** The assistant's bubble colour (see styles.ts): links must read on it, not just on white. */
const BOT_BUBBLE: Rgb = [241, 243, 245];

export function themeFor(primaryColor: string): Theme {
  const parsed = parseHexColor(primaryColor);
  const primary = parsed ? primaryColor : FALLBACK_PRIMARY;
  const rgb = parsed ?? (parseHexColor(FALLBACK_PRIMARY) as Rgb);
  const onPrimary = contrastRatio(rgb, WHITE) >= contrastRatio(rgb, NEAR_BLACK) ? '#ffffff' : '#111111';
  const link = contrastRatio(rgb, BOT_BUBBLE) >= AA_NORMAL_TEXT ? primary : '#1a1a1a';
  return { primary, onPrimary, link };
}
