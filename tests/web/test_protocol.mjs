// The browser phone library and the agent phone page against a fake Mediagate
// (harness.mjs), in headless Chromium with a real RTCPeerConnection. The pages
// report their own assertions; this file also checks what went over the wire.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromium, consoleErrors, launchChromium, startServer } from './harness.mjs';

const skip = chromium ? false : 'chromium is not installed (scripts/deps.sh test)';
let srv;

before(async () => { if (!skip) srv = await startServer(); });
after(async () => { if (srv) await srv.close(); });

// Loads a test page, waits for its POSTed results, returns them.
async function runPage (t, path) {
  const browser = launchChromium(`${srv.base}${path}`);
  let result;
  try {
    result = await srv.nextResult(45000);
  } finally {
    await browser.kill();
  }
  assert.deepEqual(consoleErrors(browser.stderr()), [], 'no JavaScript errors in the console');
  for (const r of result.results)
    await t.test(r.name, () => assert.ok(r.ok, r.error));
  return result;
}

function connections (log) {
  const byConn = new Map();
  for (const e of log) {
    if (!byConn.has(e.conn)) byConn.set(e.conn, []);
    byConn.get(e.conn).push(e);
  }
  return [...byConn.values()];
}

test('mediagate-phone.js against the fake server', { skip }, async (t) => {
  const start = srv.fake.log.length;
  await runPage(t, '/test/lib-test.html');
  const log = srv.fake.log.slice(start);
  const conns = connections(log);

  await t.test('wire: the first message of every connection authenticates', () => {
    for (const c of conns) {
      const first = c.find((e) => e.dir === 'in');
      if (first) assert.ok(['auth', 'login'].includes(first.msg.type), JSON.stringify(first.msg));
    }
  });

  await t.test('wire: requests carry increasing numeric ids and every one got a response', () => {
    for (const c of conns) {
      const ids = c.filter((e) => e.dir === 'in' && e.msg.id !== undefined).map((e) => e.msg.id);
      for (let i = 1; i < ids.length; i++) assert.ok(ids[i] > ids[i - 1], `ids increase: ${ids}`);
      assert.ok(ids.every((id) => Number.isInteger(id)), 'numeric ids');
    }
    const asked = log.filter((e) => e.dir === 'in' && Number.isInteger(e.msg.id) && e.msg.type !== 'call').length;
    assert.ok(asked >= 10, 'requests were made');
  });

  await t.test('wire: a dropped socket comes back with resume = the session id', () => {
    const resumes = log.filter((e) => e.dir === 'in' && e.msg.type === 'auth' && e.msg.resume);
    assert.equal(resumes.length, 2, 'two drops, two resumes');
    const issued = new Set(log.filter((e) => e.dir === 'out' && e.msg.type === 'registered').map((e) => e.msg.session_id));
    for (const r of resumes) assert.ok(issued.has(r.msg.resume), 'resume names an issued session');
    assert.equal(resumes[0].msg.token, 'good-token', 'the same token');
  });

  await t.test('wire: every server offer got one answer for its call', () => {
    const offers = log.filter((e) => e.dir === 'out' && e.msg.type === 'sdp').map((e) => e.msg.call_id);
    const answers = log.filter((e) => e.dir === 'in' && e.msg.type === 'sdp');
    assert.equal(offers.length, 4, 'offers were sent');
    for (const a of answers) {
      assert.equal(a.msg.sdp.type, 'answer');
      assert.match(a.msg.sdp.sdp, /^v=0\r\n/);
    }
    assert.deepEqual(answers.map((a) => a.msg.call_id).sort(), [...offers].sort());
  });

  await t.test('wire: trickled candidates have the documented shape', () => {
    const ice = log.filter((e) => e.dir === 'in' && e.msg.type === 'ice');
    assert.ok(ice.length > 0, 'the phone trickles');
    for (const e of ice) {
      assert.match(e.msg.call_id, /^c-/);
      const c = e.msg.candidate;
      if (c !== null) {
        assert.match(c.candidate, /^candidate:/);
        assert.equal(typeof c.sdpMLineIndex, 'number');
      }
    }
  });

  await t.test('wire: mute and DTMF requests as documented', () => {
    const mutes = log.filter((e) => e.dir === 'in' && e.msg.type === 'mute').map((e) => e.msg.muted);
    assert.deepEqual(mutes, [true, false]);
    const dtmf = log.filter((e) => e.dir === 'in' && e.msg.type === 'dtmf').map((e) => e.msg.digits);
    assert.equal(dtmf[0], '12#');
    assert.ok(!dtmf.includes('12X') && !dtmf.some((d) => d.length > 32), 'bad digits never sent');
  });

  await t.test('wire: nothing sent after disconnect() or for refused input', () => {
    const sent = log.filter((e) => e.dir === 'in');
    assert.notEqual(sent[sent.length - 1].msg.type, 'call', 'the call after disconnect() stayed local');
    assert.equal(sent.filter((e) => e.msg.type === 'call' && !/^\+?[0-9*#]+$/.test(e.msg.to)).length, 0);
  });
});

test('the agent phone page, driven like a person would', { skip }, async (t) => {
  await runPage(t, '/test/app-test.html');
});

test('the client logger of mediagate-phone.js', { skip }, async (t) => {
  await runPage(t, '/test/clientlog-test.html');
  const lines = srv.fake.clientLog.filter((e) => e.line !== undefined).map((e) => e.line);
  await t.test('wire: one auth frame per connection, then text lines without tokens or passwords', () => {
    assert.ok(lines.length >= 5, `lines were sent: ${lines.length}`);
    for (const line of lines) {
      assert.ok(!/good-token|log-token|pw1000/.test(line), line);
      assert.ok(!/[\u0000-\u001f]/.test(line), 'no control characters');
    }
  });
});
