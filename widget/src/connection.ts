/**
 * The socket.io link to Rasa's socketio channel. Rasa (with `session_persistence: true`) only
 * accepts a message that carries a session id it has confirmed on this very socket, so the
 * link asks for the session on every (re)connect and reports "ready" only once confirmed;
 * socket.io's own reconnection (with back-off) brings it back after a network drop.
 */
import { io, type Socket } from 'socket.io-client';

export type ConnectionStatus = 'connecting' | 'ready' | 'offline';

export interface ConnectionEvents {
  onStatus(status: ConnectionStatus): void;
  onBotMessage(payload: unknown): void;
}

export interface ConnectionOptions {
  botUrl: string;
  socketPath: string;
  /** Read on every (re)connect, so "new conversation" only has to reconnect. */
  sessionId: () => string;
}

export class BotConnection {
  private socket: Socket | null = null;
  private status: ConnectionStatus = 'connecting';

  constructor(
    private readonly options: ConnectionOptions,
    private readonly events: ConnectionEvents,
  ) {}

  get isReady(): boolean {
    return this.status === 'ready';
  }

  /** Opens the connection once; later calls do nothing. */
  connect(): void {
    if (this.socket) return;
    const socket = io(this.options.botUrl, {
      path: this.options.socketPath,
      // WebSocket first saves the polling round trips on every page load; polling stays as
      // the fallback for networks that block WebSockets.
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      reconnectionDelayMax: 10_000,
    });
    socket.on('connect', () => {
      this.setStatus('connecting');
      socket.emit('session_request', { session_id: this.options.sessionId() });
    });
    socket.on('session_confirm', () => this.setStatus('ready'));
    socket.on('bot_uttered', (payload: unknown) => this.events.onBotMessage(payload));
    socket.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return; // our own restart(): not an outage
      this.setStatus('offline');
      // The server closed it on purpose (e.g. a restart): socket.io will not retry by itself.
      if (reason === 'io server disconnect') socket.connect();
    });
    socket.on('connect_error', () => this.setStatus('offline'));
    this.socket = socket;
  }

  /** Sends one message; returns false (and sends nothing) when not connected and confirmed. */
  send(payload: string): boolean {
    if (!this.socket || !this.isReady) return false;
    // The page the student is on is stored with a booking as its source page; the query string
    // and fragment are left out, as they may carry a visitor's details.
    const page = location.origin + location.pathname;
    this.socket.emit('user_uttered', { message: payload, session_id: this.options.sessionId(), metadata: { page } });
    return true;
  }

  /** Leaves the current session's room and asks for the (new) session id. */
  restart(): void {
    if (!this.socket) return this.connect();
    this.socket.disconnect();
    this.setStatus('connecting');
    this.socket.connect();
  }

  private setStatus(status: ConnectionStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.events.onStatus(status);
  }
}
