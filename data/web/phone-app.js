// phone-app.js: the agent phone page (index.html) on top of mediagate-phone.js.
// Every user-facing string is in STRINGS below, so the page can be translated
// by replacing that one table. `{name}` placeholders are filled by t().
import { MediagatePhone } from './mediagate-phone.js';

export const STRINGS = {
  title: 'Mediagate phone',
  state_disconnected: 'Not connected',
  state_connecting: 'Connecting…',
  state_connected: 'Connected',
  state_reconnecting: 'Connection lost, reconnecting…',
  login_heading: 'Sign in',
  extension_label: 'Extension',
  password_label: 'Password',
  login_button: 'Sign in',
  logout_button: 'Sign out',
  phone_heading: 'Phone',
  identity: 'Extension {extension} ({name})',
  number_label: 'Number to call',
  number_hint: 'Digits, *, # and a leading +.',
  call_button: 'Call',
  keypad_label: 'Dial pad',
  keypad_label_dtmf: 'Keypad: sends tones to the call',
  key_star: 'star',
  key_hash: 'hash',
  calls_heading: 'Calls',
  no_calls: 'No calls.',
  answer_button: 'Answer',
  decline_button: 'Decline',
  hangup_button: 'Hang up',
  hold_button: 'Hold',
  unhold_button: 'Resume',
  mute_button: 'Mute',
  unmute_button: 'Unmute',
  devices_heading: 'Audio devices',
  microphone_label: 'Microphone',
  speaker_label: 'Speaker',
  device_default: 'System default',
  device_unnamed: 'Device {n}',
  speaker_unsupported: 'This browser cannot choose the speaker; the system default is used.',
  settings_heading: 'Settings',
  client_log_label: 'Send diagnostic logs to the server',
  client_log_hint: 'Helps support find problems. Sends what the phone does (never your password); off by default.',
  announce_client_log_on: 'Diagnostic logs are sent to the server.',
  announce_client_log_off: 'Diagnostic logs are no longer sent.',
  party_unknown: 'Unknown caller',
  party: '{name} ({number})',
  call_incoming: 'Incoming call',
  call_accepting: 'Answering…',
  call_dialing: 'Calling…',
  call_ringing: 'Ringing…',
  call_progress: 'Call in progress…',
  call_connected: 'Connected',
  call_held: 'On hold',
  call_held_remote: 'On hold by the other party',
  call_ended: 'Call ended',
  muted_suffix: ' (microphone muted)',
  timer_label: 'Call duration {time}',
  announce_connected: 'Signed in as extension {extension}.',
  announce_disconnected: 'Signed out.',
  announce_incoming: 'Incoming call from {party}.',
  announce_dialing: 'Calling {number}.',
  announce_make_call: 'Call {number}? Press Call to place it.',
  announce_ringing: '{party} is ringing.',
  announce_accepted: 'Call with {party} connected.',
  announce_held: 'Call with {party} on hold.',
  announce_resumed: 'Call with {party} resumed.',
  announce_transferred: 'You are now talking with {party}.',
  announce_conferenced: 'Conference with {parties}.',
  announce_left: '{party} left the conference.',
  announce_muted: 'Microphone muted.',
  announce_unmuted: 'Microphone on.',
  announce_ended: 'Call with {party} ended. {cause}',
  announce_dtmf_in: '{party} pressed {digit}.',
  cause_hangup: 'You hung up.',
  cause_remote_hangup: 'The other party hung up.',
  cause_declined: 'The call was declined.',
  cause_busy: 'The number is busy.',
  cause_not_found: 'The number does not exist.',
  cause_no_answer: 'Nobody answered.',
  cause_rejected: 'The call was rejected.',
  cause_unavailable: 'The number cannot be reached right now.',
  cause_media_failed: 'The audio connection failed.',
  cause_srtp_required: 'The other phone cannot encrypt the call, and this server requires it.',
  cause_cancelled: 'The caller gave up.',
  cause_shutdown: 'The server is shutting down.',
  cause_connection_lost: 'The connection to the server was lost.',
  cause_other: 'The call ended.',
  error_unauthorized: 'Sign-in failed: wrong extension or password, or the session has expired.',
  error_not_found: 'There is no such extension.',
  error_disabled: 'This extension is disabled.',
  error_already_connected: 'Another phone is already signed in with this extension.',
  error_limit_reached: 'The server is at its limit. Please try again later.',
  error_connection_failed: 'Cannot reach the server.',
  error_connection_lost: 'The connection to the server was lost.',
  error_not_connected: 'The phone is not connected.',
  error_timeout: 'The server did not answer in time.',
  error_bad_request: 'The server did not understand the request: {message}',
  error_unknown_call: 'That call no longer exists.',
  error_invalid_state: 'That is not possible in this state of the call.',
  error_microphone_denied: 'The microphone is blocked. Allow it in the browser to make calls.',
  error_microphone_not_found: 'The chosen microphone was not found.',
  error_microphone_busy: 'The microphone is in use by another program.',
  error_insecure_context: 'The microphone only works over HTTPS.',
  error_not_supported: 'This browser does not support that.',
  error_autoplay_blocked: 'The browser blocked the call audio. Click anywhere on the page to hear it.',
  error_failed: 'Something went wrong: {message}',
  error_empty_number: 'Enter a number to call.',
};

export function t (key, params = {}) {
  const s = STRINGS[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (m, name) => (params[name] ?? m));
}

export function errorText (err) {
  const code = err && err.code;
  const key = STRINGS['error_' + code] ? 'error_' + code : 'error_failed';
  return t(key, { message: (err && err.message) || String(err) });
}

export function causeText (cause) {
  return STRINGS['cause_' + cause] ? t('cause_' + cause) : t('cause_other');
}

const $ = (id) => document.getElementById(id);
const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];
const STORE = { mic: 'mediagate.microphone', speaker: 'mediagate.speaker', clientLog: 'mediagate.clientLog' };

function meta (name) {
  const el = document.querySelector(`meta[name="${name}"]`);
  return el ? el.content.trim() : '';
}

function wsUrl () {
  const url = new URL(meta('mediagate-ws-url') || 'ws', location.href);
  url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
  url.hash = '';
  return url.href;
}

function originAllowed (origin) {
  if (origin === location.origin) return true;
  return meta('mediagate-allowed-origins').split(/\s+/).filter(Boolean).includes(origin);
}

// Ringtone and ringback, generated with WebAudio (no sound files).
class Ringer {
  constructor () {
    this.ctx = null;
    this.timer = null;
    this.kind = null;
    this.sinkId = '';
  }

  get playing () { return this.kind; }

  start (kind) {
    if (this.kind === kind) return;
    this.stop();
    const AC = window.AudioContext || window.webkitAudioContext;
    if (!AC) return;
    if (!this.ctx) {
      this.ctx = new AC();
      if (this.sinkId && this.ctx.setSinkId) this.ctx.setSinkId(this.sinkId).catch(() => {});
    }
    this.ctx.resume().catch(() => {});
    this.kind = kind;
    // Ring: 440+480 Hz, 1 s on, 2 s off. Ringback: quieter, 2 s on, 4 s off.
    const [on, period, level] = kind === 'ring' ? [1, 3, 0.2] : [2, 6, 0.06];
    const burst = () => {
      const now = this.ctx.currentTime;
      const gain = this.ctx.createGain();
      gain.gain.setValueAtTime(0, now);
      gain.gain.linearRampToValueAtTime(level, now + 0.02);
      gain.gain.setValueAtTime(level, now + on - 0.02);
      gain.gain.linearRampToValueAtTime(0, now + on);
      gain.connect(this.ctx.destination);
      for (const f of [440, 480]) {
        const osc = this.ctx.createOscillator();
        osc.frequency.value = f;
        osc.connect(gain);
        osc.start(now);
        osc.stop(now + on);
      }
    };
    burst();
    this.timer = setInterval(burst, period * 1000);
  }

  stop () {
    clearInterval(this.timer);
    this.timer = null;
    this.kind = null;
    if (this.ctx) this.ctx.suspend().catch(() => {});
  }

  setSink (id) {
    this.sinkId = id || '';
    if (this.ctx && this.ctx.setSinkId) this.ctx.setSinkId(this.sinkId).catch(() => {});
  }
}

class PhoneApp {
  constructor () {
    this.phone = new MediagatePhone({
      microphoneId: localStorage.getItem(STORE.mic) || null,
      speakerId: (MediagatePhone.canSelectSpeaker && localStorage.getItem(STORE.speaker)) || null,
    });
    this.ringer = new Ringer();
    this.ringer.sinkId = this.phone.speakerId || '';
    this.views = new Map(); // call id -> {call, li, ...}
    this.tokenPeer = null; // {source, origin} of the page that handed us a token
    this.strings = STRINGS;
  }

  init () {
    for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t);
    document.title = t('title');
    this.buildKeypad();
    $('login-form').addEventListener('submit', (ev) => { ev.preventDefault(); this.login(); });
    $('dial-form').addEventListener('submit', (ev) => { ev.preventDefault(); this.dial(); });
    $('logout').addEventListener('click', () => this.logout());
    $('microphone').addEventListener('change', (ev) => this.chooseMicrophone(ev.target.value));
    $('speaker').addEventListener('change', (ev) => this.chooseSpeaker(ev.target.value));
    $('client-log').checked = localStorage.getItem(STORE.clientLog) === 'on';
    if ($('client-log').checked) this.phone.enableClientLog();
    $('client-log').addEventListener('change', (ev) => this.setClientLog(ev.target.checked));
    if (!MediagatePhone.canSelectSpeaker) {
      $('speaker').disabled = true;
      $('speaker-note').hidden = false;
    }
    if (navigator.mediaDevices && navigator.mediaDevices.addEventListener)
      navigator.mediaDevices.addEventListener('devicechange', () => this.refreshDevices());
    // Audio may only start after a user gesture in some browsers.
    document.addEventListener('click', () => this.resumeAudio(), true);

    const p = this.phone;
    p.addEventListener('statechange', (ev) => this.onPhoneState(ev.detail));
    p.addEventListener('disconnected', (ev) => this.onDisconnected(ev.detail.error));
    p.addEventListener('call', (ev) => this.addCall(ev.detail.call));
    p.addEventListener('makecall', (ev) => this.onMakeCall(ev.detail));
    p.addEventListener('incoming', (ev) => this.onIncoming(ev.detail.call));
    p.addEventListener('error', (ev) => this.showError(ev.detail.error));

    window.addEventListener('message', (ev) => this.onMessage(ev));
    const hash = new URLSearchParams(location.hash.slice(1));
    if (hash.get('token')) {
      // Keep the token out of the history and of bookmarks.
      history.replaceState(null, '', location.pathname + location.search);
      this.connect({ token: hash.get('token') });
    }
    for (const w of new Set([window.opener, window.parent !== window ? window.parent : null]))
      if (w) w.postMessage({ type: 'mediagate:ready' }, '*');
    this.refreshDevices();
  }

  // --- status and announcements ---------------------------------------------

  announce (text, urgent = false) {
    const region = $(urgent ? 'urgent' : 'status');
    // Changing the text (even to the same words) makes screen readers speak.
    region.textContent = '';
    setTimeout(() => { region.textContent = text; }, 50);
  }

  showError (err) {
    const box = $('alert');
    box.textContent = typeof err === 'string' ? err : errorText(err);
    box.hidden = false;
  }

  clearError () {
    $('alert').hidden = true;
    $('alert').textContent = '';
  }

  tellTokenPeer (msg) {
    if (this.tokenPeer) this.tokenPeer.source.postMessage(msg, this.tokenPeer.origin);
  }

  // --- connection -----------------------------------------------------------

  async connect (creds) {
    this.clearError();
    $('login-button').disabled = true;
    try {
      await this.phone.connect({ url: wsUrl(), ...creds });
      $('password').value = '';
      this.tellTokenPeer({ type: 'mediagate:connected', extension: this.phone.extension });
    } catch (err) {
      this.showError(err);
      this.tellTokenPeer({ type: 'mediagate:error', code: err.code, message: err.message });
      $('login-button').disabled = false;
    }
  }

  login () {
    const extension = $('extension').value.trim();
    const password = $('password').value;
    if (!extension || !password) return;
    this.connect({ extension, password });
  }

  async logout () {
    await this.phone.disconnect();
    this.announce(t('announce_disconnected'));
    $('extension').focus();
  }

  onMessage (ev) {
    const msg = ev.data;
    if (!msg || typeof msg !== 'object' || msg.type !== 'mediagate:token' || typeof msg.token !== 'string') return;
    if (!originAllowed(ev.origin)) {
      console.warn(`mediagate: ignored a token from ${ev.origin}, not in mediagate-allowed-origins`);
      return;
    }
    this.tokenPeer = { source: ev.source, origin: ev.origin };
    if (this.phone.state === 'disconnected') this.connect({ token: msg.token });
    else this.phone.setToken(msg.token); // a refreshed token for later reconnects
  }

  onPhoneState ({ state }) {
    $('connection').textContent = t('state_' + state);
    document.documentElement.dataset.connection = state;
    if (state === 'connected') {
      $('login-section').hidden = true;
      $('phone-section').hidden = false;
      $('identity').textContent = t('identity', { extension: this.phone.extension,
        name: this.phone.displayName || this.phone.extension });
      if (!this.wasConnected) {
        this.announce(t('announce_connected', { extension: this.phone.extension }));
        if (!document.activeElement || document.activeElement === document.body ||
            $('login-section').contains(document.activeElement)) $('number').focus();
      }
      this.wasConnected = true;
    } else if (state === 'reconnecting') {
      this.announce(t('state_reconnecting'), true);
    }
  }

  onDisconnected (error) {
    this.wasConnected = false;
    $('phone-section').hidden = true;
    $('login-section').hidden = false;
    $('login-button').disabled = false;
    if (error) {
      this.showError(error);
      this.tellTokenPeer({ type: 'mediagate:error', code: error.code, message: error.message });
    }
    this.tellTokenPeer({ type: 'mediagate:disconnected' });
  }

  // --- dialling and the keypad ------------------------------------------------

  buildKeypad () {
    const pad = $('keypad');
    KEYS.forEach((key, i) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = key;
      b.dataset.key = key;
      if (key === '*') b.setAttribute('aria-label', t('key_star'));
      if (key === '#') b.setAttribute('aria-label', t('key_hash'));
      b.tabIndex = i === 0 ? 0 : -1; // one tab stop; arrows move inside
      b.addEventListener('click', () => this.pressKey(key));
      pad.append(b);
    });
    pad.addEventListener('keydown', (ev) => this.keypadKeydown(ev));
  }

  keypadKeydown (ev) {
    const buttons = [...$('keypad').querySelectorAll('button')];
    const i = buttons.indexOf(document.activeElement);
    const moves = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: 3, ArrowUp: -3, Home: -i, End: 11 - i };
    if (i >= 0 && ev.key in moves) {
      ev.preventDefault();
      const next = buttons[Math.min(11, Math.max(0, i + moves[ev.key]))];
      buttons.forEach((b) => { b.tabIndex = b === next ? 0 : -1; });
      next.focus();
    } else if (KEYS.includes(ev.key)) {
      ev.preventDefault();
      this.pressKey(ev.key);
    }
  }

  connectedCall () {
    for (const v of this.views.values())
      if (v.call.state === 'connected') return v.call;
    return null;
  }

  async pressKey (key) {
    const call = this.connectedCall();
    if (call) {
      try {
        await call.sendDtmf(key);
      } catch (err) {
        this.showError(err);
      }
      return;
    }
    $('number').value += key;
  }

  // An application asks us to call a number (click-to-dial). Without a
  // prompt the library dials at once; with one, the number waits in the
  // dial field and pressing Call places exactly that call.
  onMakeCall ({ to, makeCall, prompt }) {
    if (!prompt) return;
    this.pendingMakeCall = { to, makeCall };
    $('number').value = to;
    $('call-button').focus();
    this.announce(t('announce_make_call', { number: to }));
  }

  async dial () {
    const number = $('number').value.replace(/[\s()./-]/g, '');
    if (!number) {
      this.showError(t('error_empty_number'));
      $('number').focus();
      return;
    }
    this.clearError();
    this.resumeAudio();
    $('call-button').disabled = true;
    this.announce(t('announce_dialing', { number }));
    try {
      const pending = this.pendingMakeCall;
      this.pendingMakeCall = null;
      await this.phone.call(number, { makeCall: pending && pending.to === number ? pending.makeCall : null });
      $('number').value = '';
      this.refreshDevices(); // device labels appear once the microphone is allowed
    } catch (err) {
      this.showError(err);
    } finally {
      $('call-button').disabled = false;
    }
  }

  // --- calls ------------------------------------------------------------------

  party (call) {
    const r = call.remote || {};
    if (r.display_name && r.number) return t('party', { name: r.display_name, number: r.number });
    return r.display_name || r.number || t('party_unknown');
  }

  addCall (call) {
    const li = $('call-template').content.firstElementChild.cloneNode(true);
    li.querySelectorAll('[data-t]').forEach((el) => { el.textContent = t(el.dataset.t); });
    const headingId = `call-${call.id}-party`;
    li.querySelector('.call-party').id = headingId;
    li.querySelector('article').setAttribute('aria-labelledby', headingId);
    li.dataset.callId = call.id;
    const view = { call, li, timer: null };
    const q = (sel) => li.querySelector(sel);
    q('.answer').addEventListener('click', () => this.act(call, () => call.accept()));
    q('.decline').addEventListener('click', () => this.act(call, () => call.decline()));
    q('.hangup').addEventListener('click', () => this.act(call, () => call.hangup()));
    q('.hold').addEventListener('click', () => this.act(call, () => (call.held ? call.unhold() : call.hold())));
    q('.mute').addEventListener('click', () => this.act(call, () => call.mute(!call.muted)));
    const party = () => this.party(call);
    const on = (type, fn) => call.addEventListener(type, fn);
    on('statechange', () => this.render(view));
    on('muted', () => { this.render(view); this.announce(t('announce_muted')); });
    on('unmuted', () => { this.render(view); this.announce(t('announce_unmuted')); });
    on('ringing', () => {
      this.announce(t('announce_ringing', { party: party() }));
      if (!call.earlyMedia) this.ringer.start('ringback');
    });
    on('progress', (ev) => { if (ev.detail.early_media) this.updateRinger(); });
    on('accepted', () => { this.announce(t('announce_accepted', { party: party() })); this.updateRinger(); });
    on('held', () => this.announce(t('announce_held', { party: party() })));
    on('resumed', () => this.announce(t('announce_resumed', { party: party() })));
    on('transferred', () => { this.render(view); this.announce(t('announce_transferred', { party: party() })); });
    on('conferenced', (ev) => {
      this.render(view);
      const names = ev.detail.parties.map((p) => p.display_name || p.number).join(', ');
      this.announce(t('announce_conferenced', { parties: names }));
    });
    on('left', (ev) => {
      const p = ev.detail.party || {};
      this.announce(t('announce_left', { party: p.display_name || p.number || t('party_unknown') }));
    });
    on('dtmf', (ev) => this.announce(t('announce_dtmf_in', { party: party(), digit: ev.detail.digit })));
    on('error', (ev) => this.showError(ev.detail.error));
    on('ended', (ev) => this.endCall(view, ev.detail));
    this.views.set(call.id, view);
    $('calls').append(li);
    $('no-calls').hidden = true;
    this.render(view);
  }

  async act (call, fn) {
    this.clearError();
    this.resumeAudio();
    try {
      await fn();
    } catch (err) {
      this.showError(err);
    }
  }

  render (view) {
    const { call, li } = view;
    if (call.state === 'ended') return; // endCall() removes it, minding the focus
    const q = (sel) => li.querySelector(sel);
    q('.call-party').textContent = this.party(call);
    const s = call.state;
    let text = t('call_' + s);
    if (s === 'held' && call.heldBy === 'remote') text = t('call_held_remote');
    if (call.muted) text += t('muted_suffix');
    q('.call-state').textContent = text;
    const live = s === 'connected' || s === 'held';
    q('.answer').hidden = s !== 'incoming';
    q('.decline').hidden = s !== 'incoming';
    q('.hangup').hidden = s === 'incoming';
    q('.hold').hidden = !live;
    q('.mute').hidden = !live && s !== 'dialing' && s !== 'ringing' && s !== 'progress';
    q('.hold').setAttribute('aria-pressed', String(call.held));
    q('.hold').textContent = t(call.held ? 'unhold_button' : 'hold_button');
    q('.mute').setAttribute('aria-pressed', String(call.muted));
    q('.mute').textContent = t(call.muted ? 'unmute_button' : 'mute_button');
    if (live && !view.timer) {
      view.timer = setInterval(() => this.tick(view), 1000);
      this.tick(view);
    }
    $('keypad-label').textContent = t(this.connectedCall() ? 'keypad_label_dtmf' : 'keypad_label');
    this.updateRinger();
  }

  tick ({ call, li }) {
    const s = call.duration;
    const hh = Math.floor(s / 3600);
    const mm = String(Math.floor(s / 60) % 60).padStart(2, '0');
    const ss = String(s % 60).padStart(2, '0');
    const el = li.querySelector('.call-timer');
    el.hidden = false;
    el.textContent = hh ? `${hh}:${mm}:${ss}` : `${mm}:${ss}`;
    el.dateTime = `PT${s}S`;
    el.setAttribute('aria-label', t('timer_label', { time: el.textContent }));
  }

  updateRinger () {
    const calls = [...this.views.values()].map((v) => v.call);
    if (calls.some((c) => c.state === 'incoming')) this.ringer.start('ring');
    else if (calls.some((c) => c.state === 'ringing' && !c.earlyMedia)) this.ringer.start('ringback');
    else this.ringer.stop();
  }

  onIncoming (call) {
    this.announce(t('announce_incoming', { party: this.party(call) }), true);
    const view = this.views.get(call.id);
    const a = document.activeElement;
    // Bring keyboard users to the Answer button unless they are typing.
    if (view && (!a || a === document.body || a.tagName === 'BUTTON')) view.li.querySelector('.answer').focus();
  }

  endCall (view, info) {
    clearInterval(view.timer);
    const hadFocus = view.li.contains(document.activeElement);
    view.li.remove();
    this.views.delete(view.call.id);
    $('no-calls').hidden = this.views.size > 0;
    const cause = causeText(info.cause);
    this.announce(t('announce_ended', { party: this.party(view.call), cause }));
    if (!['hangup', 'remote_hangup', 'declined', 'cancelled'].includes(info.cause)) {
      const sip = info.sip_status ? ` (${info.sip_status}${info.reason ? ' ' + info.reason : ''})` : '';
      this.showError(cause + sip);
    }
    this.updateRinger();
    $('keypad-label').textContent = t(this.connectedCall() ? 'keypad_label_dtmf' : 'keypad_label');
    if (hadFocus && !$('phone-section').hidden) $('number').focus();
  }

  // --- devices ----------------------------------------------------------------

  async refreshDevices () {
    let devices;
    try {
      devices = await MediagatePhone.listDevices();
    } catch {
      return;
    }
    this.fillSelect($('microphone'), devices.microphones, this.phone.microphoneId);
    this.fillSelect($('speaker'), devices.speakers, this.phone.speakerId);
  }

  fillSelect (select, devices, current) {
    const options = [new Option(t('device_default'), '')];
    devices.filter((d) => d.deviceId && d.deviceId !== 'default').forEach((d, i) => {
      options.push(new Option(d.label || t('device_unnamed', { n: i + 1 }), d.deviceId));
    });
    select.replaceChildren(...options);
    select.value = options.some((o) => o.value === current) ? current || '' : '';
  }

  async chooseMicrophone (id) {
    try {
      await this.phone.setMicrophone(id);
      localStorage.setItem(STORE.mic, id);
    } catch (err) {
      this.showError(err);
    }
  }

  async chooseSpeaker (id) {
    try {
      await this.phone.setSpeaker(id);
      this.ringer.setSink(id);
      localStorage.setItem(STORE.speaker, id);
    } catch (err) {
      this.showError(err);
    }
  }

  // Opt-in: the phone's log lines go to the server's client logger.
  setClientLog (on) {
    if (on) {
      this.phone.enableClientLog();
      this.phone.log('info', `[page] client logging on (${navigator.userAgent})`);
    } else {
      this.phone.disableClientLog();
    }
    localStorage.setItem(STORE.clientLog, on ? 'on' : 'off');
    this.announce(t(on ? 'announce_client_log_on' : 'announce_client_log_off'));
  }

  resumeAudio () {
    if (this.ringer.ctx && this.ringer.kind) this.ringer.ctx.resume().catch(() => {});
    for (const { call } of this.views.values())
      if (call.audio && call.audio.paused && call.remoteStream) call.audio.play().catch(() => {});
  }
}

const app = new PhoneApp();
// For debugging and for tests/web (same-origin frames only).
window.mediagatePhoneApp = app;
app.init();
document.documentElement.dataset.phone = 'ready';
