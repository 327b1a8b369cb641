// Test harness for the browser phone: a tiny HTTP server (the page and the
// library under /webkit/, test pages under /test/), a scripted fake Mediagate
// speaking docs/protocol.md on /webkit/ws, a control socket (/ctl) through which
// test pages make the fake server send events, and a headless Chromium launcher.
// Node built-ins only; WebSocket frames are encoded by hand (RFC 6455).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const sourceRoot = process.env.MG_SOURCE_DIR || join(here, '..', '..');
export const webDir = join(sourceRoot, 'data', 'web');
const CHROMIUM_PATHS = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'];
export const chromium = process.env.CHROMIUM || CHROMIUM_PATHS.find((p) => existsSync(p)) || null;

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.css': 'text/css', '.json': 'application/json' };

// A syntactically valid offer as webrtcbin would send it: one audio m-line,
// bundle, rtcp-mux, Opus + PCMU + telephone-event/8000, no msid.
export const OFFER_SDP = [
  'v=0', 'o=- 4611731400430051336 0 IN IP4 0.0.0.0', 's=-', 't=0 0',
  'a=ice-options:trickle', 'a=group:BUNDLE audio0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 0 101', 'c=IN IP4 0.0.0.0',
  'a=setup:actpass', 'a=ice-ufrag:Mg7cVbXqF1sT9pLk', 'a=ice-pwd:0vNq3h7RkP2sYwLz8dJc5bXmTf1gHa',
  'a=rtcp-mux', 'a=rtcp-rsize', 'a=sendrecv',
  'a=rtpmap:111 OPUS/48000/2', 'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15',
  'a=mid:audio0',
  'a=fingerprint:sha-256 ' + Array.from({ length: 32 }, (_, i) => ((i * 37 + 11) & 255).toString(16).padStart(2, '0').toUpperCase()).join(':'),
  'a=ssrc:3735928559 cname:mediagate', '',
].join('\r\n');
export const SERVER_CANDIDATE = {
  candidate: 'candidate:1 1 UDP 2015363327 10.99.0.1 40000 typ host', sdpMid: 'audio0', sdpMLineIndex: 0,
};

// --- WebSocket (server side, RFC 6455) -------------------------------------

class WsConn {
  constructor (socket, path) {
    this.socket = socket;
    this.path = path;
    this.buf = Buffer.alloc(0);
    this.onmessage = null;
    this.onclose = null;
    this.closed = false;
    socket.on('data', (d) => this._data(d));
    socket.on('close', () => this._closed());
    socket.on('error', () => {});
  }

  _data (chunk) {
    this.buf = Buffer.concat([this.buf, chunk]);
    for (;;) {
      if (this.buf.length < 2) return;
      const op = this.buf[0] & 0x0f;
      let len = this.buf[1] & 0x7f;
      let off = 2;
      if (len === 126) { if (this.buf.length < 4) return; len = this.buf.readUInt16BE(2); off = 4; }
      else if (len === 127) { if (this.buf.length < 10) return; len = Number(this.buf.readBigUInt64BE(2)); off = 10; }
      const masked = this.buf[1] & 0x80;
      const total = off + (masked ? 4 : 0) + len;
      if (this.buf.length < total) return;
      const payload = Buffer.from(this.buf.subarray(total - len, total));
      if (masked) {
        const mask = this.buf.subarray(off, off + 4);
        for (let i = 0; i < len; i++) payload[i] ^= mask[i & 3];
      }
      this.buf = this.buf.subarray(total);
      if (op === 1 && this.onmessage) this.onmessage(payload.toString('utf8'));
      else if (op === 8) { this._frame(8, payload); this.socket.end(); }
      else if (op === 9) this._frame(10, payload);
    }
  }

  _frame (op, payload) {
    if (this.closed) return;
    const len = payload.length;
    const head = len < 126 ? Buffer.from([0x80 | op, len])
      : len < 65536 ? Buffer.from([0x80 | op, 126, len >> 8, len & 255])
        : Buffer.concat([Buffer.from([0x80 | op, 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(len)); return b; })()]);
    this.socket.write(Buffer.concat([head, payload]));
  }

  send (obj) { this._frame(1, Buffer.from(typeof obj === 'string' ? obj : JSON.stringify(obj))); }

  close (code, reason = '') {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(code);
    this._frame(8, Buffer.concat([b, Buffer.from(reason)]));
    this.socket.end();
  }

  // Drops the TCP connection without a close frame (the browser sees 1006).
  drop () { this.socket.destroy(); }

  _closed () {
    if (this.closed) return;
    this.closed = true;
    if (this.onclose) this.onclose();
  }
}

function acceptUpgrade (req, socket) {
  const key = req.headers['sec-websocket-key'];
  const accept = createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    `Sec-WebSocket-Accept: ${accept}\r\n\r\n`);
  return new WsConn(socket, req.url);
}

// --- the fake Mediagate ----------------------------------------------------

const DTMF_RE = /^[0-9*#A-D]{1,32}$/;

export class FakeMediagate {
  constructor () {
    this.log = []; // {conn, dir: 'in'|'out', msg}
    this.connCount = 0;
    this.sessions = new Map(); // session_id -> {extension, calls: Map}
    this.phone = null; // the live phone connection
    this.callSeq = 0;
    this.downUntil = 0;
    this.port = 0; // the HTTP server's, announced as the client logger's
    this.clientLog = []; // {conn, auth: token} and {conn, line} from /clientlog
    this.clientLogConns = 0;
    this.clientLogSocket = null;
  }

  _clientLogInfo (token) {
    return { port: this.port, path: '/clientlog', token, expires_in: 3600 };
  }

  // The client logger (docs/client-log.md): an auth frame, then one line per frame.
  attachClientLog (ws) {
    const conn = ++this.clientLogConns;
    let extension = null;
    this.clientLogSocket = ws;
    ws.onmessage = (text) => {
      if (extension) {
        this.clientLog.push({ conn, line: text });
        return;
      }
      let msg = null;
      try { msg = JSON.parse(text); } catch { /* refused below */ }
      this.clientLog.push({ conn, auth: msg && msg.token });
      const token = msg && msg.type === 'auth' ? String(msg.token) : '';
      if (token === 'good-token') extension = '1000';
      else if (token.startsWith('log-token-')) extension = token.split('-').pop();
      if (!extension) {
        ws.send({ type: 'error', code: 'unauthorized', message: 'bad token' });
        ws.close(4001, 'unauthorized');
        return;
      }
      ws.send({ type: 'ready', extension, max_line: 4096 });
    };
  }

  attach (ws) {
    const conn = ++this.connCount;
    let session = null;
    const send = (msg) => { this.log.push({ conn, dir: 'out', msg }); ws.send(msg); };
    ws.onmessage = (text) => {
      let msg;
      try { msg = JSON.parse(text); } catch { msg = null; }
      this.log.push({ conn, dir: 'in', msg: msg ?? text });
      if (!msg || typeof msg !== 'object' || typeof msg.type !== 'string') {
        send({ type: 'error', code: 'bad_request', message: 'not a JSON object with a type' });
        return;
      }
      if (!session) {
        session = this._auth(msg, send, ws);
        if (session) { session.ws = ws; session.send = send; this.phone = session; }
        return;
      }
      this._handle(session, msg, send);
    };
    ws.onclose = () => { if (session && session.ws === ws) session.ws = null; };
  }

  _auth (msg, send, ws) {
    const refuse = (code, close, message) => { send({ type: 'error', code, message }); ws.close(close, code); return null; };
    let extension;
    if (msg.type === 'auth') {
      if (msg.token === 'refuse-silently') { ws.close(4009, ''); return null; }
      if (!msg.token || msg.token === 'bad') return refuse('unauthorized', 4001, 'bad token');
      if (msg.token === 'disabled') return refuse('disabled', 4003, 'the extension is disabled');
      extension = '1000';
    } else if (msg.type === 'login') {
      if (msg.extension === '9999') return refuse('not_found', 4004, 'no such extension');
      if (msg.password !== 'pw' + msg.extension) return refuse('unauthorized', 4001, 'wrong password');
      extension = msg.extension;
    } else {
      return refuse('unauthorized', 4001, 'authenticate first');
    }
    let session = msg.resume && this.sessions.get(msg.resume);
    if (!session) {
      session = { id: `s-${this.sessions.size + 1}`, extension, calls: new Map() };
      this.sessions.set(session.id, session);
    }
    send({ type: 'registered', session_id: session.id, extension, display_name: 'Agent ' + extension,
      ice_servers: [], grace_period: 3, calls: [...session.calls.keys()].map((call_id) => ({ call_id })),
      client_log: this._clientLogInfo(`log-token-${extension}`) });
    return session;
  }

  _offer (session, call) {
    session.send({ type: 'sdp', call_id: call.id, sdp: { type: 'offer', sdp: OFFER_SDP } });
    session.send({ type: 'ice', call_id: call.id, candidate: SERVER_CANDIDATE });
    session.send({ type: 'ice', call_id: call.id, candidate: null });
  }

  _handle (session, msg, send) {
    const ok = (extra = {}) => send({ type: 'response', id: msg.id, ok: true, ...extra });
    const fail = (code, message) => send({ type: 'response', id: msg.id, ok: false, error: { code, message } });
    const call = typeof msg.call_id === 'string' ? session.calls.get(msg.call_id) : null;
    const needCall = ['accept', 'decline', 'hangup', 'dtmf', 'hold', 'unhold', 'mute'].includes(msg.type);
    if (needCall && !call) return fail('unknown_call', 'no such call');
    const end = (c, cause, sip_status = null, reason = null) => {
      session.calls.delete(c.id);
      session.send({ type: 'ended', call_id: c.id, cause, sip_status, reason });
    };
    switch (msg.type) {
      case 'call': {
        if (typeof msg.to !== 'string' || !/^\+?[0-9*#]+$/.test(msg.to)) return fail('bad_request', '"to" must be a number');
        if (msg.to === '000') return; // never answered: request timeouts
        const c = { id: `c-${++this.callSeq}`, dir: 'out', to: msg.to };
        session.calls.set(c.id, c);
        ok({ call_id: c.id });
        if (msg.to === '486') return end(c, 'busy', 486, 'Busy Here');
        if (msg.to === '404') return end(c, 'not_found', 404, 'Not Found');
        this._offer(session, c);
        return;
      }
      case 'sdp': {
        if (!call || !msg.sdp || msg.sdp.type !== 'answer') return send({ type: 'error', code: 'bad_request', message: 'bad sdp' });
        call.answered = true;
        if (call.dir === 'out') {
          session.send({ type: 'ringing', call_id: call.id });
          if (call.to === '183') session.send({ type: 'progress', call_id: call.id, early_media: true });
          if (call.to !== 'ring') session.send({ type: 'accepted', call_id: call.id });
        } else {
          session.send({ type: 'accepted', call_id: call.id });
        }
        return;
      }
      case 'ice': return;
      case 'accept':
        if (call.dir !== 'in') return fail('invalid_state', 'not an incoming call');
        ok();
        this._offer(session, call);
        return;
      case 'decline': ok(); return end(call, 'declined');
      case 'hangup': ok(); return end(call, 'hangup');
      case 'dtmf':
        if (typeof msg.digits !== 'string' || !DTMF_RE.test(msg.digits)) return fail('bad_request', 'bad digits');
        return ok();
      case 'hold': ok(); session.send({ type: 'held', call_id: call.id, by: 'local' }); return;
      case 'unhold': ok(); session.send({ type: 'resumed', call_id: call.id, by: 'local' }); return;
      case 'mute': return typeof msg.muted === 'boolean' ? ok() : fail('bad_request', 'muted must be a boolean');
      case 'ping': return ok();
      case 'log_token': return ok({ client_log: this._clientLogInfo(`log-token-renewed-${session.extension}`) });
      default: return send({ type: 'error', code: 'bad_request', message: `unknown type ${msg.type}` });
    }
  }

  // Control commands from test pages.
  control (cmd) {
    const s = this.phone;
    switch (cmd.op) {
      case 'incoming': {
        const c = { id: `c-${++this.callSeq}`, dir: 'in' };
        s.calls.set(c.id, c);
        s.send({ type: 'incoming', call_id: c.id, from: cmd.from || { number: '2000', display_name: 'Bob' } });
        return { call_id: c.id };
      }
      case 'send': s.send(cmd.msg); return {};
      case 'end': {
        s.calls.delete(cmd.call_id);
        s.send({ type: 'ended', call_id: cmd.call_id, cause: cmd.cause, sip_status: cmd.sip_status ?? null, reason: cmd.reason ?? null });
        return {};
      }
      case 'drop': s.ws.drop(); return {};
      case 'down': // drop the phone and refuse new phone sockets for `ms`
        this.downUntil = Date.now() + cmd.ms;
        s.ws.drop();
        return {};
      case 'forget': s.calls.clear(); return {};
      case 'log': return { log: this.log };
      case 'clientlog': return { entries: this.clientLog };
      case 'clientlog-reset': this.clientLog = []; return {};
      case 'clientlog-drop': if (this.clientLogSocket) this.clientLogSocket.drop(); return {};
      default: return { error: 'unknown op' };
    }
  }

  // Messages the phone sent, per connection.
  received (conn) {
    return this.log.filter((e) => e.dir === 'in' && (conn === undefined || e.conn === conn)).map((e) => e.msg);
  }
}

// --- HTTP server -----------------------------------------------------------

export async function startServer () {
  const fake = new FakeMediagate();
  let resultWaiter = null;
  const results = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (req.method === 'POST' && url.pathname === '/result') {
      let body = '';
      req.on('data', (d) => { body += d; });
      req.on('end', () => {
        res.writeHead(204).end();
        const r = JSON.parse(body);
        results.push(r);
        if (resultWaiter) resultWaiter();
      });
      return;
    }
    let file = null;
    if (url.pathname.startsWith('/webkit/')) file = join(webDir, normalize(url.pathname.slice(8) || 'index.html'));
    else if (url.pathname.startsWith('/test/')) file = join(here, normalize(url.pathname.slice(6)));
    if (!file || !file.startsWith(url.pathname.startsWith('/test/') ? here : webDir) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-store' });
    res.end(readFileSync(file));
  });
  server.on('upgrade', (req, socket) => {
    const ws = acceptUpgrade(req, socket);
    if (req.url.startsWith('/webkit/ws') && fake.downUntil > Date.now()) socket.destroy();
    else if (req.url.startsWith('/webkit/ws')) fake.attach(ws);
    else if (req.url.startsWith('/clientlog')) fake.attachClientLog(ws);
    else if (req.url.startsWith('/ctl')) ws.onmessage = (text) => { const c = JSON.parse(text); ws.send({ seq: c.seq, ...fake.control(c) }); };
    else ws.close(1008, 'no such path');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  fake.port = port;
  return {
    fake, port, base: `http://127.0.0.1:${port}`,
    // Resolves with the next result a page POSTs to /result.
    nextResult (timeoutMs = 30000) {
      if (results.length) return Promise.resolve(results.shift());
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => { resultWaiter = null; reject(new Error('no result from the page in time')); }, timeoutMs);
        resultWaiter = () => { clearTimeout(t); resultWaiter = null; resolve(results.shift()); };
      });
    },
    close () { return new Promise((r) => { server.closeAllConnections(); server.close(r); }); },
  };
}

// --- Chromium --------------------------------------------------------------

const BASE_FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic',
  '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required', '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--enable-logging=stderr', '--v=0'];

// Starts Chromium on url; returns {proc, stdout(), stderr(), exited, kill()}.
export function launchChromium (url, extraFlags = []) {
  const profile = mkdtempSync(join(tmpdir(), 'mg-web-'));
  const proc = spawn(chromium, [...BASE_FLAGS, `--user-data-dir=${profile}`, ...extraFlags, url],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((r) => proc.on('exit', (code) => r(code)));
  return {
    proc, exited, stdout: () => out, stderr: () => err,
    async kill () {
      // Our own process group (detached): the browser and its children.
      try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone already */ }
      await exited;
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// Console errors and uncaught exceptions Chromium logged to stderr.
export function consoleErrors (stderr) {
  return stderr.split('\n').filter((l) => /CONSOLE|Uncaught/.test(l) && /Uncaught|Error|error/.test(l));
}
