/**
 * The widget's CSS, scoped to its shadow root so the host page's styles cannot break it and
 * it cannot break the page. Colours meet WCAG AA (brand colours via `--cw-*`, see colors.ts);
 * focus is always visible; motion stops under `prefers-reduced-motion`; below 768 px the panel
 * takes the whole screen, clear of notches and of the on-screen keyboard.
 */
export const WIDGET_CSS = `
:host { all: initial; }
* { box-sizing: border-box; }
.root {
  --cw-text: #1f2328; --cw-muted: #57606a; --cw-surface: #ffffff; --cw-bot-bubble: #f1f3f5;
  --cw-border: #8c959f; --cw-focus: #111111;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--cw-text);
}
.visually-hidden {
  position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
button, textarea { font: inherit; color: inherit; }
button { cursor: pointer; }
:focus-visible { outline: 3px solid var(--cw-focus); outline-offset: 2px; box-shadow: 0 0 0 2px #fff; }

.launcher {
  position: fixed; z-index: 2147483000;
  right: max(20px, env(safe-area-inset-right)); bottom: max(20px, env(safe-area-inset-bottom));
  width: 60px; height: 60px; border-radius: 50%; border: 0;
  background: var(--cw-primary); color: var(--cw-on-primary);
  display: grid; place-items: center; box-shadow: 0 4px 14px rgba(0,0,0,.3);
  transition: transform .15s ease;
}
.launcher:hover { transform: scale(1.06); }
.launcher svg { width: 28px; height: 28px; fill: currentColor; }
.launcher[aria-expanded="true"] .icon-chat, .launcher[aria-expanded="false"] .icon-close { display: none; }
.badge {
  position: absolute; top: -4px; right: -4px; min-width: 22px; height: 22px; padding: 0 6px;
  border-radius: 11px; background: #b3261e; color: #fff; font-size: 12px; font-weight: 700;
  line-height: 22px; text-align: center; box-shadow: 0 0 0 2px #fff;
}

.teaser {
  position: fixed; z-index: 2147483000; display: flex; align-items: flex-start; gap: 4px;
  right: max(20px, env(safe-area-inset-right)); bottom: calc(max(20px, env(safe-area-inset-bottom)) + 72px);
  max-width: min(300px, calc(100vw - 40px)); padding: 4px; border-radius: 12px;
  background: var(--cw-surface); box-shadow: 0 4px 18px rgba(0,0,0,.22);
  animation: cw-rise .25s ease-out;
}
.teaser-text { flex: 1; text-align: left; background: none; border: 0; padding: 8px 10px; border-radius: 8px; }
.teaser-dismiss { background: none; border: 0; width: 32px; height: 32px; border-radius: 50%; color: var(--cw-muted); display: grid; place-items: center; }
.teaser-dismiss svg, .icon-button svg { width: 18px; height: 18px; fill: currentColor; }

.panel {
  position: fixed; z-index: 2147483001;
  right: max(20px, env(safe-area-inset-right)); bottom: calc(max(20px, env(safe-area-inset-bottom)) + 72px);
  width: 380px; height: min(620px, calc(100vh - 120px));
  display: flex; flex-direction: column; overflow: hidden;
  background: var(--cw-surface); border-radius: 14px; box-shadow: 0 8px 32px rgba(0,0,0,.28);
  animation: cw-rise .2s ease-out;
}
.panel[hidden], .teaser[hidden], .banner[hidden], .typing[hidden] { display: none; }
.header {
  display: flex; align-items: center; gap: 6px; padding: 10px 8px 10px 16px;
  background: var(--cw-primary); color: var(--cw-on-primary);
}
.title { flex: 1; margin: 0; font-size: 17px; font-weight: 650; }
.header button { background: transparent; border: 1px solid transparent; border-radius: 8px; min-height: 36px; }
.header button:hover { border-color: currentColor; }
.header :focus-visible { outline-color: var(--cw-on-primary); box-shadow: none; outline-offset: -3px; }
.new-conversation, .switch-language { padding: 4px 10px; font-size: 13px; }
.icon-button { width: 36px; display: grid; place-items: center; }

.banner { margin: 0; padding: 8px 14px; background: #fff4ce; color: #3b2e00; font-size: 14px; border-bottom: 1px solid #d4a72c; }
.log { flex: 1; overflow-y: auto; padding: 14px; display: flex; flex-direction: column; gap: 10px; overscroll-behavior: contain; }
.log:focus-visible { outline-offset: -3px; box-shadow: none; }
.message { display: flex; flex-direction: column; max-width: 85%; }
.message--user { align-self: flex-end; align-items: flex-end; }
.message--bot { align-self: flex-start; align-items: flex-start; }
.bubble { padding: 9px 13px; border-radius: 16px; overflow-wrap: anywhere; }
.message--bot .bubble { background: var(--cw-bot-bubble); border-bottom-left-radius: 4px; }
.message--user .bubble { background: var(--cw-primary); color: var(--cw-on-primary); border-bottom-right-radius: 4px; white-space: pre-wrap; }
.bubble p { margin: 0; }
.bubble p + p, .bubble p + ul, .bubble p + ol, .bubble ul + p, .bubble ol + p { margin-top: 6px; }
.bubble ul, .bubble ol { margin: 4px 0 0; padding-left: 20px; }
.bubble a { color: var(--cw-link); text-decoration: underline; }
.bubble img { display: block; max-width: 100%; border-radius: 10px; }
.meta { margin-top: 3px; font-size: 12px; color: var(--cw-muted); }
.quick-replies { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }
.quick-reply {
  padding: 6px 12px; border-radius: 16px; min-height: 32px;
  background: var(--cw-surface); color: var(--cw-link); border: 1.5px solid var(--cw-link);
}
.quick-reply:hover:not(:disabled) { background: var(--cw-bot-bubble); }
.quick-reply:disabled { cursor: default; color: #6e7781; border-color: #d0d7de; }

.typing { display: flex; align-items: center; gap: 8px; padding: 0 14px 8px; color: var(--cw-muted); font-size: 13px; }
.dots { display: inline-flex; gap: 3px; }
.dots span { width: 6px; height: 6px; border-radius: 50%; background: var(--cw-muted); animation: cw-blink 1.2s infinite ease-in-out; }
.dots span:nth-child(2) { animation-delay: .2s; }
.dots span:nth-child(3) { animation-delay: .4s; }

.composer { display: flex; align-items: flex-end; gap: 8px; padding: 10px; border-top: 1px solid #d0d7de; }
.composer textarea {
  flex: 1; resize: none; max-height: 120px; min-height: 42px; padding: 9px 12px;
  border: 1.5px solid var(--cw-border); border-radius: 10px; background: var(--cw-surface);
  font-size: 16px; /* 16px keeps iOS from zooming the page on focus */
}
.composer textarea::placeholder { color: var(--cw-muted); opacity: 1; }
.send {
  width: 42px; height: 42px; flex: none; border: 0; border-radius: 50%;
  background: var(--cw-primary); color: var(--cw-on-primary); display: grid; place-items: center;
}
.send svg { width: 20px; height: 20px; fill: currentColor; }

@media (max-width: 767.98px) {
  .panel {
    inset: 0; width: 100%; border-radius: 0;
    height: 100vh; height: 100dvh; height: var(--cw-viewport-height, 100dvh);
    padding: env(safe-area-inset-top) env(safe-area-inset-right) env(safe-area-inset-bottom) env(safe-area-inset-left);
  }
  .message { max-width: 92%; }
}

@keyframes cw-rise { from { opacity: 0; transform: translateY(8px); } to { opacity: 1; transform: none; } }
@keyframes cw-blink { 0%, 80%, 100% { opacity: .25; } 40% { opacity: 1; } }
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { animation: none !important; transition: none !important; }
  .launcher:hover { transform: none; }
}
`;
