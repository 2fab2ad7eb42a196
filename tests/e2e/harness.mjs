// Shared machinery of the end-to-end tests: the demo served by
// scripts/serve.mjs (with /www/data/ taken from the hand-made fixture),
// headless Chromium through playwright-core, and a network guard that fails
// the test on any request other than the local server's own static files.

import { mkdirSync, readFileSync } from 'node:fs';
import { after, afterEach, before } from 'node:test';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURE_DIR = join(REPO, 'tests/e2e/fixture');
export const ARTIFACTS = join(REPO, 'tests/artifacts');
export const PROFILE_KEY = 'ondevice:profile:default';

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-sync', '--disable-quic',
];

/** What the pages may load: the package, the panel and the site itself. */
const STATIC_PREFIXES = ['/www/', '/panel/', '/pkg/', '/index.js'];

/** Starts the server and the browser once per test file. `data` is the
 *  directory served as /www/data/ (default: the fixture). */
export async function startDemo({ data = process.env.E2E_DATA_DIR ? resolve(process.env.E2E_DATA_DIR) : FIXTURE_DIR } = {}) {
  const { server, url } = await startServer({ port: 0, data });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const origin = new URL(url).origin;
  return {
    url,
    origin,
    browser,
    async close() {
      await browser.close();
      await new Promise((done) => server.close(done));
    },
  };
}

/**
 * A fresh browser profile (empty localStorage) with the network guard.
 * `problems` collects every foreign or failed request, page error and
 * console error; `check()` throws if there is any.
 */
/**
 * Starts the demo server for a test file, and after each test checks and
 * closes the site that test opened. `open(options)` opens a site on it.
 */
export function useDemo(options) {
  let server = null;
  let site = null;
  before(async () => {
    server = await startDemo(options);
  });
  after(async () => {
    await server?.close();
  });
  afterEach(async () => {
    site?.check();
    await site?.close();
    site = null;
  });
  return {
    get server() {
      return server;
    },
    async open(siteOptions) {
      site = await openSite(server, siteOptions);
      return site;
    },
  };
}

export async function openSite(demo, options = {}) {
  const context = await demo.browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'en-US',
    timezoneId: 'UTC',
    acceptDownloads: true,
    ...options,
  });
  const problems = [];
  const requests = [];
  // Every request goes through here; anything not for our own static files
  // is aborted (so it never leaves) and recorded (so the test fails).
  await context.route('**/*', (route) => {
    const request = route.request();
    const url = new URL(request.url());
    requests.push(request.url());
    const own = url.origin === demo.origin && request.method() === 'GET'
      && STATIC_PREFIXES.some((prefix) => url.pathname.startsWith(prefix));
    if (!own) {
      problems.push(`request not for the local server's static files: ${request.method()} ${request.url()}`);
      return route.abort('blockedbyclient');
    }
    return route.continue();
  });
  context.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  context.on('requestfailed', (request) => {
    // The browser cancels the tab icon's fetch when a test navigates on
    // before it finished (seen once in CI); not the page's doing.
    if (request.failure()?.errorText === 'net::ERR_ABORTED' && new URL(request.url()).pathname.endsWith('/favicon.svg')) return;
    if (!problems.some((p) => p.includes(request.url()))) problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`);
  });
  const page = await context.newPage();
  watchPage(page, problems);
  context.on('page', (other) => watchPage(other, problems));
  return {
    context,
    page,
    problems,
    requests,
    url: (path = '') => demo.url + path,
    check() {
      if (problems.length > 0) throw new Error(`page problems:\n  ${problems.join('\n  ')}`);
    },
    async close() {
      await context.close();
    },
  };
}

function watchPage(page, problems) {
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
}

/** Opens a page and waits until ondevice has rendered it. A page that never
 *  renders fails with what went wrong (e.g. a 404 while pkg/ is rebuilt). */
export async function visit(site, path = '') {
  await site.page.goto(site.url(path));
  try {
    await site.page.waitForFunction(() => {
      const grid = document.querySelector('#grid');
      if (grid) return grid.getAttribute('aria-busy') === 'false';
      const panel = document.querySelector('ondevice-preferences');
      if (panel) return panel.shadowRoot?.querySelector('.panel') !== null;
      return document.querySelector('#also-title') !== null || document.querySelector('main h1')?.textContent !== 'Loading…';
    }, null, { timeout: 15_000 });
  } catch (error) {
    throw new Error(`${path || 'For you'} did not render: ${error.message}\n  ${site.problems.join('\n  ')}`);
  }
}

/** Ids of the cards in a list (default: the For you grid), in order. */
export async function cardIds(page, list = '#grid') {
  return page.locator(`${list} > .card`).evaluateAll((cards) => cards.map((c) => c.dataset.id));
}

export async function cardCategories(page, list = '#grid') {
  return page.locator(`${list} > .card`).evaluateAll((cards) => cards.map((c) => c.dataset.categories.split(' ')));
}

/** Every localStorage key and value of the page's origin. */
export async function storage(page) {
  return page.evaluate(() => Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k)])));
}

export async function storedProfile(page) {
  const raw = await page.evaluate((key) => localStorage.getItem(key), PROFILE_KEY);
  return raw === null ? null : JSON.parse(raw);
}

/** What a second, independent Personalizer reads from this page's storage. */
export async function exportFromStorage(page) {
  return page.evaluate(async () => {
    const { default: init, Personalizer } = await import('/index.js');
    await init();
    return new Personalizer({ profile: 'default' }).exportData();
  });
}

export async function allowHistory(page) {
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.locator('#consent').waitFor({ state: 'hidden' });
}

export function panel(page, selector = 'ondevice-preferences') {
  return page.locator(selector);
}

/** The fixture catalogue, as the pages load it. */
export async function fixture() {
  const { default: catalogue } = await import(join(FIXTURE_DIR, 'catalogue.js'));
  return catalogue;
}

export async function screenshot(page, name, options = {}) {
  mkdirSync(ARTIFACTS, { recursive: true });
  // Transitions frozen at their end, so a switch is never caught mid-slide.
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), animations: 'disabled', ...options });
}

const AXE_SOURCE = readFileSync(join(REPO, 'node_modules/axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core (WCAG 2 A/AA and best practices) on the page, shadow roots
 * included. Evaluated through the DevTools protocol: the page's CSP would
 * refuse an injected <script>, and must stay as strict as it is.
 */
export async function axeViolations(page) {
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    resultTypes: ['violations'],
  }));
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.slice(0, 5).map((n) => n.target.join(' >>> ')),
  }));
}

export function serious(violations) {
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** The focused element, looking through shadow roots, with its outline. */
export async function focused(page) {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el) return null;
    const style = getComputedStyle(el);
    const label = el.labels?.[0]?.textContent?.trim() ?? null;
    return {
      tag: el.tagName.toLowerCase(),
      type: el.getAttribute('type'),
      role: el.getAttribute('role'),
      id: el.id,
      label,
      text: el.textContent?.trim().slice(0, 60) ?? '',
      action: el.dataset?.action ?? null,
      value: 'value' in el ? el.value : null,
      checked: 'checked' in el ? el.checked : null,
      valuetext: el.getAttribute('aria-valuetext'),
      outline: `${style.outlineStyle} ${style.outlineWidth}`,
      focusVisible: el.matches(':focus-visible'),
    };
  });
}

/** Presses Tab until `match(focused)` or gives up after `limit` presses. */
export async function tabTo(page, match, limit = 80) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f && match(f)) return f;
  }
  throw new Error('keyboard focus never reached the wanted control');
}
