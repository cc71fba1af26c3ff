// Starts what `make run` starts (action server, Rasa server, site) on free loopback ports with a
// throw-away database and tracker store, as tools/servers.py does for the REST tests, so the
// browser talks to exactly what a student's browser would.
import { spawn, execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHmac, randomBytes } from 'node:crypto';

export const REPO_ROOT = new URL('../../../', import.meta.url).pathname.replace(/\/$/, '');
const fromRepo = (path) => (path.startsWith('/') ? path : join(REPO_ROOT, path));

// Overridable so the tests can run against other environments; the defaults are the Makefile's.
const RASA_VENV = fromRepo(process.env.RASA_VENV ?? '.venv/rasa');
const ACTIONS_VENV = fromRepo(process.env.ACTIONS_VENV ?? '.venv/actions');
export const MODEL = fromRepo(process.env.MODEL ?? 'models/enrollment.tar.gz');
const CREDENTIALS = fromRepo(process.env.CREDENTIALS ?? 'credentials.yml');
const ENDPOINTS = fromRepo(process.env.ENDPOINTS ?? 'endpoints.yml');
export const WIDGET_BUNDLE = join(REPO_ROOT, 'widget/dist/chat-widget.js');

const RASA_STARTUP_MS = 300_000;

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** What must exist before the servers can start; each entry says how to get it. */
export function missingPrerequisites() {
  const missing = [];
  if (!existsSync(join(RASA_VENV, 'bin/rasa'))) missing.push(`${RASA_VENV} (make setup)`);
  if (!existsSync(join(ACTIONS_VENV, 'bin/python'))) missing.push(`${ACTIONS_VENV} (make setup)`);
  if (!existsSync(MODEL)) missing.push(`${MODEL} (make train)`);
  if (!existsSync(WIDGET_BUNDLE)) missing.push(`${WIDGET_BUNDLE} (npm ci && npm run build in widget/)`);
  return missing;
}

export class Servers {
  constructor() {
    this.workdir = mkdtempSync(join(tmpdir(), 'browser-tests-'));
    // The HTTP API's JWT secret: in the Rasa server's and the site's environment only, never on a
    // command line.
    this.jwtSecret = randomBytes(32).toString('base64url');
    // The staff console's accounts (created after the seed), with throw-away passwords.
    this.staff = {
      counselor: { email: 'counselor-test@example.org', name: 'Test Counselor', role: 'counselor', password: randomBytes(12).toString('base64url') },
      office: { email: 'office-test@example.org', name: 'Test Office', role: 'office', password: randomBytes(12).toString('base64url') },
    };
    this.processes = new Map();
  }

  async start() {
    [this.actionPort, this.rasaPort, this.sitePort] = await Promise.all([freePort(), freePort(), freePort()]);
    this.siteUrl = `http://127.0.0.1:${this.sitePort}`;
    this.rasaUrl = `http://127.0.0.1:${this.rasaPort}`;
    // The catalog, plus a test counselor who is always in and their slots (as `make db` seeds them).
    const counselors = join(REPO_ROOT, 'tools/always_open_counselors.yml');
    for (const command of [['db', 'seed'], ['counselors', 'seed', '--file', counselors], ['slots', 'generate']]) {
      execFileSync(join(ACTIONS_VENV, 'bin/python'), ['-m', 'bot', ...command], { cwd: REPO_ROOT, env: this.env, stdio: 'pipe' });
    }
    // Two staff console accounts; the counselor's e-mail is the test counselor's, so it links to
    // that calendar. The password goes on standard input, never on the command line.
    for (const { email, name, role, password } of Object.values(this.staff)) {
      execFileSync(join(ACTIONS_VENV, 'bin/python'), ['-m', 'bot', 'staff', 'add', email, '--name', name, '--role', role, '--password-stdin'],
        { cwd: REPO_ROOT, env: this.env, input: `${password}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
    }

    this.spawn('actions', join(ACTIONS_VENV, 'bin/python'), ['-m', 'actions'],
      { ACTION_SERVER_HOST: '127.0.0.1', ACTION_SERVER_PORT: String(this.actionPort) });
    // The site's console answers handed-over students through the Rasa HTTP API (so it needs the
    // API's address and secret) and reads their messages from the Rasa server's tracker store
    // (TRACKER_STORE_URL, in `env` for every process).
    this.spawn('site', join(ACTIONS_VENV, 'bin/python'), ['-m', 'bot.web'], {
      RASA_URL: this.rasaUrl,
      RASA_JWT_SECRET: this.jwtSecret,
      CONSOLE_SESSION_SECRET_FILE: join(this.workdir, 'console-session-secret'),
    });
    this.spawn('rasa', join(RASA_VENV, 'bin/python'), [
      '-m', 'rasa_plugins.server', '--model', MODEL, '--endpoints', ENDPOINTS, '--credentials', CREDENTIALS,
      '--interface', '127.0.0.1', '--port', String(this.rasaPort), '--cors', this.siteUrl,
      '--enable-api'], { RASA_JWT_SECRET: this.jwtSecret });

    await this.waitUntil('actions', 60_000, async () => (await fetch(`http://127.0.0.1:${this.actionPort}/health`)).ok);
    await this.waitUntil('site', 30_000, async () => (await fetch(this.siteUrl)).ok);
    await this.waitUntil('rasa', RASA_STARTUP_MS, async () => {
      const status = await fetch(`${this.rasaUrl}/status`, { headers: this.apiHeaders() });
      return status.ok && Boolean((await status.json()).model_id);
    });
  }

  get env() {
    return {
      ...process.env,
      DATABASE_URL: `sqlite:///${join(this.workdir, 'program.db')}`,
      TRACKER_STORE_URL: `sqlite:///${join(this.workdir, 'tracker.db')}`,
      ACTION_SERVER_URL: `http://127.0.0.1:${this.actionPort}/webhook`,
      SANIC_HOST: '127.0.0.1',
      RASA_TELEMETRY_ENABLED: 'false',
      TF_CPP_MIN_LOG_LEVEL: '2',
      // Only the test site may open a socket (rasa_plugins/channels/site_socketio.py reads this).
      RASA_CORS_ORIGINS: this.siteUrl ?? '',
      SITE_HOST: '127.0.0.1',
      SITE_PORT: String(this.sitePort ?? ''),
      BOT_PUBLIC_URL: this.rasaUrl ?? '',
    };
  }

  spawn(name, command, args, env = {}) {
    const log = join(this.workdir, `${name}.log`);
    const child = spawn(command, args, { cwd: REPO_ROOT, env: { ...this.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = createWriteStream(log);
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    this.processes.set(name, { child, log });
  }

  async waitUntil(name, timeoutMs, check) {
    const { child, log } = this.processes.get(name);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${name} exited early:\n${this.tail(log)}`);
      try {
        if (await check()) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`${name} did not come up in ${timeoutMs / 1000}s:\n${this.tail(log)}`);
  }

  tail(log) {
    return existsSync(log) ? readFileSync(log, 'utf8').slice(-4000) : '(no log)';
  }

  /** The conversation Rasa keeps for `sessionId` (through the HTTP API, enabled for the tests). */
  async tracker(sessionId) {
    const reply = await fetch(`${this.rasaUrl}/conversations/${sessionId}/tracker`, { headers: this.apiHeaders() });
    if (!reply.ok) throw new Error(`tracker ${sessionId}: HTTP ${reply.status}`);
    return reply.json();
  }

  /** A five-minute admin token in the `Authorization` header, signed as bot/rasa_server/auth.py does. */
  apiHeaders() {
    const encode = (part) => Buffer.from(JSON.stringify(part)).toString('base64url');
    const payload = { user: { username: 'admin', role: 'admin' }, exp: Math.floor(Date.now() / 1000) + 300 };
    const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`;
    const signature = createHmac('sha256', this.jwtSecret).update(unsigned).digest('base64url');
    return { Authorization: `Bearer ${unsigned}.${signature}` };
  }

  async stop() {
    await Promise.all([...this.processes.values()].map(({ child }) => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.once('exit', () => { clearTimeout(kill); resolve(); });
      child.kill('SIGTERM');
    })));
    this.processes.clear();
  }
}
