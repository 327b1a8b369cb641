// The client logger of data/web/mediagate-phone.js against the fake client
// logger of harness.mjs: opt-in, the log token or the session token, clean
// lines, a queue while offline, off again. POSTs its steps to /result.
import { MediagatePhone } from '/webkit/mediagate-phone.js';
import { assert, ctl, openCtl, report, step } from './page-kit.js';

const WS_URL = `ws://${location.host}/webkit/ws`;

async function entries () {
  return (await ctl({ op: 'clientlog' })).entries;
}

async function waitLine (match, what, ms = 6000) {
  const end = Date.now() + ms;
  for (;;) {
    const found = (await entries()).find((e) => e.line !== undefined && match(e.line));
    if (found) return found;
    if (Date.now() > end) throw new Error('no logged line: ' + what + '; got ' + JSON.stringify(await entries()));
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function run () {
  await openCtl();
  await ctl({ op: 'clientlog-reset' });
  const phone = new MediagatePhone();

  await step('off by default: nothing is sent', async () => {
    phone.log('info', 'not sent');
    await phone.connect({ url: WS_URL, extension: '1000', password: 'pw1000' });
    await new Promise((r) => setTimeout(r, 300));
    assert((await entries()).length === 0, 'no client log connection');
  });

  await step('on: lines go out with the log token of a password login', async () => {
    phone.enableClientLog();
    phone.log('info', 'hello from the page');
    await waitLine((l) => l === 'INFO hello from the page', 'the page line');
    const auths = (await entries()).filter((e) => e.auth !== undefined);
    assert(auths.length === 1 && auths[0].auth === 'log-token-1000', `the log token (${JSON.stringify(auths)})`);
  });

  await step('lines are single, capped and carry no token', async () => {
    phone.log('warn', 'two\nlines\tand mg1.eyJrIjoxfQ.c2ln here');
    phone.log('info', 'x'.repeat(10000));
    await waitLine((l) => l.startsWith('WARN two lines and mg1.[redacted] here'), 'the cleaned line');
    const long = await waitLine((l) => l.startsWith('INFO xxx'), 'the long line');
    assert(new TextEncoder().encode(long.line).length <= 4000, 'at most 4000 bytes');
  });

  await step('offline: lines wait in the queue and go out after the reconnect', async () => {
    await ctl({ op: 'clientlog-drop' });
    await new Promise((r) => setTimeout(r, 100));
    phone.log('info', 'while the logger was away');
    await waitLine((l) => l === 'INFO while the logger was away', 'the queued line');
  });

  await step('the library logs its own events', async () => {
    const c = await phone.call('2000');
    await waitLine((l) => l.includes(`[call ${c.id}] outgoing`), 'a call state line');
    await c.hangup();
    await waitLine((l) => l.includes(`[call ${c.id}] ended: hangup`), 'the call end');
  });

  await step('a session-token phone authenticates the logger with its session token', async () => {
    await phone.disconnect();
    phone.disableClientLog();
    const before = (await entries()).length;
    phone.log('info', 'off again');
    const other = new MediagatePhone();
    other.enableClientLog();
    await other.connect({ url: WS_URL, token: 'good-token' });
    other.log('info', 'second phone');
    await waitLine((l) => l === 'INFO second phone', 'the second phone line');
    const fresh = (await entries()).slice(before);
    assert(fresh.some((e) => e.auth === 'good-token'), 'the session token');
    assert(!fresh.some((e) => e.line === 'INFO off again'), 'nothing after disableClientLog()');
    await other.disconnect();
    other.disableClientLog();
  });
}

report(run);
