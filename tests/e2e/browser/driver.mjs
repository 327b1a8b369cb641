// Drives Debian's Chromium for Mediagate's e2e tests with playwright-core
// (never a downloaded browser). Started by tests/e2e/chromium.py:
//
//   node driver.mjs '{"fakeAudio": "/tmp/tone1k.wav", "args": []}'
//
// Reads one JSON command per line on stdin and answers each with one JSON
// line on stdout: {"id": N, "ok": true, "value": …} or {"id": N, "ok": false,
// "error": "…"}. Commands: goto {url}, eval {expr} (a page expression; a
// promise is awaited), add_script {path} (a file's text evaluated like eval,
// in the page's origin and under its CSP), close_page,
// quit. Each page command may name its page ({"page": "b"}; default "main"):
// pages share one browser context. Page console lines go to stderr, prefixed
// with the page's name.
// Runs on Node 18 and later (DESIGN.md decision 10).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import readline from 'node:readline';

const options = JSON.parse(process.argv[2] || '{}');
const executablePath = options.executablePath || '/usr/lib/chromium/chromium';
const args = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  ...(options.fakeAudio ? [`--use-file-for-fake-audio-capture=${options.fakeAudio}`] : []),
  ...(options.args || []),
];

// headless: false, because --headless=new is in args; launch() gives every
// run a fresh temporary user-data-dir and removes it on close.
const browser = await chromium.launch({ executablePath, headless: false, args });
const context = await browser.newContext();
const pages = new Map();

function existing (name) {
  const page = pages.get(name);
  if (!page) throw new Error(`no page ${name}: goto first`);
  return page;
}

async function handle (cmd) {
  const name = cmd.page || 'main';
  const tag = name === 'main' ? 'page' : `page ${name}`;
  switch (cmd.op) {
    case 'goto': {
      let page = pages.get(name);
      if (!page) {
        page = await context.newPage();
        page.on('console', (m) => process.stderr.write(`[${tag}] ${m.text()}\n`));
        page.on('pageerror', (e) => process.stderr.write(`[${tag} error] ${e}\n`));
        pages.set(name, page);
      }
      await page.goto(cmd.url);
      return null;
    }
    case 'eval':
      return await existing(name).evaluate(cmd.expr);
    case 'add_script':
      await existing(name).evaluate(fs.readFileSync(cmd.path, 'utf8'));
      return null;
    case 'close_page':
      if (pages.has(name)) await pages.get(name).close();
      pages.delete(name);
      return null;
    case 'quit':
      await browser.close();
      return null;
    default:
      throw new Error(`unknown op ${cmd.op}`);
  }
}

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  let cmd = {};
  try {
    cmd = JSON.parse(line);
    const value = await handle(cmd);
    process.stdout.write(JSON.stringify({ id: cmd.id, ok: true, value: value ?? null }) + '\n');
    if (cmd.op === 'quit') process.exit(0);
  } catch (e) {
    process.stdout.write(JSON.stringify({ id: cmd.id, ok: false, error: String(e && e.message || e) }) + '\n');
  }
}
await browser.close();
