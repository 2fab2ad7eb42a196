// Screenshots of the main states, written to tests/artifacts/ for people to
// look at (For you, Why this, the panel, Your data, plus first visit, item
// page, dark mode and a phone). Also checks what a picture cannot: reduced
// motion switches transitions off, and nothing overflows a phone screen.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  allowHistory, panel, screenshot, useDemo, visit,
} from './harness.mjs';

const e2e = useDemo();
let site;

/** Consent, a few Sci-Fi films viewed, Comedy a little up: a lived-in profile. */
async function personalize(page) {
  await allowHistory(page);
  for (const id of ['f23', 'f26', 'f18', 'f09']) {
    await page.goto(page.url().replace(/\/www\/.*$/, `/www/item.html?id=${id}`));
    await page.locator('#also-title').waitFor();
  }
}

for (const colorScheme of ['light', 'dark']) {
  test(`screenshots of the main states (${colorScheme})`, async () => {
    site = await e2e.open({ colorScheme });
    const { page } = site;
    const name = (n) => (colorScheme === 'light' ? n : `${n}-dark`);
    await visit(site);
    await screenshot(page, name('01-first-visit'));

    await personalize(page);
    await screenshot(page, name('02-item-page'), { fullPage: true });
    await visit(site);
    await panel(page).getByRole('slider', { name: 'Comedy' }).fill('0.5');
    await page.waitForTimeout(100);
    await screenshot(page, name('03-for-you'));

    const card = page.locator('#grid > .card').first();
    await card.getByRole('button', { name: 'Why this?' }).click();
    await screenshot(page, name('04-why-this'), { clip: await clipAround(page, card) });

    await visit(site, 'preferences.html');
    await panel(page).getByRole('switch', { name: 'Use Romance' }).check();
    await screenshot(page, name('05-panel'), { fullPage: true });

    await visit(site, 'data.html');
    await screenshot(page, name('06-your-data'), { fullPage: true });
    await panel(page).getByRole('button', { name: 'Delete everything…' }).click();
    await panel(page).getByRole('dialog').waitFor();
    await screenshot(page, name('07-delete-confirmation'));
    await page.keyboard.press('Escape');
  });
}

/** A clip of the card and its surroundings, so the open "Why this?" is legible. */
async function clipAround(page, locator) {
  const box = await locator.boundingBox();
  const margin = 16;
  return { x: Math.max(0, box.x - margin), y: Math.max(0, box.y - margin), width: Math.min(760, box.width * 2.5 + margin * 2), height: box.height + margin * 2 };
}

test('on a phone nothing overflows sideways (screenshot)', async () => {
  site = await e2e.open({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const { page } = site;
  for (const path of ['', 'item.html?id=f16', 'preferences.html', 'data.html']) {
    await visit(site, path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${path || 'For you'}: ${overflow}px wider than the screen`);
  }
  await visit(site);
  await screenshot(page, '08-phone-for-you');
});

test('prefers-reduced-motion switches transitions off in the panel', async () => {
  const durations = {};
  for (const reducedMotion of ['no-preference', 'reduce']) {
    site = await e2e.open({ reducedMotion });
    await visit(site, 'preferences.html');
    durations[reducedMotion] = await panel(site.page).getByRole('switch', { name: 'Personalize this site' })
      .evaluate((el) => getComputedStyle(el).transitionDuration);
    site.check();
    await site.close();
    site = null;
  }
  assert.notEqual(durations['no-preference'], '0s');
  assert.match(durations.reduce, /^0s(, 0s)*$/);
});
