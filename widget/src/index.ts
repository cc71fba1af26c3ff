/**
 * Entry point of the bundle: configures itself from its own `<script>` tag and mounts once
 * the page's body exists. `window.chatWidget` lets the page open or close it from code.
 */
import { configFromScript } from './config';
import { ChatWidget } from './widget';

declare global {
  interface Window {
    chatWidget?: ChatWidget;
  }
}

const script = document.currentScript as HTMLScriptElement | null;

function start(): void {
  if (window.chatWidget) return; // embedded twice: keep the first
  const widget = new ChatWidget(configFromScript(script));
  window.chatWidget = widget;
  widget.mount();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
