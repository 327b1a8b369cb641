// Static checks of the browser phone: every module parses (node --check), and
// the agent phone page, loaded in headless Chromium with --dump-dom, has its
// login form, labelled controls, live regions, a lang attribute, and ran its
// script to the end without a JavaScript error.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, consoleErrors, launchChromium, startServer, webDir } from './harness.mjs';

const skip = chromium ? false : 'chromium is not installed (scripts/deps.sh test)';

test('every module parses (node --check)', () => {
  const files = readdirSync(webDir).filter((f) => f.endsWith('.js'));
  assert.ok(files.includes('mediagate-phone.js') && files.includes('phone-app.js'));
  for (const f of files) {
    // --check parses without running; ES module syntax needs --input-type or .mjs.
    const r = spawnSync(process.execPath, ['--experimental-default-type=module', '--check', join(webDir, f)],
      { encoding: 'utf8' });
    assert.equal(r.status, 0, `${f}: ${r.stderr}`);
  }
});

test('node --check catches a syntax error (the check can fail)', () => {
  const r = spawnSync(process.execPath, ['--experimental-default-type=module', '--check', '-'],
    { input: 'export const x = ;', encoding: 'utf8' });
  assert.notEqual(r.status, 0);
});

let srv;
before(async () => { if (!skip) srv = await startServer(); });
after(async () => { if (srv) await srv.close(); });

async function dumpDom (path) {
  const b = launchChromium(`${srv.base}${path}`, ['--dump-dom', '--virtual-time-budget=3000']);
  const timeout = setTimeout(() => b.kill(), 30000);
  await b.exited;
  clearTimeout(timeout);
  await b.kill();
  return { dom: b.stdout(), errors: consoleErrors(b.stderr()) };
}

test('the phone page in headless Chromium', { skip }, async (t) => {
  const dumped = await dumpDom('/webkit/');
  const errors = dumped.errors;
  // Template content is inert (translated when cloned): checked separately.
  const dom = dumped.dom.replace(/<template[\s\S]*?<\/template>/g, '');
  const attr = (el, name) => (el.match(new RegExp(`\\s${name}="([^"]*)"`)) || [])[1];
  const tags = (name) => dom.match(new RegExp(`<${name}\\b[^>]*>`, 'g')) || [];

  await t.test('no JavaScript errors; the script ran to the end', () => {
    assert.deepEqual(errors, []);
    assert.match(tags('html')[0], /data-phone="ready"/);
  });
  await t.test('lang attribute and translated title', () => {
    assert.match(tags('html')[0], /lang="en"/);
    assert.match(dom, /<title>Mediagate phone<\/title>/);
  });
  await t.test('login form: extension, password, submit button', () => {
    assert.match(dom, /<form id="login-form">/);
    assert.match(dom, /<input id="extension"[^>]*autocomplete="username"/);
    assert.match(dom, /<input id="password"[^>]*type="password"[^>]*autocomplete="current-password"/);
    assert.match(dom, /<button id="login-button" type="submit"[^>]*>Sign in<\/button>/);
  });
  await t.test('every input and select has a label with text', () => {
    const controls = [...tags('input'), ...tags('select')];
    assert.ok(controls.length >= 5, 'the controls are there');
    for (const c of controls) {
      const id = attr(c, 'id');
      assert.ok(id, `control with an id: ${c}`);
      assert.match(dom, new RegExp(`<label for="${id}"[^>]*>[^<]+</label>`), `label for #${id}`);
    }
  });
  await t.test('every button has a text or an aria-label', () => {
    const buttons = dom.match(/<button\b[^>]*>[^<]*<\/button>/g);
    assert.ok(buttons.length >= 14, 'keypad and controls');
    for (const b of buttons) assert.ok(/>\s*[^<\s][^<]*</.test(b) || attr(b, 'aria-label'), `named button: ${b}`);
    for (const b of tags('button')) assert.ok(attr(b, 'type'), `button with a type: ${b}`);
  });
  await t.test('live regions for status and urgent announcements, an alert box', () => {
    assert.match(dom, /<div id="status"[^>]*role="status"[^>]*aria-live="polite"/);
    assert.match(dom, /<div id="urgent"[^>]*aria-live="assertive"/);
    assert.match(dom, /<div id="alert"[^>]*role="alert"/);
  });
  await t.test('keypad: a labelled group with one tab stop; no positive tabindex anywhere', () => {
    assert.match(dom, /<div id="keypad"[^>]*role="group"[^>]*aria-labelledby="keypad-label"/);
    const keys = dom.match(/<button type="button" data-key="[^"]+"[^>]*>/g);
    assert.equal(keys.length, 12);
    assert.equal(keys.filter((k) => /tabindex="0"/.test(k)).length, 1);
    assert.ok(!/tabindex="[1-9]/.test(dom));
    assert.match(dom, /data-key="\*" aria-label="star"/);
  });
  await t.test('no text left untranslated', () => {
    for (const el of dom.match(/<[^>]*data-t="[^"]+"[^>]*><\//g) || [])
      assert.fail(`empty element with data-t: ${el}`);
    const app = readFileSync(join(webDir, 'phone-app.js'), 'utf8');
    const html = readFileSync(join(webDir, 'index.html'), 'utf8');
    for (const [, key] of html.matchAll(/data-t="([^"]+)"/g))
      assert.match(app, new RegExp(`^  ${key}: '`, 'm'), `STRINGS has ${key}`);
  });
});
