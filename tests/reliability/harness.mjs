// Headless Chromium (playwright-core) against tests/reliability/server.mjs,
// with a request guard: any request that is not a GET of the server's own
// static files is aborted before it leaves and fails the test, as do page
// errors, console errors and Content-Security-Policy violations.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { serve } from './server.mjs';

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-sync', '--disable-quic',
];
export const PROFILE_KEY = 'ondevice:profile:default';
export const QUARANTINE_KEY = 'ondevice:quarantine:default';
const STATIC = ['/index.js', '/pkg/', '/tests/reliability/pages/'];

export async function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** Records CSP violations in every frame, before any page script runs. */
const WATCH_CSP = () => {
  window.cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI}`);
  });
};

/**
 * A browser context (fresh storage) with the guard. `own(url)` says which
 * requests are the site's own static files; `problems` collects the rest.
 */
export async function guardedContext(browser, { own, problems = [] } = {}) {
  const context = await browser.newContext();
  await context.addInitScript(WATCH_CSP);
  await context.route('**/*', (route) => {
    const request = route.request();
    if (!own(request)) {
      problems.push(`request not for the site's own static files: ${request.method()} ${request.url()}`);
      return route.abort('blockedbyclient');
    }
    return route.continue();
  });
  context.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  const watch = (page) => {
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content.Security.Policy/i.test(m.text())) problems.push(`console ${m.type()}: ${m.text()}`);
    });
  };
  context.on('page', watch);
  return { context, problems };
}

/** The reliability server, a browser, and pages of tests/reliability/pages. */
export async function startSuite() {
  const server = await serve();
  const browser = await launch();
  const ownStatic = (request) => {
    const url = new URL(request.url());
    return url.origin === server.origin && request.method() === 'GET' && STATIC.some((p) => url.pathname === p || (p.endsWith('/') && url.pathname.startsWith(p)));
  };
  return {
    server,
    browser,
    /** A fresh context (empty storage). */
    async context() {
      return guardedContext(browser, { own: ownStatic });
    },
    /** Opens pages/<name> in `ctx` and waits for the package to load. */
    async open(ctx, name = 'app.html') {
      const page = await ctx.context.newPage();
      await page.goto(`${server.origin}/tests/reliability/pages/${name}`);
      if (name === 'app.html') await page.waitForFunction(() => document.documentElement.dataset.ready === 'yes', null, { timeout: 15_000, polling: 50 });
      return page;
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** Fails with every problem the guard collected, and any CSP violation. */
export async function assertClean(ctx) {
  for (const page of ctx.context.pages()) {
    const violations = await page.evaluate(() => window.cspViolations ?? []).catch(() => []);
    for (const v of violations) ctx.problems.push(`CSP violation: ${v}`);
  }
  assert.deepEqual(ctx.problems, [], `page problems:\n  ${ctx.problems.join('\n  ')}`);
}
