// What the test pages share: the control socket to the fake server
// (harness.mjs), assertions, and steps whose outcomes are POSTed to /result.
export const results = [];
let ctlSocket;
let ctlSeq = 0;
const ctlWaiters = new Map();

export function ctl (cmd) {
  const seq = ++ctlSeq;
  return new Promise((resolve) => {
    ctlWaiters.set(seq, resolve);
    ctlSocket.send(JSON.stringify({ seq, ...cmd }));
  });
}

export function openCtl () {
  return new Promise((resolve, reject) => {
    ctlSocket = new WebSocket(`ws://${location.host}/ctl`);
    ctlSocket.onopen = resolve;
    ctlSocket.onerror = reject;
    ctlSocket.onmessage = (ev) => {
      const r = JSON.parse(ev.data);
      ctlWaiters.get(r.seq)(r);
      ctlWaiters.delete(r.seq);
    };
  });
}

export function assert (cond, what) {
  if (!cond) throw new Error('assertion failed: ' + what);
}

export async function step (name, fn) {
  try {
    await fn();
    results.push({ name, ok: true });
  } catch (err) {
    results.push({ name, ok: false, error: String(err && err.stack || err) });
  }
}

// Runs the page's steps, then reports them (and a harness failure) to /result.
export function report (run) {
  run().catch((err) => results.push({ name: 'harness', ok: false, error: String(err && err.stack || err) }))
    .finally(() => fetch('/result', { method: 'POST', body: JSON.stringify({ results }) }));
}
