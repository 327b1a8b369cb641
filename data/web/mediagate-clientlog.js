// mediagate-clientlog.js: the client logger of mediagate-phone.js
// (docs/client-log.md). Made by MediagatePhone.enableClientLog(); an ES
// module with no dependencies, imported by mediagate-phone.js.

const LOG_MAX_BYTES = 4000; // under the server's 4096-byte line limit
const LOG_QUEUE = 500;
const LOG_RETRY_MS = [1000, 2000, 5000, 10000, 30000];
const TOKEN_RE = /mg1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g;

// One line as the server takes it: no line breaks or control characters, no
// Mediagate token, at most LOG_MAX_BYTES of UTF-8.
function logLine (text) {
  // eslint-disable-next-line no-control-regex
  let line = String(text).replace(TOKEN_RE, 'mg1.[redacted]').replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
  const bytes = new TextEncoder().encode(line);
  if (bytes.length > LOG_MAX_BYTES)
    line = new TextDecoder().decode(bytes.slice(0, LOG_MAX_BYTES - 3)).replace(/\uFFFD$/, '') + '…';
  return line;
}

/**
 * Sends a phone's log lines to Mediagate's client logger
 * (`wss://HOST:9090/clientlog`). Made by `MediagatePhone.enableClientLog()`.
 * Lines wait in a bounded queue while there is no connection (the oldest go
 * first, and the next line sent says how many); the logger connects when
 * there is something to send and the phone is signed in, and reconnects with
 * a back-off. It authenticates with the phone's session token, or with the
 * log token the server hands the phone; tokens never go into lines.
 */
export class MediagateClientLogger {
  constructor (phone, { url = null, maxQueue = LOG_QUEUE } = {}) {
    this._phone = phone;
    this._url = url;
    this._maxQueue = maxQueue;
    this._queue = [];
    this._dropped = 0;
    this._ws = null;
    this._ready = false;
    this._retry = 0;
    this._timer = null;
    this._closed = false;
    this._refreshed = false;
  }

  /** Queues one line: `level` ('debug', 'info', 'warn', 'error') and text. */
  log (level, ...parts) {
    if (this._closed) return;
    const text = parts.map((p) => (typeof p === 'string' ? p : (p instanceof Error ? p.message : JSON.stringify(p)))).join(' ');
    this._queue.push(logLine(`${String(level).toUpperCase()} ${text}`));
    if (this._queue.length > this._maxQueue) {
      this._queue.shift();
      this._dropped++;
    }
    this._flush();
  }

  /** Stops sending; queued lines are dropped. */
  close () {
    this._closed = true;
    clearTimeout(this._timer);
    this._queue = [];
    if (this._ws) this._ws.close(1000, 'bye');
    this._ws = null;
  }

  _flush () {
    if (!this._ready) {
      this._connect();
      return;
    }
    if (this._dropped) {
      this._ws.send(`WARN [client] ${this._dropped} log lines dropped while offline`);
      this._dropped = 0;
    }
    while (this._queue.length) this._ws.send(this._queue.shift());
  }

  _target () {
    const info = this._phone._clientLog;
    const creds = this._phone._creds;
    if (!info || !creds || this._phone.state !== 'connected') return null;
    let url = this._url;
    if (!url) {
      const u = new URL(creds.url);
      u.port = String(info.port);
      u.pathname = info.path || '/clientlog';
      u.search = '';
      url = u.toString();
    }
    return { url, token: (!this._refreshed && creds.token) || info.token };
  }

  _connect () {
    if (this._ws || this._timer || this._closed || !this._queue.length) return;
    const target = this._target();
    if (!target) return; // the phone's `connected` state change calls again
    let ws;
    try {
      ws = new WebSocket(target.url);
    } catch {
      this._schedule();
      return;
    }
    this._ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token: target.token }));
    ws.onmessage = (ev) => {
      let msg = null;
      try { msg = JSON.parse(ev.data); } catch { return; }
      if (msg && msg.type === 'ready') {
        this._ready = true;
        this._retry = 0;
        this._flush();
      }
    };
    ws.onclose = (ev) => {
      if (this._ws !== ws) return;
      this._ws = null;
      this._ready = false;
      if (ev.code === 4001 && !this._refreshed) {
        // from now on the log token, renewed through the phone socket
        this._refreshed = true;
        this._renewToken().finally(() => this._connect());
        return;
      }
      if (ev.code === 4001) this._renewToken();
      this._schedule();
    };
  }

  // A session token may expire before the phone's socket does: ask the phone
  // socket for a log token instead.
  async _renewToken () {
    try {
      const res = await this._phone._request('log_token', {});
      if (res.client_log) this._phone._clientLog = res.client_log;
    } catch {
      // offline: the next attempt tries again
    }
  }

  _schedule () {
    if (this._closed || !this._queue.length || this._timer) return;
    const delay = LOG_RETRY_MS[Math.min(this._retry++, LOG_RETRY_MS.length - 1)];
    this._timer = setTimeout(() => { this._timer = null; this._connect(); }, delay);
  }

  _onPhoneState () {
    if (this._phone.state === 'connected') this._connect();
  }
}
