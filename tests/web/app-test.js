// Drives the agent phone page (/webkit/) in a same-origin iframe, as a person
// would with the mouse and keyboard, against the fake server of harness.mjs,
// and POSTs the outcome of every step to /result. A second frame from another
// origin (localhost instead of 127.0.0.1) tries to hand over a token.
const results = [];
let ctlSocket;
let ctlSeq = 0;
const ctlWaiters = new Map();
const fromPhone = [];

function ctl (cmd) {
  const seq = ++ctlSeq;
  return new Promise((resolve) => {
    ctlWaiters.set(seq, resolve);
    ctlSocket.send(JSON.stringify({ seq, ...cmd }));
  });
}

function assert (cond, what) {
  if (!cond) throw new Error('assertion failed: ' + what);
}

async function waitFor (cond, what, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = cond();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function step (name, fn) {
  try {
    await fn();
    results.push({ name, ok: true });
  } catch (err) {
    results.push({ name, ok: false, error: String(err && err.stack || err) });
  }
}

function loadFrame (src) {
  return new Promise((resolve) => {
    const f = document.createElement('iframe');
    f.allow = 'microphone; autoplay; speaker-selection';
    f.onload = () => resolve(f);
    f.src = src;
    document.body.append(f);
  });
}

async function sentByPhone (pred) {
  const { log } = await ctl({ op: 'log' });
  return log.filter((e) => e.dir === 'in' && pred(e.msg));
}

async function run () {
  await new Promise((resolve) => {
    ctlSocket = new WebSocket(`ws://${location.host}/ctl`);
    ctlSocket.onopen = resolve;
    ctlSocket.onmessage = (ev) => {
      const r = JSON.parse(ev.data);
      ctlWaiters.get(r.seq)(r);
      ctlWaiters.delete(r.seq);
    };
  });
  window.addEventListener('message', (ev) => fromPhone.push({ origin: ev.origin, data: ev.data }));

  const frame = await loadFrame('/webkit/');
  const win = frame.contentWindow;
  const doc = frame.contentDocument;
  const $ = (id) => doc.getElementById(id);
  await waitFor(() => doc.documentElement.dataset.phone === 'ready', 'the page to start');
  const app = win.mediagatePhoneApp;
  const S = app.strings;
  const visible = (el) => el && !el.hidden && !el.closest('[hidden]');
  const callItem = () => doc.querySelector('#calls li');
  const stateText = () => callItem() && callItem().querySelector('.call-state').textContent;
  const live = () => $('status').textContent;
  const btn = (cls) => callItem().querySelector('.' + cls);

  await step('the page says it is ready to its embedder', async () => {
    await waitFor(() => fromPhone.some((m) => m.data.type === 'mediagate:ready'), 'mediagate:ready');
    assert(visible($('login-section')) && !visible($('phone-section')), 'login shown first');
  });

  await step('a token from an origin not allowed is ignored', async () => {
    await loadFrame(`http://localhost:${location.port}/test/evil.html`);
    await waitFor(() => fromPhone.some((m) => m.data === 'evil-sent'), 'the other frame to post');
    await new Promise((r) => setTimeout(r, 300));
    assert((await sentByPhone((m) => m.token === 'EVIL')).length === 0, 'EVIL never reached the server');
    assert(visible($('login-section')), 'still at the login');
  });

  await step('a token by postMessage from an allowed origin signs in', async () => {
    win.postMessage({ type: 'mediagate:token', token: 'good-token' }, location.origin);
    await waitFor(() => fromPhone.some((m) => m.data.type === 'mediagate:connected'), 'mediagate:connected');
    assert(visible($('phone-section')) && !visible($('login-section')), 'phone shown');
    await waitFor(() => live() === 'Signed in as extension 1000.', 'the announcement');
    assert($('connection').textContent === S.state_connected, 'connection state as text');
    assert($('identity').textContent === 'Extension 1000 (Agent 1000)', 'identity');
  });

  await step('empty number: a clear error', async () => {
    $('number').value = '';
    $('call-button').click();
    assert(visible($('alert')) && $('alert').textContent === S.error_empty_number, 'error shown');
  });

  await step('outgoing call: dial, connected, timer, mute, hold, keypad, hang up', async () => {
    const mutesBefore = (await sentByPhone((m) => m.type === 'mute')).length;
    $('number').value = '2000';
    $('call-button').click();
    await waitFor(() => stateText() === S.call_connected, 'connected');
    assert(!visible($('alert')), 'the old error is cleared');
    await waitFor(() => visible(callItem().querySelector('.call-timer')), 'timer');
    assert(/^\d\d:\d\d$/.test(callItem().querySelector('.call-timer').textContent), 'mm:ss');
    assert($('keypad-label').textContent === S.keypad_label_dtmf, 'keypad now sends tones');
    assert(!visible(btn('answer')) && visible(btn('hangup')), 'hang up offered, not answer');
    btn('mute').click();
    await waitFor(() => btn('mute').getAttribute('aria-pressed') === 'true', 'mute pressed');
    assert(btn('mute').textContent === S.unmute_button, 'button says Unmute');
    assert(stateText() === S.call_connected + S.muted_suffix, 'muted in words');
    btn('mute').click();
    await waitFor(() => btn('mute').getAttribute('aria-pressed') === 'false', 'unmuted');
    btn('hold').click();
    await waitFor(() => stateText() === S.call_held, 'on hold');
    assert(btn('hold').textContent === S.unhold_button && btn('hold').getAttribute('aria-pressed') === 'true', 'Resume');
    btn('hold').click();
    await waitFor(() => stateText() === S.call_connected, 'resumed');
    $('keypad').querySelector('[data-key="#"]').click();
    await new Promise((r) => setTimeout(r, 100));
    assert(!visible($('alert')), 'DTMF sent without error: ' + $('alert').textContent);
    btn('hangup').focus();
    btn('hangup').click();
    await waitFor(() => !callItem(), 'the call to go');
    await waitFor(() => live().includes(S.cause_hangup), 'ended announced');
    assert(doc.activeElement === $('number'), 'focus back to the number field');
    assert(visible($('no-calls')), 'no calls shown');
    assert((await sentByPhone((m) => m.type === 'mute')).length === mutesBefore + 2, 'mute requests');
  });

  await step('incoming call: announced, rings, answered by button, ended by the far end', async () => {
    doc.activeElement.blur();
    await ctl({ op: 'incoming', from: { number: '2000', display_name: 'Bob' } });
    await waitFor(() => $('urgent').textContent === 'Incoming call from Bob (2000).', 'urgent announcement');
    assert(app.ringer.playing === 'ring', 'ringtone');
    assert(stateText() === S.call_incoming && visible(btn('answer')) && visible(btn('decline')), 'answer and decline');
    assert(doc.activeElement === btn('answer'), 'keyboard focus on Answer');
    btn('answer').click();
    await waitFor(() => stateText() === S.call_connected, 'connected');
    assert(app.ringer.playing === null, 'ringtone stopped');
    await ctl({ op: 'end', call_id: callItem().dataset.callId, cause: 'remote_hangup' });
    await waitFor(() => !callItem(), 'the call to go');
    await waitFor(() => live().includes(S.cause_remote_hangup), 'remote hangup announced');
    assert(!visible($('alert')), 'a normal end is no error');
  });

  await step('busy: the cause in words with the SIP status', async () => {
    $('number').value = '486';
    $('call-button').click();
    await waitFor(() => visible($('alert')), 'an error');
    assert($('alert').textContent === S.cause_busy + ' (486 Busy Here)', $('alert').textContent);
  });

  await step('keypad: arrow keys move the single tab stop, digits type', async () => {
    const keys = [...$('keypad').querySelectorAll('button')];
    keys[0].focus();
    keys[0].dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
    assert(doc.activeElement === keys[1] && keys[1].tabIndex === 0 && keys[0].tabIndex === -1, 'moved right');
    keys[1].dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    assert(doc.activeElement === keys[4], 'moved down');
    $('number').value = '';
    keys[4].dispatchEvent(new KeyboardEvent('keydown', { key: '7', bubbles: true }));
    keys[4].click();
    assert($('number').value === '75', 'digits typed: ' + $('number').value);
  });

  await step('client logging: a labelled checkbox, off by default, sends lines when on', async () => {
    const box = $('client-log');
    assert(box.type === 'checkbox' && !box.checked, 'an unchecked checkbox');
    assert(doc.querySelector('label[for="client-log"]').textContent === S.client_log_label, 'labelled');
    assert(box.getAttribute('aria-describedby') === 'client-log-hint', 'described by its hint');
    $('settings').open = true;
    box.focus();
    assert(doc.activeElement === box, 'reachable by keyboard');
    box.click(); // what the space bar does on a focused checkbox
    await waitFor(() => app.phone.clientLogger, 'the logger to start');
    await waitFor(() => live() === S.announce_client_log_on, 'announced');
    assert(win.localStorage.getItem('mediagate.clientLog') === 'on', 'remembered');
    const lines = async () => (await ctl({ op: 'clientlog' })).entries.filter((e) => e.line !== undefined);
    for (let i = 0; i < 100 && !(await lines()).some((e) => e.line.includes('[page] client logging on')); i++)
      await new Promise((r) => setTimeout(r, 50));
    assert((await lines()).some((e) => e.line.includes('[page] client logging on')), 'the page logs');
    box.click();
    assert(app.phone.clientLogger === null, 'off again');
    assert(win.localStorage.getItem('mediagate.clientLog') === 'off', 'remembered off');
  });

  await step('sign out, then a wrong password is explained', async () => {
    $('logout').click();
    await waitFor(() => visible($('login-section')), 'login');
    $('extension').value = '1000';
    $('password').value = 'wrong';
    $('login-button').click();
    await waitFor(() => visible($('alert')) && $('alert').textContent === S.error_unauthorized, 'unauthorized text');
    $('password').value = 'pw1000';
    $('login-button').click();
    await waitFor(() => visible($('phone-section')), 'signed in by password');
    assert($('password').value === '', 'password field cleared');
    $('logout').click();
    await waitFor(() => visible($('login-section')), 'signed out');
  });

  await step('a token in the URL fragment signs in and leaves the address', async () => {
    const f2 = await loadFrame('/webkit/#token=frag-token');
    await waitFor(() => f2.contentDocument.documentElement.dataset.connection === 'connected', 'connected');
    assert(f2.contentWindow.location.hash === '', 'fragment removed');
    assert((await sentByPhone((m) => m.type === 'auth' && m.token === 'frag-token')).length === 1, 'token sent');
  });
}

run().catch((err) => results.push({ name: 'harness', ok: false, error: String(err && err.stack || err) }))
  .finally(() => fetch('/result', { method: 'POST', body: JSON.stringify({ results }) }));
