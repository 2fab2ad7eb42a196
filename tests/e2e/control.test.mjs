// The person stays in control: a hidden category is gone from every list, a
// dismissed film disappears, export gives exactly what is stored, import
// brings it back, and delete leaves nothing behind.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  PROFILE_KEY, allowHistory, cardCategories, cardIds, exportFromStorage, fixture, panel, storage, storedProfile, useDemo, visit,
} from './harness.mjs';

const e2e = useDemo();
let site;

async function everyListedCategory(page) {
  const lists = await page.locator('ol.grid').evaluateAll((ols) => ols.map((ol) => ol.id || ol.getAttribute('aria-labelledby')));
  const all = [];
  for (const list of lists) {
    const selector = list.endsWith('-title') ? `ol[aria-labelledby="${list}"]` : `#${list}`;
    all.push(...(await cardCategories(page, selector)).flat());
  }
  return all;
}

test('hiding a category removes it from every list', async () => {
  site = await e2e.open();
  await visit(site);
  await allowHistory(site.page);
  for (const id of ['f09', 'f05']) await visit(site, `item.html?id=${id}`);
  await visit(site);
  assert.ok((await everyListedCategory(site.page)).includes('horror'), 'Horror is listed before hiding');

  await panel(site.page).getByRole('checkbox', { name: 'Hide Horror' }).check();
  await site.page.waitForFunction(() => ![...document.querySelectorAll('#grid > .card')].some((c) => c.dataset.categories.includes('horror')));
  assert.deepEqual((await storedProfile(site.page)).preferences.blocked, ['horror']);
  assert.equal(await panel(site.page).getByRole('slider', { name: 'Horror' }).isDisabled(), true);

  // Item pages: of Horror films (whose related films are all Horror) and others.
  const listed = [];
  for (const id of ['f09', 'f22', 'f01', 'f18']) {
    await visit(site, `item.html?id=${id}`);
    const categories = await everyListedCategory(site.page);
    assert.ok(!categories.includes('horror'), `${id}: no Horror film in any list`);
    listed.push(...categories);
  }
  assert.ok(listed.length > 6, 'the item pages did list films');
});

test('"Not interested" removes a film, and with consent it stays away', async () => {
  site = await e2e.open();
  await visit(site);

  // Without consent: hidden on this page only, nothing recorded.
  // In the For you grid (the Staff picks row below may show it too).
  await site.page.locator('#grid > .card[data-id="f02"]').getByRole('button', { name: 'Not interested' }).click();
  await site.page.locator('.card[data-id="f02"]').first().waitFor({ state: 'detached' });
  assert.match(await site.page.locator('#announce').textContent(), /hidden on this page/);
  const nothing = await storedProfile(site.page);
  assert.ok(nothing === null || nothing.history.events.length === 0);
  await site.page.reload();
  await site.page.locator('#grid[aria-busy="false"]').waitFor();
  assert.ok((await cardIds(site.page)).includes('f02'), 'without consent it comes back on reload');

  // With consent: recorded, gone, and still gone after a reload and elsewhere.
  await allowHistory(site.page);
  const card = site.page.locator('#grid > .card[data-id="f02"]');
  await card.getByRole('button', { name: 'Not interested' }).click();
  await card.waitFor({ state: 'detached' });
  const focusedTitle = await site.page.evaluate(() => document.activeElement?.closest('.card')?.dataset.id ?? null);
  assert.ok(focusedTitle !== null, 'focus moves to the next card, not to the top of the page');
  assert.deepEqual((await storedProfile(site.page)).history.events.map((e) => [e.item, e.kind]), [['f02', 'dismiss']]);
  await site.page.reload();
  await site.page.locator('#grid[aria-busy="false"]').waitFor();
  assert.ok(!(await cardIds(site.page)).includes('f02'));
  await visit(site, 'item.html?id=f13'); // Fargo is related to Schindler's List
  assert.ok(!(await site.page.locator('.card[data-id="f02"]').count()), 'not on item pages either');
});

test('export downloads a file equal to exportData(); delete empties every key and falls back to the site\'s order', async () => {
  site = await e2e.open();
  await visit(site);
  await allowHistory(site.page);
  await panel(site.page).getByRole('slider', { name: 'Sci-Fi' }).fill('0.5');
  for (const id of ['f16', 'f18']) await visit(site, `item.html?id=${id}`);
  await visit(site, 'data.html');

  const data = panel(site.page);
  await data.locator('svg.chart').waitFor();
  const bar = data.locator('svg.chart rect.bar[data-category="sci-fi"]');
  assert.ok(Number(await bar.getAttribute('width')) > 50, 'the chart shows the learned Sci-Fi interest');
  assert.match(await data.locator('.facts').textContent(), /Events stored2/);

  const [download] = await Promise.all([
    site.page.waitForEvent('download'),
    data.getByRole('button', { name: 'Export my data' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^ondevice-default-\d{4}-\d\d-\d\d\.json$/);
  const file = JSON.parse(await readFile(await download.path(), 'utf8'));
  const expected = await exportFromStorage(site.page);
  assert.equal(typeof file.exportedAt, 'number');
  assert.ok(Math.abs(file.exportedAt - expected.exportedAt) < 60_000);
  assert.deepEqual({ ...file, exportedAt: 0 }, { ...expected, exportedAt: 0 });
  assert.equal(file.data.history.events.length, 2);

  // Delete: one click, one confirmation.
  await data.getByRole('button', { name: 'Delete everything…' }).click();
  const dialog = data.getByRole('dialog', { name: 'Delete everything?' });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Delete everything' }).click();
  await dialog.waitFor({ state: 'hidden' });
  assert.deepEqual(await storage(site.page), {}, 'no key left: neither ondevice\'s nor the demo\'s');
  assert.match(await data.locator('.facts').textContent(), /Events stored0/);

  await visit(site);
  assert.deepEqual(await storage(site.page), {}, 'opening a page writes nothing back');
  const catalogue = await fixture();
  const siteOrder = [...catalogue.items].sort((a, b) => b.popularity - a.popularity).slice(0, 24).map((i) => i.id);
  assert.deepEqual(await cardIds(site.page), siteOrder);
  await site.page.getByRole('region', { name: 'Suggestions from what you view?' }).waitFor();

  // Import brings the exported file back.
  await visit(site, 'data.html');
  const [chooser] = await Promise.all([
    site.page.waitForEvent('filechooser'),
    panel(site.page).getByRole('button', { name: 'Import…' }).click(),
  ]);
  await chooser.setFiles(await download.path());
  await site.page.waitForFunction((key) => localStorage.getItem(key) !== null, PROFILE_KEY);
  const restored = await storedProfile(site.page);
  assert.equal(restored.preferences.categories['sci-fi'], 0.5);
  assert.equal(restored.history.events.length, 2);
  assert.match(await panel(site.page).locator('.status').textContent(), /Imported/);
});

test('a bad import changes nothing and says which field is wrong', async () => {
  site = await e2e.open();
  await visit(site, 'preferences.html');
  await panel(site.page).getByRole('slider', { name: 'Drama' }).fill('-0.5');
  const before = await storage(site.page);
  const [chooser] = await Promise.all([
    site.page.waitForEvent('filechooser'),
    panel(site.page).getByRole('button', { name: 'Import…' }).click(),
  ]);
  const doc = await exportFromStorage(site.page);
  doc.data.preferences.variety = 7;
  await chooser.setFiles({ name: 'edited.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
  const status = panel(site.page).locator('.status');
  await status.filter({ hasText: 'Not imported' }).waitFor();
  assert.match(await status.textContent(), /variety/);
  assert.deepEqual(await storage(site.page), before);
  assert.equal(await panel(site.page).getByRole('slider', { name: 'Drama' }).inputValue(), '-0.5');
});
