// The browser tests' npm dependencies live in widget/ (one package.json and lock file for all
// of the project's JavaScript), so load them from there rather than from a second node_modules.
import { createRequire } from 'node:module';

const requireFromWidget = createRequire(new URL('../../../widget/package.json', import.meta.url));

export const { chromium } = requireFromWidget('playwright-core');
export const axeSource = requireFromWidget('axe-core').source;
export const { io } = requireFromWidget('socket.io-client');
export const esbuild = requireFromWidget('esbuild');
