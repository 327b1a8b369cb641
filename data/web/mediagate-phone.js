// mediagate-phone.js: browser phone library for Mediagate (docs/web-client.md).
// An ES module with no third-party dependencies and no build step (the opt-in
// client logger is its sibling mediagate-clientlog.js). It speaks the JSON
// protocol of docs/protocol.md over one WebSocket and runs one
// RTCPeerConnection per call. Mediagate is always the SDP offerer; this side
// only answers.

import { MediagateClientLogger } from './mediagate-clientlog.js';

export { MediagateClientLogger };

const RESUME_DELAYS_MS = [250, 500, 1000, 2000];
// Close codes the server uses to refuse a phone: never retried.
const CLOSE_CODES = {
  4001: 'unauthorized',
  4003: 'disabled',
  4004: 'not_found',
  4009: 'already_connected',
  4029: 'limit_reached',
};
const DTMF_RE = /^[0-9*#A-D]{1,32}$/;
const ORPHAN_LIMIT = 64;

/** An error with a machine-readable `code` (see docs/web-client.md). */
export class MediagateError extends Error {
  constructor (code, message, extra = {}) {
    super(message || code);
    this.name = 'MediagateError';
    this.code = code;
    Object.assign(this, extra);
  }
}

function toError (err, fallbackCode = 'failed') {
  if (err instanceof MediagateError) return err;
  if (err && typeof err === 'object' && typeof err.code === 'string' && err.message !== undefined)
    return new MediagateError(err.code, String(err.message));
  return new MediagateError(fallbackCode, err && err.message ? err.message : String(err));
}

// getUserMedia failures, named so the page can explain them.
function mediaError (err) {
  const name = err && err.name;
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return new MediagateError('microphone_denied', 'microphone access was denied');
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return new MediagateError('microphone_not_found', 'no such microphone');
  if (name === 'NotReadableError' || name === 'AbortError')
    return new MediagateError('microphone_busy', 'the microphone cannot be opened');
  return toError(err, 'microphone_failed');
}

function emit (target, type, detail = {}) {
  target.dispatchEvent(new CustomEvent(type, { detail }));
}

/**
 * One call. Created by MediagatePhone (`call()` or an `incoming` event);
 * never construct it yourself.
 */
export class MediagateCall extends EventTarget {
  constructor (phone, id, direction, remote) {
    super();
    this._phone = phone;
    this.id = id;
    this.direction = direction; // 'outgoing' | 'incoming'
    this.remote = remote || { number: null, display_name: null };
    this.state = direction === 'incoming' ? 'incoming' : 'dialing';
    this.held = false;
    this.heldBy = null;
    this.muted = false;
    this.earlyMedia = false;
    this.startTime = null; // Date.now() when accepted
    this.endInfo = null;
    this.remoteStream = null;
    this.audio = null;
    this.pc = null;
    this._localStream = null;
    this._localReady = null; // Promise<MediaStream>
    this._pendingIce = [];
    this._sdpChain = Promise.resolve();
  }

  get active () { return this.state !== 'ended'; }

  /** Answers an incoming call: opens the microphone, then asks the server. */
  async accept () {
    if (this.direction !== 'incoming' || this.state !== 'incoming')
      throw new MediagateError('invalid_state', 'only a ringing incoming call can be accepted');
    this._setState('accepting');
    try {
      await this._openMicrophone();
      await this._phone._request('accept', { call_id: this.id });
    } catch (err) {
      if (this.state === 'accepting') this._setState('incoming');
      throw err;
    }
  }

  /** Refuses an incoming call; `ended` follows with cause `declined`. */
  decline () {
    return this._endRequest('decline');
  }

  /** Ends the call in any state; `ended` follows with cause `hangup`. */
  hangup () {
    return this._endRequest('hangup');
  }

  async _endRequest (type) {
    if (!this.active) return;
    try {
      await this._phone._request(type, { call_id: this.id });
    } catch (err) {
      // The server no longer knows the call: it is over for us too.
      if (err.code === 'unknown_call') this._end({ cause: 'hangup', sip_status: null, reason: null });
      else throw err;
    }
  }

  /**
   * Sends DTMF digits (0-9 * # A-D, up to 32). With `method` 'auto' (default)
   * in-band RFC 4733 through RTCDTMFSender when the negotiated sender can,
   * else the `dtmf` request; 'rfc4733' or 'request' force one way.
   * Resolves to the way used.
   */
  async sendDtmf (digits, { method = 'auto', duration = 100, gap = 70 } = {}) {
    digits = String(digits).toUpperCase();
    if (!DTMF_RE.test(digits))
      throw new MediagateError('bad_request', 'DTMF digits are 0-9, *, #, A-D (up to 32)');
    if (this.state !== 'connected' && this.state !== 'held')
      throw new MediagateError('invalid_state', 'the call is not connected');
    const dtmf = this.dtmfSender;
    if (method !== 'request' && dtmf && dtmf.canInsertDTMF) {
      dtmf.insertDTMF(digits, duration, gap);
      return 'rfc4733';
    }
    if (method === 'rfc4733')
      throw new MediagateError('not_supported', 'this call cannot send RFC 4733 DTMF');
    await this._phone._request('dtmf', { call_id: this.id, digits });
    return 'request';
  }

  /** The RTCDTMFSender of the audio sender, or null. */
  get dtmfSender () {
    if (!this.pc) return null;
    const sender = this.pc.getSenders().find((s) => s.track && s.track.kind === 'audio');
    return (sender && sender.dtmf) || null;
  }

  hold () { return this._phone._request('hold', { call_id: this.id }); }
  unhold () { return this._phone._request('unhold', { call_id: this.id }); }

  /** Mutes the microphone locally at once and tells the server. */
  async mute (muted = true) {
    muted = Boolean(muted);
    this.muted = muted;
    if (this._localStream) for (const t of this._localStream.getAudioTracks()) t.enabled = !muted;
    emit(this, muted ? 'muted' : 'unmuted', {});
    await this._phone._request('mute', { call_id: this.id, muted });
  }

  /** Seconds since the call was accepted (0 before). */
  get duration () {
    return this.startTime ? Math.floor((Date.now() - this.startTime) / 1000) : 0;
  }

  // --- internals -----------------------------------------------------------

  _setState (state) {
    if (this.state === state) return;
    this.state = state;
    this._phone.log('info', `[call ${this.id}] ${this.direction} ${state}`);
    emit(this, 'statechange', { state });
  }

  _openMicrophone () {
    if (!this._localReady) {
      this._localReady = this._phone._getMicrophone().then((stream) => {
        if (!this.active) {
          stream.getTracks().forEach((t) => t.stop());
          throw new MediagateError('invalid_state', 'the call ended');
        }
        this._localStream = stream;
        for (const t of stream.getAudioTracks()) t.enabled = !this.muted;
        return stream;
      });
      this._localReady.catch(() => { this._localReady = null; });
    }
    return this._localReady;
  }

  _ensurePc () {
    if (this.pc) return this.pc;
    const pc = new RTCPeerConnection(this._phone._rtcConfig());
    this.pc = pc;
    pc.onicecandidate = (ev) => {
      const candidate = ev.candidate ? ev.candidate.toJSON() : null;
      this._phone._sendRaw({ type: 'ice', call_id: this.id, candidate });
    };
    pc.ontrack = (ev) => {
      this.remoteStream = (ev.streams && ev.streams[0]) || new MediaStream([ev.track]);
      this._phone._playRemote(this);
      emit(this, 'remotestream', { stream: this.remoteStream });
    };
    pc.onconnectionstatechange = () => {
      emit(this, 'connectionstatechange', { state: pc.connectionState });
    };
    return pc;
  }

  // Offers are answered one after the other, in arrival order.
  _onOffer (desc) {
    this._sdpChain = this._sdpChain.then(() => this._answer(desc)).catch((err) => {
      if (this.active) emit(this, 'error', { error: toError(err, 'media_failed') });
    });
    return this._sdpChain;
  }

  async _answer (desc) {
    if (!this.active) return;
    if (!desc || desc.type !== 'offer' || typeof desc.sdp !== 'string')
      throw new MediagateError('bad_request', 'the server sent an SDP that is not an offer');
    const stream = await this._openMicrophone();
    const pc = this._ensurePc();
    await pc.setRemoteDescription({ type: 'offer', sdp: desc.sdp });
    const track = stream.getAudioTracks()[0];
    const tr = pc.getTransceivers().find((t) => t.receiver.track && t.receiver.track.kind === 'audio');
    if (track && tr && !tr.sender.track) {
      await tr.sender.replaceTrack(track);
      tr.direction = 'sendrecv';
    }
    for (const c of this._pendingIce.splice(0)) await this._addIce(c);
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    if (!this.active) return;
    const local = pc.localDescription;
    this._phone._sendRaw({ type: 'sdp', call_id: this.id, sdp: { type: local.type, sdp: local.sdp } });
  }

  async _onIce (candidate) {
    if (!this.pc || !this.pc.remoteDescription) {
      this._pendingIce.push(candidate);
      return;
    }
    await this._addIce(candidate);
  }

  async _addIce (candidate) {
    try {
      if (candidate) await this.pc.addIceCandidate(candidate);
      else await this.pc.addIceCandidate();
    } catch (err) {
      emit(this, 'error', { error: new MediagateError('bad_candidate', err.message) });
    }
  }

  _onEvent (msg) {
    switch (msg.type) {
      case 'sdp': return this._onOffer(msg.sdp);
      case 'ice': return this._onIce(msg.candidate);
      case 'ringing':
        if (this.state === 'dialing' || this.state === 'progress') this._setState('ringing');
        emit(this, 'ringing', {});
        break;
      case 'progress':
        this.earlyMedia = Boolean(msg.early_media);
        if (this.state === 'dialing' || this.state === 'ringing') this._setState('progress');
        emit(this, 'progress', { early_media: this.earlyMedia });
        break;
      case 'accepted':
        this.startTime = this.startTime || Date.now();
        this._setState('connected');
        emit(this, 'accepted', {});
        break;
      case 'held':
        this.held = true;
        this.heldBy = msg.by || null;
        if (this.state === 'connected') this._setState('held');
        emit(this, 'held', { by: this.heldBy });
        break;
      case 'resumed':
        this.held = false;
        this.heldBy = null;
        if (this.state === 'held') this._setState('connected');
        emit(this, 'resumed', { by: msg.by || null });
        break;
      case 'dtmf':
        emit(this, 'dtmf', { digit: msg.digit });
        break;
      case 'conferenced':
        // this call is a conference now (a CTI application joined a third party)
        this.parties = msg.parties || [];
        this.held = false;
        this.heldBy = null;
        if (this.state === 'held') this._setState('connected');
        emit(this, 'conferenced', { parties: this.parties });
        break;
      case 'left':
        this.parties = msg.parties || [];
        emit(this, 'left', { party: msg.party || null, parties: this.parties });
        break;
      case 'transferred':
        // an application joined this call's far end with someone else
        if (msg.party) this.remote = { number: msg.party.number || null, display_name: msg.party.display_name || null };
        emit(this, 'transferred', { party: this.remote });
        break;
      case 'ended':
        this._end({ cause: msg.cause || 'hangup', sip_status: msg.sip_status ?? null,
          reason: msg.reason ?? null });
        break;
    }
  }

  _end (info) {
    if (!this.active) return;
    this.endInfo = info;
    this._phone.log('info', `[call ${this.id}] ended: ${info.cause}`);
    this.held = false;
    this.state = 'ended';
    if (this.pc) {
      this.pc.onicecandidate = this.pc.ontrack = this.pc.onconnectionstatechange = null;
      this.pc.close();
    }
    if (this._localStream) this._localStream.getTracks().forEach((t) => t.stop());
    if (this.audio) {
      this.audio.pause();
      this.audio.srcObject = null;
    }
    this._phone._forget(this);
    emit(this, 'statechange', { state: 'ended' });
    emit(this, 'ended', info);
  }
}

/**
 * A browser phone: one WebSocket session with Mediagate.
 * Options: `audio` (false: the page plays `call.remoteStream` itself),
 * `microphoneId`, `speakerId`, `requestTimeout` (ms), `keepAlive` (ms),
 * `iceTransportPolicy`.
 */
export class MediagatePhone extends EventTarget {
  constructor (options = {}) {
    super();
    this.options = { audio: true, requestTimeout: 15000, keepAlive: 25000, ...options };
    this.microphoneId = options.microphoneId || null;
    this.speakerId = options.speakerId || null;
    this.state = 'disconnected'; // connecting | connected | reconnecting | disconnected
    this.sessionId = null;
    this.extension = null;
    this.displayName = null;
    this.iceServers = [];
    this.gracePeriod = 10;
    this.calls = new Map();
    this._ws = null;
    this._creds = null;
    this._nextId = 1;
    this._pending = new Map();
    this._orphans = new Map();
    this._keepAliveTimer = null;
    this._closing = false;
    this._epoch = 0; // bumped by connect() and disconnect(): stale resume loops stop
    this._clientLog = null; // where and how to send log lines, from `registered`
    this.clientLogger = null;
  }

  /**
   * Turns on the client logger (opt-in; docs/client-log.md): the library's
   * own events and whatever the page passes to `log()` go to the server.
   * Options: `url` (default: the phone socket's host, the port the server
   * announces, `/clientlog`), `maxQueue` (lines kept while offline).
   */
  enableClientLog (options = {}) {
    if (!this.clientLogger) this.clientLogger = new MediagateClientLogger(this, options);
    return this.clientLogger;
  }

  /** Turns the client logger off. */
  disableClientLog () {
    if (this.clientLogger) this.clientLogger.close();
    this.clientLogger = null;
  }

  /** Logs a line through the client logger, when it is on. */
  log (level, ...parts) {
    if (this.clientLogger) this.clientLogger.log(level, ...parts);
  }

  /**
   * Connects and authenticates: `{url, token}` or `{url, extension, password}`.
   * Resolves to the server's `registered` message; rejects with a
   * MediagateError (`unauthorized`, `not_found`, `disabled`,
   * `already_connected`, `limit_reached`, `connection_failed`).
   */
  async connect ({ url, token, extension, password } = {}) {
    if (!url) throw new MediagateError('bad_request', 'url is required');
    if (!token && !(extension && password))
      throw new MediagateError('bad_request', 'give a token, or an extension and password');
    if (this.state !== 'disconnected') throw new MediagateError('invalid_state', 'already connected');
    this._creds = token ? { url, token } : { url, extension: String(extension), password };
    this._closing = false;
    this._epoch++;
    this.sessionId = null;
    this._setState('connecting');
    try {
      const { reg } = await this._open();
      this._onRegistered(reg);
      return reg;
    } catch (err) {
      this._creds = null;
      this._setState('disconnected');
      throw err;
    }
  }

  /** Replaces the session token used for later reconnects (token refresh). */
  setToken (token) {
    if (this._creds && this._creds.token) this._creds.token = token;
  }

  /** Hangs up every call (best effort) and closes the session for good. */
  async disconnect () {
    if (this.state === 'disconnected') return;
    const hangups = [...this.calls.values()].map((c) => c.hangup().catch(() => {}));
    await Promise.race([Promise.all(hangups), new Promise((r) => setTimeout(r, 1000))]);
    this._closing = true;
    this._epoch++;
    const ws = this._ws;
    this._ws = null;
    if (ws) ws.close(1000, 'bye');
    this._shutdown(null);
  }

  /**
   * Places a call; resolves to a MediagateCall once the server accepted the
   * request. Option `makeCall`: the ID of a `makecall` event, when this call
   * is the one an application asked for (click-to-dial).
   */
  async call (number, { makeCall = null } = {}) {
    number = String(number || '').trim();
    if (!/^\+?[0-9*#]{1,32}$/.test(number))
      throw new MediagateError('bad_request', 'a number is digits, optionally after +');
    const stream = await this._getMicrophone();
    let res;
    try {
      const fields = { to: number };
      if (makeCall) fields.make_call = makeCall;
      res = await this._request('call', fields);
    } catch (err) {
      stream.getTracks().forEach((t) => t.stop());
      throw err;
    }
    const call = new MediagateCall(this, res.call_id, 'outgoing', { number, display_name: null });
    call._localStream = stream;
    call._localReady = Promise.resolve(stream);
    this._adopt(call);
    return call;
  }

  /** Lists microphones and speakers: `{microphones, speakers}` of MediaDeviceInfo. */
  static async listDevices () {
    if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices)
      return { microphones: [], speakers: [] };
    const all = await navigator.mediaDevices.enumerateDevices();
    return {
      microphones: all.filter((d) => d.kind === 'audioinput'),
      speakers: all.filter((d) => d.kind === 'audiooutput'),
    };
  }

  /** True when the browser can route audio to a chosen speaker. */
  static get canSelectSpeaker () {
    return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
  }

  /** Uses this microphone from now on, also in running calls. */
  async setMicrophone (deviceId) {
    this.microphoneId = deviceId || null;
    for (const call of this.calls.values()) {
      if (!call._localStream) continue;
      const stream = await this._getMicrophone();
      const track = stream.getAudioTracks()[0];
      track.enabled = !call.muted;
      const sender = call.pc && call.pc.getSenders().find((s) => s.track && s.track.kind === 'audio');
      if (sender) await sender.replaceTrack(track);
      call._localStream.getTracks().forEach((t) => t.stop());
      call._localStream = stream;
      call._localReady = Promise.resolve(stream);
    }
  }

  /** Plays calls on this speaker (setSinkId); rejects with `not_supported` where impossible. */
  async setSpeaker (deviceId) {
    if (!MediagatePhone.canSelectSpeaker)
      throw new MediagateError('not_supported', 'this browser cannot choose the speaker');
    this.speakerId = deviceId || null;
    for (const call of this.calls.values())
      if (call.audio) await call.audio.setSinkId(this.speakerId || '');
  }

  // --- internals: socket ---------------------------------------------------

  _setState (state, detail = {}) {
    if (this.state === state) return;
    this.state = state;
    this.log('info', `[phone] ${state}${detail.error ? ` (${detail.error.code})` : ''}`);
    emit(this, 'statechange', { state, ...detail });
    if (this.clientLogger) this.clientLogger._onPhoneState();
  }

  // Opens a socket, authenticates, resolves with `registered` and the socket.
  _open () {
    return new Promise((resolve, reject) => {
      let ws;
      try {
        ws = new WebSocket(this._creds.url);
      } catch (err) {
        reject(new MediagateError('connection_failed', err.message));
        return;
      }
      let registered = false;
      let refusal = null;
      this._ws = ws;
      ws.onopen = () => {
        const c = this._creds;
        const auth = c.token ? { type: 'auth', token: c.token }
          : { type: 'login', extension: c.extension, password: c.password };
        if (this.sessionId) auth.resume = this.sessionId;
        ws.send(JSON.stringify(auth));
      };
      ws.onmessage = (ev) => {
        let msg;
        try {
          msg = JSON.parse(ev.data);
        } catch {
          return;
        }
        if (!msg || typeof msg !== 'object') return;
        if (!registered) {
          if (msg.type === 'registered') {
            registered = true;
            resolve({ reg: msg, ws });
          } else if (msg.type === 'error') {
            refusal = new MediagateError(msg.code || 'unauthorized', msg.message || '');
          }
          return;
        }
        if (this._ws === ws) this._onMessage(msg);
      };
      ws.onclose = (ev) => {
        const current = this._ws === ws;
        if (current) this._ws = null;
        if (!registered) {
          const code = CLOSE_CODES[ev.code];
          reject(refusal || (code ? new MediagateError(code, ev.reason || code)
            : new MediagateError('connection_failed', 'could not connect to the server')));
          return;
        }
        if (current) this._onDrop(ev); // else a socket we closed ourselves
      };
    });
  }

  _onRegistered (reg) {
    this.sessionId = reg.session_id || null;
    this.extension = reg.extension || null;
    this.displayName = reg.display_name || null;
    this.iceServers = Array.isArray(reg.ice_servers) ? reg.ice_servers : [];
    if (typeof reg.grace_period === 'number') this.gracePeriod = reg.grace_period;
    this._clientLog = reg.client_log && typeof reg.client_log === 'object' ? reg.client_log : null;
    this._startKeepAlive();
    this._setState('connected', { registered: reg });
  }

  _onDrop (ev) {
    this._stopKeepAlive();
    for (const p of this._pending.values()) {
      clearTimeout(p.timer);
      p.reject(new MediagateError('connection_lost', 'the connection dropped'));
    }
    this._pending.clear();
    if (this._closing) return;
    const fatal = CLOSE_CODES[ev.code];
    if (fatal || !this.sessionId) {
      this._shutdown(new MediagateError(fatal || 'connection_lost', ev.reason || 'the server closed the connection'));
      return;
    }
    this._resume();
  }

  // Reconnects with `resume` until the server's grace period runs out.
  async _resume () {
    this._setState('reconnecting');
    const epoch = this._epoch;
    const stale = () => this._closing || this._epoch !== epoch;
    const deadline = Date.now() + this.gracePeriod * 1000;
    for (let attempt = 0; !stale(); attempt++) {
      const delay = RESUME_DELAYS_MS[Math.min(attempt, RESUME_DELAYS_MS.length - 1)];
      if (Date.now() + delay >= deadline) break;
      await new Promise((r) => setTimeout(r, delay));
      if (stale()) return;
      try {
        const { reg, ws } = await this._open();
        if (stale()) {
          ws.close(1000, 'bye');
          return;
        }
        const live = new Set((reg.calls || []).map((c) => (typeof c === 'string' ? c : c && c.call_id)));
        for (const call of [...this.calls.values()])
          if (!live.has(call.id)) call._end({ cause: 'connection_lost', sip_status: null, reason: null });
        this._onRegistered(reg);
        emit(this, 'resumed', { registered: reg });
        return;
      } catch (err) {
        if (stale()) return;
        if (err.code !== 'connection_failed') {
          this._shutdown(err);
          return;
        }
      }
    }
    if (!stale()) this._shutdown(new MediagateError('connection_lost', 'could not reconnect in time'));
  }

  _shutdown (error) {
    this._stopKeepAlive();
    for (const call of [...this.calls.values()])
      call._end({ cause: error ? 'connection_lost' : 'hangup', sip_status: null, reason: null });
    this.sessionId = null;
    this._creds = null;
    this._orphans.clear();
    this._setState('disconnected', { error });
    emit(this, 'disconnected', { error });
  }

  _startKeepAlive () {
    this._stopKeepAlive();
    if (!this.options.keepAlive) return;
    this._keepAliveTimer = setInterval(() => {
      this._request('ping', {}).catch((err) => {
        // No answer: the socket is dead even if the browser has not noticed.
        if (err.code === 'timeout' && this._ws) this._ws.close(4000, 'keep-alive timeout');
      });
    }, this.options.keepAlive);
  }

  _stopKeepAlive () {
    clearInterval(this._keepAliveTimer);
    this._keepAliveTimer = null;
  }

  _sendRaw (msg) {
    if (!this._ws || this._ws.readyState !== WebSocket.OPEN) return false;
    this._ws.send(JSON.stringify(msg));
    return true;
  }

  // Requests made while reconnecting wait for the new socket.
  async _request (type, fields) {
    if (this.state === 'reconnecting') await this._waitConnected();
    if (this.state !== 'connected') throw new MediagateError('not_connected', 'the phone is not connected');
    const id = this._nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this._pending.delete(id);
        reject(new MediagateError('timeout', `no response to ${type}`));
      }, this.options.requestTimeout);
      this._pending.set(id, { resolve, reject, timer });
      if (!this._sendRaw({ type, id, ...fields })) {
        clearTimeout(timer);
        this._pending.delete(id);
        reject(new MediagateError('not_connected', 'the phone is not connected'));
      }
    });
  }

  _waitConnected () {
    return new Promise((resolve) => {
      const check = () => {
        if (this.state === 'reconnecting') return;
        this.removeEventListener('statechange', check);
        resolve();
      };
      this.addEventListener('statechange', check);
    });
  }

  _onMessage (msg) {
    if (msg.type === 'response') {
      const p = this._pending.get(msg.id);
      if (!p) return;
      this._pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.ok) p.resolve(msg);
      else p.reject(toError(msg.error || {}, 'failed'));
      return;
    }
    if (msg.type === 'error') {
      this.log('warn', `[phone] server error ${msg.code}`);
      emit(this, 'error', { error: toError(msg, 'failed') });
      return;
    }
    if (msg.type === 'make_call') {
      // An application asks this phone to call `to` (click-to-dial): at
      // once, or (prompt) once the agent confirms with call(to, {makeCall}).
      const detail = { to: msg.to, makeCall: msg.make_call, prompt: Boolean(msg.prompt) };
      emit(this, 'makecall', detail);
      if (!detail.prompt)
        this.call(detail.to, { makeCall: detail.makeCall }).catch((err) => emit(this, 'error', { error: err }));
      return;
    }
    if (msg.type === 'incoming') {
      const call = new MediagateCall(this, msg.call_id, 'incoming', msg.from);
      this._adopt(call);
      emit(this, 'incoming', { call });
      return;
    }
    if (typeof msg.call_id !== 'string') return;
    const call = this.calls.get(msg.call_id);
    if (call) {
      call._onEvent(msg);
      return;
    }
    // An event for a call whose `call` response has not arrived yet.
    const list = this._orphans.get(msg.call_id) || [];
    list.push(msg);
    this._orphans.set(msg.call_id, list);
    if (this._orphans.size > ORPHAN_LIMIT) this._orphans.delete(this._orphans.keys().next().value);
  }

  _adopt (call) {
    this.calls.set(call.id, call);
    emit(this, 'call', { call });
    const early = this._orphans.get(call.id);
    this._orphans.delete(call.id);
    if (early) for (const msg of early) call._onEvent(msg);
  }

  _forget (call) {
    this.calls.delete(call.id);
  }

  _rtcConfig () {
    const cfg = { iceServers: this.iceServers, bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' };
    if (this.options.iceTransportPolicy) cfg.iceTransportPolicy = this.options.iceTransportPolicy;
    return cfg;
  }

  async _getMicrophone () {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia)
      throw new MediagateError('insecure_context', 'the microphone needs HTTPS');
    // audioProcessing: false turns off the browser's echo cancellation, noise
    // suppression and gain control (headsets that do their own; measurements)
    const processing = this.options.audioProcessing !== false;
    const audio = { echoCancellation: processing, noiseSuppression: processing,
                    autoGainControl: processing };
    if (this.microphoneId) audio.deviceId = { exact: this.microphoneId };
    try {
      return await navigator.mediaDevices.getUserMedia({ audio, video: false });
    } catch (err) {
      throw mediaError(err);
    }
  }

  _playRemote (call) {
    if (!this.options.audio) return;
    if (!call.audio) {
      call.audio = new Audio();
      call.audio.autoplay = true;
      if (this.speakerId && call.audio.setSinkId)
        call.audio.setSinkId(this.speakerId).catch(() => {});
    }
    call.audio.srcObject = call.remoteStream;
    const played = call.audio.play();
    if (played) played.catch((err) => emit(call, 'error', { error: new MediagateError('autoplay_blocked', err.message) }));
  }
}

export default MediagatePhone;
