// Test helpers around the REAL browser phone library, for the e2e call tests.
//
// Evaluated (chromium.py add_script) in the daemon's own agent page,
// https://HOST:CLIENT_PORT/webkit/, so it runs in the daemon's origin and
// imports the library the daemon serves: no copy, no CORS, the page's real
// Content-Security-Policy stays in force (the library's WebSocket must pass
// it), and the page is a secure context (Chromium runs with
// --ignore-certificate-errors for the daemon's self-signed certificate). The
// agent page itself stays on its sign-in form; these phones are separate
// MediagatePhone instances. It is one async function expression rather than
// a module: the page's CSP forbids inline scripts, not evaluation by the
// driver, and a dynamic import() from 'self' is allowed.
//
// window.mgt (all methods return JSON-safe values; errors come back as
// {error: {code, message}} instead of throwing, so tests can assert on them):
//   login(name, {token} | {extension, password})  -> the `registered` message
//   dial(name, number, makeCall?) -> {call_id};  accept/decline/hangup/hold/unhold(callId)
//   sendDtmf(callId, digits, method)  -> the way used ('rfc4733' | 'request')
//   waitFor({phone, call_id, type}, ms) -> the first matching logged event
//   events({...}) -> every matching logged event, in order
//   hear(callId) -> {frequency, level} now;  listen(callId, ms) -> samples
//   stats(callId) -> inbound/outbound RTP counters and codecs
//   preferCodecs(['audio/opus', …] | null) -> codec preferences for later answers
//   sendRaw(name, text) / request(name, type, fields) -> raw protocol access
(async () => {
'use strict';

const { MediagatePhone } = await import('/webkit/mediagate-phone.js');

const log = [];
const phones = new Map();
const calls = new Map();
const t0 = performance.now();
let codecFilter = null;

function plain (value) {
  if (value instanceof Error) return { code: value.code || 'error', message: value.message };
  if (value === undefined) return null;
  try {
    return JSON.parse(JSON.stringify(value, (k, v) => (typeof v === 'object' && v &&
      (v instanceof EventTarget || v instanceof MediaStream)) ? undefined : v));
  } catch (e) {
    return String(value);
  }
}

function record (phone, callId, type, detail) {
  const entry = { phone, call_id: callId, type, detail: plain(detail), t: performance.now() - t0 };
  if (detail && detail.error) entry.detail = { error: plain(detail.error) };
  log.push(entry);
}

async function guarded (promise) {
  try {
    return plain(await promise);
  } catch (err) {
    return { error: { code: err.code || 'error', message: String(err.message || err) } };
  }
}

const CALL_EVENTS = ['statechange', 'ringing', 'progress', 'accepted', 'held', 'resumed', 'dtmf', 'transferred', 'conferenced', 'left',
  'muted', 'unmuted', 'remotestream', 'connectionstatechange', 'error', 'ended'];

function track (name, call) {
  if (calls.has(call.id)) return;
  const entry = { call, phone: name, analyser: null };
  calls.set(call.id, entry);
  for (const type of CALL_EVENTS) {
    call.addEventListener(type, (ev) => {
      if (type === 'remotestream') analyse(entry);
      record(name, call.id, type, ev.detail);
    });
  }
  if (call.remoteStream) analyse(entry);
}

// Headless Chromium computes audio only for streams that play: the library
// plays call.remoteStream in its own <audio>; the analyser taps the same stream.
function analyse (entry) {
  const ctx = new AudioContext();
  const source = ctx.createMediaStreamSource(entry.call.remoteStream);
  entry.analyser = ctx.createAnalyser();
  entry.analyser.fftSize = 8192;
  entry.analyser.smoothingTimeConstant = 0.2;
  source.connect(entry.analyser);
  ctx.resume();
}

// Answers use the codec preferences set by preferCodecs() (e.g. Opus only).
const setRemote = RTCPeerConnection.prototype.setRemoteDescription;
RTCPeerConnection.prototype.setRemoteDescription = async function (desc, ...rest) {
  const result = await setRemote.call(this, desc, ...rest);
  if (codecFilter && desc && desc.type === 'offer') {
    const caps = RTCRtpReceiver.getCapabilities('audio').codecs
      .filter((c) => codecFilter.includes(c.mimeType.toLowerCase()));
    for (const t of this.getTransceivers()) {
      if (t.receiver.track && t.receiver.track.kind === 'audio') t.setCodecPreferences(caps);
    }
  }
  return result;
};

function callOf (callId) {
  const entry = calls.get(callId);
  if (!entry) throw Object.assign(new Error(`no call ${callId} in this page`), { code: 'test_unknown_call' });
  return entry.call;
}

window.mgt = {
  ready: true,

  async login (name, credentials) {
    // no echo cancellation or gain control: pages in one browser share one
    // fake microphone, and the tone checks measure what the server relays
    const phone = new MediagatePhone({ keepAlive: 0, audioProcessing: false });
    phones.set(name, phone);
    for (const type of ['statechange', 'disconnected', 'error', 'resumed', 'makecall'])
      phone.addEventListener(type, (ev) => record(name, null, type, ev.detail));
    phone.addEventListener('call', (ev) => track(name, ev.detail.call));
    phone.addEventListener('incoming', (ev) => {
      track(name, ev.detail.call);
      record(name, ev.detail.call.id, 'incoming', { from: ev.detail.call.remote });
    });
    const url = credentials.url || `wss://${location.host}/webkit/ws`;
    return guarded(phone.connect({ url, ...credentials }));
  },

  async logout (name) {
    const phone = phones.get(name);
    if (phone) await phone.disconnect();
    phones.delete(name);
    return null;
  },

  async dial (name, number, makeCall = null) {
    try {
      const call = await phones.get(name).call(number, { makeCall });
      track(name, call);
      return { call_id: call.id };
    } catch (err) {
      return { error: { code: err.code || 'error', message: String(err.message || err) } };
    }
  },

  accept (callId) { return guarded(callOf(callId).accept()); },
  decline (callId) { return guarded(callOf(callId).decline()); },
  hangup (callId) { return guarded(callOf(callId).hangup()); },
  hold (callId) { return guarded(callOf(callId).hold()); },
  unhold (callId) { return guarded(callOf(callId).unhold()); },
  mute (callId, muted) { return guarded(callOf(callId).mute(muted)); },
  sendDtmf (callId, digits, method = 'auto') {
    return guarded(callOf(callId).sendDtmf(digits, { method }));
  },

  state (callId) {
    const call = calls.get(callId)?.call;
    return call ? { state: call.state, held: call.held, endInfo: call.endInfo } : null;
  },

  events (match = {}) {
    return log.filter((e) => Object.entries(match).every(([k, v]) => e[k] === v));
  },

  async waitFor (match, ms = 10000) {
    const end = performance.now() + ms;
    for (;;) {
      const found = this.events(match);
      if (found.length) return found[0];
      if (performance.now() > end) return null;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  },

  // The loudest frequency (Hz) between 100 Hz and 4 kHz and its level (dB),
  // or null before the remote stream arrived.
  hear (callId) {
    const analyser = calls.get(callId)?.analyser;
    if (!analyser) return null;
    const bins = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(bins);
    const hzPerBin = analyser.context.sampleRate / analyser.fftSize;
    let best = -1;
    for (let i = Math.ceil(100 / hzPerBin); i < 4000 / hzPerBin; i++)
      if (best < 0 || bins[i] > bins[best]) best = i;
    return { frequency: best * hzPerBin, level: bins[best] };
  },

  // The level (dB) at each of freqs (the loudest bin within 20 Hz), or null
  // before the remote stream arrived: a mix of tones shows each of them.
  levels (callId, freqs) {
    const analyser = calls.get(callId)?.analyser;
    if (!analyser) return null;
    const bins = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(bins);
    const hzPerBin = analyser.context.sampleRate / analyser.fftSize;
    return freqs.map((f) => {
      let level = -Infinity;
      for (let i = Math.floor((f - 20) / hzPerBin); i <= Math.ceil((f + 20) / hzPerBin); i++)
        level = Math.max(level, bins[i]);
      return level;
    });
  },

  // levels() every 100 ms for ms milliseconds.
  async listenLevels (callId, freqs, ms = 1000) {
    const out = [];
    for (let waited = 0; waited < ms; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      out.push(this.levels(callId, freqs));
    }
    return out;
  },

  // hear() every 100 ms for ms milliseconds.
  async listen (callId, ms = 1000) {
    const out = [];
    for (let waited = 0; waited < ms; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      out.push(this.hear(callId));
    }
    return out;
  },

  async stats (callId) {
    const call = calls.get(callId)?.call;
    const out = { connectionState: call?.pc?.connectionState ?? null, codecs: [] };
    if (!call || !call.pc) return out;
    (await call.pc.getStats()).forEach((r) => {
      if (r.type === 'inbound-rtp' && r.kind === 'audio') {
        out.packetsReceived = r.packetsReceived;
        out.bytesReceived = r.bytesReceived;
        out.audioLevel = r.audioLevel ?? null;
      } else if (r.type === 'outbound-rtp' && r.kind === 'audio') {
        out.packetsSent = r.packetsSent;
      } else if (r.type === 'codec' && r.mimeType) {
        out.codecs.push(`${r.payloadType} ${r.mimeType}/${r.clockRate}`);
      }
    });
    return out;
  },

  sdp (callId) {
    const pc = calls.get(callId)?.call?.pc;
    return pc ? { local: pc.localDescription?.sdp ?? null, remote: pc.remoteDescription?.sdp ?? null } : null;
  },

  preferCodecs (mimeTypes) {
    codecFilter = mimeTypes ? mimeTypes.map((m) => m.toLowerCase()) : null;
    return codecFilter;
  },

  // Raw protocol access for bad-input tests: a text frame as is, or a request
  // with the library's id numbering (its response or error comes back).
  sendRaw (name, text) {
    const ws = phones.get(name)?._ws;
    if (!ws) return { error: { code: 'test_not_connected', message: 'no socket' } };
    ws.send(text);
    return null;
  },

  // Drops the phone's WebSocket as a network failure would (the library
  // then resumes its session within the grace period).
  dropSocket (name) {
    const ws = phones.get(name)?._ws;
    if (!ws) return { error: { code: 'test_not_connected', message: 'no socket' } };
    ws.close(3000, 'test: network drop');
    return null;
  },

  request (name, type, fields = {}) {
    return guarded(phones.get(name)._request(type, fields));
  },

  phoneState (name) {
    const phone = phones.get(name);
    return phone ? { state: phone.state, calls: [...phone.calls.keys()] } : null;
  },
};
})();
