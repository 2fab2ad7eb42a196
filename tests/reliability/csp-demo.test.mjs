// (e) The demo under the strict Content-Security-Policy, served by the
// front end's own scripts/serve.mjs: the header is there, the ranking
// renders, and no violation is reported (securitypolicyviolation events in
// every frame, console). (f) Every page here runs behind the request guard
// of harness.mjs; the last test shows the guard does fail a page that
// requests anything else.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { join } from 'node:path';
import { startServer } from '../../scripts/serve.mjs';
import { launch, guardedContext, assertClean } from './harness.mjs';
import { REPO } from './server.mjs';

const POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'none'";
/** What the demo pages may load: the package, the panel and the site. */
const DEMO_STATIC = ['/www/', '/panel/', '/pkg/', '/index.js'];

let demo;
let browser;
before(async () => {
  demo = await startServer({ port: 0, data: join(REPO, 'tests/e2e/fixture') });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await new Promise((done) => (demo ? demo.server.close(done) : done()));
});

const headers = (url) => new Promise((resolve, reject) => {
  get(url, (res) => {
    res.resume();
    resolve(res.headers);
  }).on('error', reject);
});

function demoContext() {
  const origin = new URL(demo.url).origin;
  const own = (request) => {
    const url = new URL(request.url());
    return url.origin === origin && request.method() === 'GET' && DEMO_STATIC.some((p) => url.pathname.startsWith(p));
  };
  return guardedContext(browser, { own });
}

test('scripts/serve.mjs sends the strict policy on pages and on the package', async () => {
  for (const path of ['', 'item.html', '../index.js', '../pkg/ondevice_wasm.js']) {
    const h = await headers(new URL(path, demo.url).href);
    assert.equal(h['content-security-policy'], POLICY, `${path || 'index'}`);
  }
});

test('the demo ranks and renders under the policy with no violation and no foreign request', async () => {
  const ctx = await demoContext();
  const page = await ctx.context.newPage();
  const response = await page.goto(demo.url);
  assert.equal(response.headers()['content-security-policy'], POLICY);
  await page.waitForFunction(() => document.querySelector('#grid')?.getAttribute('aria-busy') === 'false', null, { timeout: 15_000, polling: 50 });
  const cards = await page.locator('#grid > .card').count();
  assert.ok(cards > 0, 'the ranking rendered');
  // Use it: open an item page (context ranking), then the preferences panel.
  await page.locator('#grid > .card a').first().click();
  await page.waitForLoadState('load');
  await page.waitForTimeout(500);
  await page.goto(new URL('preferences.html', demo.url).href);
  await page.waitForFunction(() => document.querySelector('ondevice-preferences')?.shadowRoot?.querySelector('.panel') != null, null, { timeout: 15_000, polling: 50 });
  await assertClean(ctx);
  await ctx.context.close();
});

test('the guard and the violation watch can fail: a page requesting anything else is caught', async () => {
  const ctx = await demoContext();
  const page = await ctx.context.newPage();
  await page.goto(demo.url);
  await page.waitForFunction(() => document.querySelector('#grid')?.getAttribute('aria-busy') === 'false', null, { timeout: 15_000, polling: 50 });
  // An image from another origin (a loopback port nobody serves) is a CSP
  // violation; a same-origin image outside the static files passes CSP
  // but not the guard, which aborts it before it is sent anywhere.
  await page.evaluate(() => {
    for (const src of ['http://127.0.0.1:9/pixel.png', '/data/ml-100k/pixel.png']) {
      const img = document.createElement('img');
      img.src = src;
      document.body.append(img);
    }
  });
  await page.waitForTimeout(300);
  let error;
  try {
    await assertClean(ctx);
  } catch (e) {
    error = e;
  }
  assert.ok(error, 'the problems were noticed');
  assert.match(error.message, /CSP violation: img-src blocked http:\/\/127\.0\.0\.1:9\/pixel\.png/);
  assert.match(error.message, /request not for the site's own static files: GET http:\/\/127\.0\.0\.1:\d+\/data\/ml-100k\/pixel\.png/);
  await ctx.context.close();
});
