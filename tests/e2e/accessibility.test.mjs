// Accessibility: axe-core finds no serious or critical violation on any demo
// page or state of the panel (light and dark), and the panel and the cards
// work with the keyboard alone, with a visible focus indicator throughout.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  allowHistory, axeViolations, focused, panel, serious, storage, storedProfile, tabTo, useDemo, visit,
} from './harness.mjs';

const e2e = useDemo();
let site;

async function assertNoSeriousViolations(page, where) {
  const violations = await axeViolations(page);
  const bad = serious(violations);
  assert.deepEqual(bad, [], `${where}: serious or critical axe violations:\n${JSON.stringify(bad, null, 2)}`);
  return violations;
}

for (const colorScheme of ['light', 'dark']) {
  test(`axe: no serious or critical violation on the demo pages and the panel (${colorScheme})`, async () => {
    site = await e2e.open({ colorScheme });
    const { page } = site;
    await visit(site);
    await assertNoSeriousViolations(page, 'For you, first visit with the consent prompt');

    await allowHistory(page);
    await visit(site, 'item.html?id=f16');
    await assertNoSeriousViolations(page, 'item page');
    await visit(site, 'item.html?id=f18');
    await page.locator('ol.grid .card').first().getByRole('button', { name: 'Why this?' }).click();
    await assertNoSeriousViolations(page, 'item page with "Why this?" open');

    await visit(site);
    await page.locator('#grid .card').first().getByRole('button', { name: 'Why this?' }).click();
    await panel(page).getByRole('checkbox', { name: 'Hide Horror' }).check();
    await assertNoSeriousViolations(page, 'For you, personalized, "Why this?" open, a category hidden');

    await visit(site, 'preferences.html');
    await panel(page).getByRole('switch', { name: 'Use Romance' }).check();
    await panel(page).getByRole('switch', { name: 'Personalize this site' }).uncheck();
    await panel(page).locator('details summary').click();
    await assertNoSeriousViolations(page, 'preferences page, a sensitive category on, personalization off');

    await visit(site, 'data.html');
    await assertNoSeriousViolations(page, 'Your data');
    await panel(page).getByRole('button', { name: 'Delete everything…' }).click();
    await panel(page).getByRole('dialog').waitFor();
    await assertNoSeriousViolations(page, 'Your data, delete confirmation open');
    await page.keyboard.press('Escape');
  });
}

function assertVisibleFocus(f, what) {
  assert.ok(f, `${what}: something has focus`);
  assert.ok(f.focusVisible, `${what}: matches :focus-visible`);
  const [style, width] = f.outline.split(' ');
  assert.ok(style !== 'none' && parseFloat(width) >= 2, `${what}: visible focus outline, got "${f.outline}"`);
}

test('the panel works with the keyboard alone', async () => {
  site = await e2e.open();
  const { page } = site;
  await visit(site, 'preferences.html');
  const prefs = async () => (await storedProfile(page))?.preferences;

  let f = await tabTo(page, (x) => x.role === 'switch' && x.label === 'Personalize this site');
  assertVisibleFocus(f, 'personalization switch');
  await page.keyboard.press('Space');
  assert.equal((await prefs()).personalization, 0);
  await page.keyboard.press('Space');
  assert.equal((await prefs()).personalization, 1);

  await page.keyboard.press('Tab');
  f = await focused(page);
  assert.equal(f.label, 'Strength');
  assertVisibleFocus(f, 'strength slider');
  await page.keyboard.press('ArrowLeft');
  assert.equal((await prefs()).personalization, 0.9);
  assert.equal((await focused(page)).valuetext, 'strong');

  f = await tabTo(page, (x) => x.type === 'range' && x.label === 'Action');
  assertVisibleFocus(f, 'Action slider');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.equal((await prefs()).categories.action, 0.5);
  assert.equal((await focused(page)).valuetext, 'more');

  await page.keyboard.press('Tab');
  f = await focused(page);
  assert.equal(f.type, 'checkbox');
  assert.match(f.label, /Hide\s*Action/);
  assertVisibleFocus(f, 'Hide Action');
  await page.keyboard.press('Space');
  assert.deepEqual((await prefs()).blocked, ['action']);
  assert.equal(await panel(page).getByRole('slider', { name: 'Action' }).isDisabled(), true);

  f = await tabTo(page, (x) => x.role === 'switch' && x.label === 'Use Romance');
  assertVisibleFocus(f, 'sensitive switch');
  await page.keyboard.press('Space');
  assert.deepEqual((await prefs()).sensitive, ['romance']);
  await page.keyboard.press('Tab');
  f = await focused(page);
  assert.equal(f.label, 'Romance');
  await page.keyboard.press('End');
  assert.equal((await prefs()).categories.romance, 1);

  f = await tabTo(page, (x) => x.label === 'Show the same item');
  await page.keyboard.press('ArrowRight');
  assert.equal((await prefs()).frequencyCap, 5);
  assert.equal((await focused(page)).valuetext, 'at most 5 times a day');

  f = await tabTo(page, (x) => x.role === 'switch' && x.label === 'Use my viewing history');
  await page.keyboard.press('Space');
  assert.equal((await prefs()).historyConsent, true);
  await page.keyboard.press('Tab');
  f = await focused(page);
  assert.equal(f.tag, 'select');
  assertVisibleFocus(f, 'retention choice');
  await page.keyboard.press('ArrowUp');
  assert.equal((await prefs()).retentionDays, 30);

  f = await tabTo(page, (x) => x.role === 'switch' && x.label === 'Share randomized statistics');
  assert.equal(f.checked, false, 'statistics are off by default');
  assert.equal((await prefs()).shareStatistics, false);
  await page.keyboard.press('Space');
  assert.equal((await prefs()).shareStatistics, true);

  f = await tabTo(page, (x) => x.action === 'export');
  assertVisibleFocus(f, 'export button');
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  assert.match(download.suggestedFilename(), /\.json$/);

  f = await tabTo(page, (x) => x.action === 'delete', 3);
  await page.keyboard.press('Enter');
  f = await focused(page);
  assert.equal(f.text, 'Cancel', 'the confirmation opens with Cancel focused');
  await page.keyboard.press('Escape');
  f = await focused(page);
  assert.equal(f.action, 'delete', 'Escape closes it and focus returns to the button');
  assert.notDeepEqual(await storage(page), {});
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  f = await focused(page);
  assert.equal(f.action, 'confirm-delete');
  assertVisibleFocus(f, 'confirm delete');
  await page.keyboard.press('Enter');
  assert.deepEqual(await storage(page), {});
  assert.equal((await focused(page)).action, 'delete', 'focus is back on the panel after deleting');
});

test('cards work with the keyboard alone: "Why this?" and "Not interested"', async () => {
  site = await e2e.open();
  const { page } = site;
  await visit(site);
  await allowHistory(page);
  const firstId = await page.locator('#grid > .card').first().getAttribute('data-id');
  let f = await tabTo(page, (x) => x.text === 'Why this?');
  assertVisibleFocus(f, '"Why this?"');
  await page.keyboard.press('Enter');
  const card = page.locator(`#grid > .card[data-id="${firstId}"]`);
  assert.equal(await card.getByRole('button', { name: 'Why this?' }).getAttribute('aria-expanded'), 'true');
  assert.ok(await card.locator('.why').isVisible());
  await page.keyboard.press('Tab');
  f = await focused(page);
  assert.equal(f.text, 'Not interested');
  await page.keyboard.press('Enter');
  await card.waitFor({ state: 'detached' });
  f = await focused(page);
  assert.equal(f.tag, 'a', 'focus lands on the next film\'s link');
  assertVisibleFocus(f, 'next card link');
});
