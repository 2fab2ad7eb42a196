// The ranking follows what the person does and chooses: consented history
// lifts a genre (and "Why this?" says so), a slider reorders the list and
// survives a reload, and one click turns personalization off and on.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROFILE_KEY, allowHistory, cardCategories, cardIds, exportFromStorage, fixture, panel, storage, storedProfile, useDemo, visit,
} from './harness.mjs';

const e2e = useDemo();
let site;

/** The site's own order: popularity, most first (the fixture's order). */
async function siteOrder(limit = 24) {
  const catalogue = await fixture();
  return [...catalogue.items].sort((a, b) => b.popularity - a.popularity).slice(0, limit).map((i) => i.id);
}

function meanPosition(categories, wanted) {
  const positions = categories.flatMap((cats, i) => (cats.includes(wanted) ? [i] : []));
  return positions.reduce((a, b) => a + b, 0) / positions.length;
}

test('first visit: the site\'s order, a consent prompt, and nothing recorded before consent', async () => {
  site = await e2e.open();
  await visit(site);
  assert.deepEqual(await cardIds(site.page), await siteOrder());
  await assert.doesNotReject(site.page.getByRole('region', { name: 'Suggestions from what you view?' }).waitFor());
  assert.match(await site.page.locator('#order-note').textContent(), /site’s own order/);

  // Opening a film before consenting records nothing.
  await visit(site, 'item.html?id=f23');
  const before = await exportFromStorage(site.page);
  assert.equal(before.data.history.events.length, 0);
  assert.equal(before.data.preferences.historyConsent, false);
  const stored = await storedProfile(site.page);
  assert.ok(stored === null || stored.history.events.length === 0, 'nothing in localStorage either');
  assert.deepEqual(Object.keys(await storage(site.page)).filter((k) => k !== PROFILE_KEY), []);

  // "Not now" is remembered (the question is not asked on every page) and
  // still records nothing.
  await site.page.getByRole('button', { name: 'Not now' }).click();
  await site.page.locator('#consent').waitFor({ state: 'hidden' });
  await visit(site, 'item.html?id=f26');
  assert.equal(await site.page.locator('#consent').isHidden(), true);
  assert.equal((await exportFromStorage(site.page)).data.history.events.length, 0);
});

test('the site\'s "Staff picks" row: its pinned film is labelled as the site\'s doing, apart from personal reasons', async () => {
  site = await e2e.open();
  await visit(site);
  const catalogue = await fixture();
  const byPopularity = [...catalogue.items].sort((a, b) => b.popularity - a.popularity);
  const pick = byPopularity[Math.min(40, byPopularity.length - 1)].id;
  const picks = site.page.locator('#picks > .card');
  await picks.first().waitFor();
  assert.equal(await picks.count(), 4);
  const first = picks.first();
  assert.equal(await first.getAttribute('data-id'), pick, 'pinned first');
  assert.equal(await first.locator('.promoted-badge').textContent(), 'Promoted by the site');
  await first.getByRole('button', { name: 'Why this?' }).click();
  const siteRules = first.getByRole('list', { name: 'The site’s own choices' });
  assert.deepEqual(await siteRules.locator('.reason-text').allTextContents(), ['Placed here by the site']);
  const personal = await first.locator('.reasons:not(.site-rules) .reason-text').allTextContents();
  assert.ok(!personal.includes('Placed here by the site'), `not among the other reasons: ${personal}`);
  // The other three are not promoted, and the For you grid is untouched.
  assert.equal(await site.page.locator('#picks .promoted-badge').count(), 1);
  assert.deepEqual(await cardIds(site.page), await siteOrder());
});

test('another tab\'s change re-ranks this one (the storage event, through onChange)', async () => {
  site = await e2e.open();
  await visit(site);
  const first = site.page;
  const second = await site.context.newPage();
  await second.goto(site.url('preferences.html'));
  await panel(second).getByRole('slider', { name: 'Comedy' }).fill('1');
  await first.waitForFunction(() => document.querySelector('#grid > .card')?.dataset.categories.includes('comedy'));
  assert.equal(await panel(first).getByRole('slider', { name: 'Comedy' }).inputValue(), '1', 'the panel in the first tab shows it too');
});

test('consent, view several Sci-Fi films, back to For you: Sci-Fi rises and "Why this?" names it', async () => {
  site = await e2e.open();
  await visit(site);
  const coldStart = await cardCategories(site.page);
  await allowHistory(site.page);
  assert.equal((await storedProfile(site.page)).preferences.historyConsent, true);

  // As a person would: open a film from the grid, then two more.
  await site.page.getByRole('link', { name: 'Solaris' }).click();
  await site.page.locator('#also-title').waitFor();
  for (const id of ['f26', 'f18']) await visit(site, `item.html?id=${id}`);
  const events = (await storedProfile(site.page)).history.events;
  assert.deepEqual(events.map((e) => [e.item, e.kind]), [['f23', 'view'], ['f26', 'view'], ['f18', 'view']]);

  await site.page.getByRole('link', { name: 'For you' }).click();
  await site.page.locator('#grid[aria-busy="false"]').waitFor();
  const personalized = await cardCategories(site.page);
  assert.ok(meanPosition(personalized, 'sci-fi') < meanPosition(coldStart, 'sci-fi') - 3,
    `Sci-Fi should rise: mean position ${meanPosition(coldStart, 'sci-fi')} -> ${meanPosition(personalized, 'sci-fi')}`);
  assert.ok(personalized.slice(0, 3).every((cats) => cats.includes('sci-fi')), `top three are Sci-Fi: ${personalized.slice(0, 3)}`);

  const first = site.page.locator('#grid > .card').first();
  await first.getByRole('button', { name: 'Why this?' }).click();
  const reasons = first.locator('.reasons li');
  await reasons.first().waitFor();
  const texts = await reasons.locator('.reason-text').allTextContents();
  assert.ok(texts.some((t) => t.includes('Sci-Fi')), `"Why this?" names Sci-Fi: ${texts.join(' | ')}`);
  const weights = await reasons.locator('.weight').allTextContents();
  assert.ok(weights.every((w) => /^[+−]\d+\.\d\d$/.test(w)), `each reason has its weight: ${weights}`);
  assert.equal(await first.getByRole('button', { name: 'Why this?' }).getAttribute('aria-expanded'), 'true');
});

test('a category slider reorders the list, is stored, and survives a reload', async () => {
  site = await e2e.open();
  await visit(site);
  const comedy = panel(site.page).getByRole('slider', { name: 'Comedy' });
  await comedy.fill('1');
  await site.page.waitForFunction(() => document.querySelector('#grid > .card')?.dataset.categories.includes('comedy'));
  const moved = await cardIds(site.page);
  const categories = await cardCategories(site.page);
  assert.ok(categories.slice(0, 4).every((c) => c.includes('comedy')), `top four are Comedy: ${moved.slice(0, 4)}`);
  // Comedy + Romance films stay where they were: Romance is sensitive and off.
  assert.ok(moved.indexOf('f15') > 10, 'a film in a sensitive category that is off is not moved by sliders');
  assert.equal(await comedy.getAttribute('aria-valuetext'), 'much more');

  const stored = await storedProfile(site.page);
  assert.equal(stored.preferences.categories.comedy, 1);

  await site.page.reload();
  await site.page.locator('#grid[aria-busy="false"]').waitFor();
  const again = panel(site.page).getByRole('slider', { name: 'Comedy' });
  assert.equal(await again.inputValue(), '1');
  assert.equal(await again.getAttribute('aria-valuetext'), 'much more');
  assert.deepEqual(await cardIds(site.page), moved);

  // "Less" works the other way: Horror sinks below every other film.
  await panel(site.page).getByRole('slider', { name: 'Horror' }).fill('-1');
  await site.page.waitForFunction(() => document.querySelector('#grid > .card:last-child')?.dataset.categories.includes('horror'));
  const horror = await cardCategories(site.page);
  const firstHorror = horror.findIndex((c) => c.includes('horror'));
  assert.ok(horror.slice(firstHorror).every((c) => c.includes('horror')), 'Horror films come last');
});

test('personalization off shows the site\'s order; on again restores the personalized one', async () => {
  site = await e2e.open();
  await visit(site);
  await panel(site.page).getByRole('slider', { name: 'Documentary' }).fill('1');
  await site.page.waitForFunction(() => document.querySelector('#grid > .card')?.dataset.categories.includes('documentary'));
  const personalized = await cardIds(site.page);
  assert.notDeepEqual(personalized, await siteOrder());

  const toggle = panel(site.page).getByRole('switch', { name: 'Personalize this site' });
  await toggle.click();
  await site.page.waitForFunction(() => document.querySelector('#order-note').textContent.includes('off'));
  assert.deepEqual(await cardIds(site.page), await siteOrder());
  assert.equal((await storedProfile(site.page)).preferences.personalization, 0);
  assert.equal(await toggle.isChecked(), false);
  // The sliders keep their values while personalization is off.
  assert.equal(await panel(site.page).getByRole('slider', { name: 'Documentary' }).inputValue(), '1');

  await toggle.click();
  await site.page.waitForFunction(() => !document.querySelector('#order-note').textContent.includes('off'));
  assert.deepEqual(await cardIds(site.page), personalized);
  assert.equal((await storedProfile(site.page)).preferences.personalization, 1);
});

test('"Because you viewed …" names the last other film viewed (recentItems)', async () => {
  site = await e2e.open();
  await visit(site);
  await allowHistory(site.page);
  const catalogue = await fixture();
  const title = (id) => catalogue.items.find((i) => i.id === id).title;
  await visit(site, 'item.html?id=f23');
  await visit(site, 'item.html?id=f13');
  await visit(site, 'item.html?id=f26');
  assert.equal(await site.page.locator('#because-title').textContent(), `Because you viewed ${title('f13')}`);
  await visit(site, 'item.html?id=f13'); // the film on screen is not its own reason
  assert.equal(await site.page.locator('#because-title').textContent(), `Because you viewed ${title('f26')}`);
});
