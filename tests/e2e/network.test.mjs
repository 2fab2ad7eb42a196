// Nothing leaves the device: across a whole visit, the only requests are
// for the local server's own static files, using the panel makes none at
// all, and every page is served under the strict Content-Security-Policy.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTENT_SECURITY_POLICY } from '../../scripts/serve.mjs';
import {
  allowHistory, panel, useDemo, visit,
} from './harness.mjs';

const e2e = useDemo();
let site;

/** The files a visit may load, as URL paths. */
const EXPECTED = new Set([
  '/www/', '/www/item.html', '/www/preferences.html', '/www/data.html',
  '/www/css/site.css', '/www/favicon.svg', '/www/data/catalogue.js',
  '/www/js/site.js', '/www/js/cards.js', '/www/js/consent-prompt.js',
  '/www/js/for-you.js', '/www/js/item-page.js', '/www/js/panel-page.js',
  '/index.js', '/pkg/ondevice_bg.js', '/pkg/ondevice_wasm.js',
  '/panel/ondevice-preferences.js', '/panel/create-element.js', '/panel/words.js',
  '/panel/panel-style.js', '/panel/your-data.js',
]);

test('a whole visit requests only the local server\'s own static files, each served under the CSP', async () => {
  site = await e2e.open();
  const { page } = site;
  const policies = new Map();
  page.on('response', (response) => {
    if (response.request().resourceType() === 'document') {
      policies.set(new URL(response.url()).pathname, response.headers()['content-security-policy']);
    }
  });
  const violations = [];
  await page.exposeBinding('reportViolation', (_source, text) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => window.reportViolation(`${e.violatedDirective} ${e.blockedURI}`));
  });

  await visit(site);
  await allowHistory(page);
  await page.locator('#grid .card').first().getByRole('button', { name: 'Why this?' }).click();
  await panel(page).getByRole('slider', { name: 'Drama' }).fill('0.75');
  await page.getByRole('link', { name: 'Solaris' }).click();
  await page.locator('#also-title').waitFor();
  await page.getByRole('button', { name: 'Like' }).click();
  await visit(site, 'preferences.html');
  await visit(site, 'data.html');

  // Using the panel after the page has loaded makes no request at all.
  const loaded = site.requests.length;
  await Promise.all([page.waitForEvent('download'), panel(page).getByRole('button', { name: 'Export my data' }).click()]);
  await panel(page).getByRole('button', { name: 'Delete everything…' }).click();
  await panel(page).getByRole('dialog').getByRole('button', { name: 'Delete everything' }).click();
  await page.waitForTimeout(300);
  assert.deepEqual(site.requests.slice(loaded), [], 'export and delete make no request');

  const paths = new Set(site.requests.map((u) => {
    const url = new URL(u);
    assert.equal(url.origin, e2e.server.origin, `same origin: ${u}`);
    return url.pathname;
  }));
  const unexpected = [...paths].filter((p) => !EXPECTED.has(p));
  assert.deepEqual(unexpected, [], 'only the demo\'s own files');
  for (const [path, policy] of policies) assert.equal(policy, CONTENT_SECURITY_POLICY, `CSP on ${path}`);
  assert.ok(policies.size >= 4, 'every page was checked');
  assert.deepEqual(violations, [], 'no Content-Security-Policy violation');
});

test('the request guard itself catches a request to anywhere else', async () => {
  site = await e2e.open();
  await site.page.goto('http://example.com/').catch(() => {});
  assert.ok(site.problems.some((p) => p.includes('http://example.com/')), site.problems.join('\n'));
  site.problems.length = 0; // expected here; the other tests must stay clean
});

test('the server answers only on 127.0.0.1, with the right types, and serves nothing private', async () => {
  const get = (path) => fetch(new URL(path, e2e.server.origin), { redirect: 'manual' });
  assert.equal(new URL(e2e.server.url).hostname, '127.0.0.1');
  const types = {
    '/www/': 'text/html; charset=utf-8',
    '/index.js': 'text/javascript; charset=utf-8',
    '/www/css/site.css': 'text/css; charset=utf-8',
    '/www/favicon.svg': 'image/svg+xml',
  };
  for (const [path, type] of Object.entries(types)) {
    const response = await get(path);
    assert.equal(response.status, 200, path);
    assert.equal(response.headers.get('content-type'), type, path);
    assert.equal(response.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY, path);
  }
  for (const path of ['/data/ml-100k/ml-100k.item', '/.git/config', '/www/.gitignore', '/www/../Cargo.toml', '/src/lib.rs', '/www/%2e%2e/Cargo.toml']) {
    assert.equal((await get(path)).status, 404, path);
  }
  assert.equal((await get('/')).headers.get('location'), '/www/');
  assert.equal((await fetch(new URL('/www/', e2e.server.origin), { method: 'POST' })).status, 405);
});
