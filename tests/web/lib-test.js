// Drives data/web/mediagate-phone.js against the fake Mediagate of harness.mjs
// in real Chromium (real RTCPeerConnection, fake microphone) and POSTs the
// outcome of every step to /result. The node side checks the wire log.
import { MediagatePhone, MediagateCall, MediagateError } from '/webkit/mediagate-phone.js';
import { assert, ctl, openCtl, report, results, step } from './page-kit.js';

const WS_URL = `ws://${location.host}/webkit/ws`;

function waitEvent (target, type, ms = 5000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${type} event within ${ms} ms`)), ms);
    target.addEventListener(type, (ev) => { clearTimeout(t); resolve(ev); }, { once: true });
  });
}

async function waitFor (cond, what, ms = 5000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function rejectsWith (promise, code) {
  try {
    await promise;
  } catch (err) {
    assert(err instanceof MediagateError, `a MediagateError (got ${err && err.name}: ${err && err.message})`);
    assert(err.code === code, `code ${code} (got ${err.code})`);
    assert(typeof err.message === 'string' && err.message.length > 0, 'a message');
    return err;
  }
  throw new Error(`expected a rejection with ${code}`);
}

// An outgoing call to `number`, connected.
async function connectedCall (phone, number = '2000') {
  const call = await phone.call(number);
  if (call.state !== 'connected') await waitEvent(call, 'accepted');
  return call;
}

async function run () {
  await openCtl();

  await step('refusals map to error codes and leave the phone disconnected', async () => {
    const phone = new MediagatePhone();
    await rejectsWith(phone.connect({ url: WS_URL, token: 'bad' }), 'unauthorized');
    assert(phone.state === 'disconnected', 'disconnected after a refusal');
    await rejectsWith(phone.connect({ url: WS_URL, token: 'disabled' }), 'disabled');
    await rejectsWith(phone.connect({ url: WS_URL, token: 'refuse-silently' }), 'already_connected');
    await rejectsWith(phone.connect({ url: WS_URL, extension: '1000', password: 'nope' }), 'unauthorized');
    await rejectsWith(phone.connect({ url: WS_URL, extension: '9999', password: 'pw9999' }), 'not_found');
    await rejectsWith(phone.connect({ url: WS_URL }), 'bad_request');
    await rejectsWith(phone.connect({ url: 'ws://127.0.0.1:1/webkit/ws', token: 't' }), 'connection_failed');
  });

  await step('login with extension and password', async () => {
    const phone = new MediagatePhone();
    const reg = await phone.connect({ url: WS_URL, extension: '1000', password: 'pw1000' });
    assert(reg.type === 'registered' && phone.state === 'connected', 'registered');
    assert(phone.extension === '1000' && phone.displayName === 'Agent 1000', 'identity from registered');
    assert(phone.sessionId && phone.gracePeriod === 3, 'session id and grace period');
    await phone.disconnect();
    assert(phone.state === 'disconnected', 'disconnected');
  });

  const phone = new MediagatePhone({ requestTimeout: 1500 });
  const serverErrors = [];
  phone.addEventListener('error', (ev) => serverErrors.push(ev.detail.error));

  await step('token auth', async () => {
    await phone.connect({ url: WS_URL, token: 'good-token' });
    assert(phone.state === 'connected', 'connected');
    assert(Array.isArray(phone.iceServers), 'ice servers from registered');
  });

  await step('bad input is refused before anything is sent', async () => {
    await rejectsWith(phone.call('abc'), 'bad_request');
    await rejectsWith(phone.call(''), 'bad_request');
    await rejectsWith(phone.connect({ url: WS_URL, token: 'x' }), 'invalid_state');
  });

  await step('outgoing call: server offer answered, ringing then accepted, remote stream', async () => {
    const seen = [];
    const call = await phone.call('2000');
    assert(call instanceof MediagateCall && call.direction === 'outgoing', 'a call object');
    assert(/^c-/.test(call.id), 'call id from the response');
    for (const t of ['ringing', 'accepted']) call.addEventListener(t, () => seen.push(t));
    assert(call.state === 'dialing', 'dialing until the far end answers');
    await waitEvent(call, 'accepted');
    assert(seen.join() === 'ringing,accepted', 'ringing then accepted: ' + seen.join());
    await waitFor(() => call.pc && call.pc.signalingState === 'stable', 'stable signaling');
    assert(call.pc.remoteDescription.type === 'offer', 'the server offered');
    assert(call.pc.localDescription.type === 'answer', 'we answered');
    assert(/a=setup:(active|passive)/.test(call.pc.localDescription.sdp), 'DTLS role in the answer');
    assert(/telephone-event\/8000/.test(call.pc.localDescription.sdp), 'telephone-event kept in the answer');
    assert(/a=sendrecv/.test(call.pc.localDescription.sdp), 'sendrecv answer');
    assert(call.state === 'connected' && call.startTime > 0, 'connected with a start time');
    await waitFor(() => call.remoteStream, 'remote stream');
    assert(call.remoteStream instanceof MediaStream && call.remoteStream.getAudioTracks().length === 1, 'remote audio track');
    assert(call.audio instanceof HTMLAudioElement && call.audio.srcObject === call.remoteStream, 'played in an <audio>');
    const ctx = new AudioContext();
    const analyser = ctx.createAnalyser();
    ctx.createMediaStreamSource(call.remoteStream).connect(analyser);
    analyser.getFloatTimeDomainData(new Float32Array(analyser.fftSize));
    await ctx.close();
    assert(call.dtmfSender !== null, 'an RTCDTMFSender on the audio sender');
    window.firstCall = call;
  });

  const call = window.firstCall;
  await step('hold, unhold, mute', async () => {
    const held = waitEvent(call, 'held');
    await call.hold();
    assert((await held).detail.by === 'local' && call.state === 'held' && call.held, 'held');
    const resumed = waitEvent(call, 'resumed');
    await call.unhold();
    await resumed;
    assert(call.state === 'connected' && !call.held, 'resumed');
    await call.mute(true);
    assert(call.muted && !call._localStream.getAudioTracks()[0].enabled, 'microphone track disabled');
    await call.mute(false);
    assert(!call.muted && call._localStream.getAudioTracks()[0].enabled, 'microphone track enabled');
  });

  await step('DTMF: request, automatic choice, validation, remote digits', async () => {
    assert(await call.sendDtmf('12#', { method: 'request' }) === 'request', 'forced request');
    const can = call.dtmfSender.canInsertDTMF;
    const how = await call.sendDtmf('5');
    assert(how === (can ? 'rfc4733' : 'request'), `auto picks RTCDTMFSender only when it can (${how}, ${can})`);
    if (can) assert(call.dtmfSender.toneBuffer === '5', 'tone queued in the RTCDTMFSender');
    await rejectsWith(call.sendDtmf('12x'), 'bad_request');
    await rejectsWith(call.sendDtmf('1'.repeat(33)), 'bad_request');
    const got = waitEvent(call, 'dtmf');
    await ctl({ op: 'send', msg: { type: 'dtmf', call_id: call.id, digit: '7' } });
    assert((await got).detail.digit === '7', 'remote digit event');
  });

  await step('server error frames and response errors', async () => {
    await rejectsWith(phone._request('hangup', { call_id: 'c-nope' }), 'unknown_call');
    const err = waitEvent(phone, 'error');
    phone._sendRaw({ type: 'bogus' });
    const e = (await err).detail.error;
    assert(e instanceof MediagateError && e.code === 'bad_request', 'error event with code');
    await rejectsWith(phone.call('000'), 'timeout');
    assert(phone.state === 'connected', 'still connected after errors');
  });

  await step('reconnect with resume keeps the call; requests wait for the new socket', async () => {
    const pc = call.pc;
    const reconnecting = waitEvent(phone, 'statechange');
    await ctl({ op: 'drop' });
    assert((await reconnecting).detail.state === 'reconnecting', 'reconnecting');
    const resumed = waitEvent(phone, 'resumed');
    const held = call.hold(); // issued while the socket is down
    await resumed;
    await held;
    assert(phone.state === 'connected' && call.active && call.pc === pc && pc.signalingState === 'stable',
      'the same call and peer connection go on');
    assert(phone.calls.get(call.id) === call, 'call still listed');
    await call.unhold();
  });

  await step('hangup ends the call and releases media', async () => {
    const ended = waitEvent(call, 'ended');
    await call.hangup();
    const d = (await ended).detail;
    assert(d.cause === 'hangup' && d.sip_status === null, 'cause hangup');
    assert(call.state === 'ended' && call.pc.signalingState === 'closed', 'peer connection closed');
    assert(call._localStream.getAudioTracks()[0].readyState === 'ended', 'microphone released');
    assert(!phone.calls.has(call.id), 'forgotten');
    await rejectsWith(call.sendDtmf('1'), 'invalid_state');
  });

  await step('busy: ended with cause, SIP status and reason', async () => {
    const c = await phone.call('486');
    if (c.state !== 'ended') await waitEvent(c, 'ended');
    assert(c.endInfo.cause === 'busy' && c.endInfo.sip_status === 486 && c.endInfo.reason === 'Busy Here', 'busy 486');
  });

  await step('incoming call: accept answers the offer, remote hangup ends it', async () => {
    const incoming = waitEvent(phone, 'incoming');
    const { call_id } = await ctl({ op: 'incoming', from: { number: '2000', display_name: 'Bob' } });
    const c = (await incoming).detail.call;
    assert(c.id === call_id && c.direction === 'incoming' && c.state === 'incoming', 'ringing incoming call');
    assert(c.remote.number === '2000' && c.remote.display_name === 'Bob', 'caller id');
    const accepted = waitEvent(c, 'accepted');
    await c.accept();
    await accepted;
    assert(c.pc.localDescription.type === 'answer', 'answered the offer');
    await rejectsWith(c.accept(), 'invalid_state');
    const ended = waitEvent(c, 'ended');
    await ctl({ op: 'end', call_id: c.id, cause: 'remote_hangup' });
    assert((await ended).detail.cause === 'remote_hangup', 'remote hangup');
  });

  await step('incoming call: decline', async () => {
    const incoming = waitEvent(phone, 'incoming');
    await ctl({ op: 'incoming' });
    const c = (await incoming).detail.call;
    const ended = waitEvent(c, 'ended');
    await c.decline();
    assert((await ended).detail.cause === 'declined', 'declined');
    assert(c.pc === null, 'no media for a declined call');
  });

  await step('resume after the server lost the call ends it locally', async () => {
    const c = await connectedCall(phone);
    await ctl({ op: 'forget' });
    const ended = waitEvent(c, 'ended', 8000);
    await ctl({ op: 'drop' });
    assert((await ended).detail.cause === 'connection_lost', 'connection_lost');
    assert(phone.state === 'connected', 'phone reconnected');
  });

  await step('no server within the grace period: calls end, the phone disconnects', async () => {
    const c = await connectedCall(phone);
    const ended = waitEvent(c, 'ended', 8000);
    const gone = waitEvent(phone, 'disconnected', 8000);
    const t0 = Date.now();
    await ctl({ op: 'down', ms: 4000 });
    assert((await ended).detail.cause === 'connection_lost', 'connection_lost');
    const err = (await gone).detail.error;
    assert(err instanceof MediagateError && err.code === 'connection_lost', 'disconnected with connection_lost');
    const took = Date.now() - t0;
    assert(took >= 1500 && took <= 3500, `gave up within the 3 s grace period (${took} ms)`);
    assert(phone.state === 'disconnected' && phone.calls.size === 0, 'nothing left');
    await new Promise((r) => setTimeout(r, Math.max(0, t0 + 4200 - Date.now()))); // the server is back
    await phone.connect({ url: WS_URL, token: 'good-token' });
  });

  await step('disconnect', async () => {
    await phone.disconnect();
    assert(phone.state === 'disconnected' && phone.calls.size === 0, 'disconnected');
    await rejectsWith(phone.call('2000'), 'not_connected');
  });

  // Stray error events collected on the way: only the provoked one.
  results.push({ name: 'only provoked server errors', ok: serverErrors.length === 1, error: JSON.stringify(serverErrors.map((e) => e.code)) });
}

report(run);
