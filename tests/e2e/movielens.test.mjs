// The demo on its real catalogue: MovieLens-100K as prepared by
// scripts/demo-data.sh into www/data/ (git-ignored). Skipped, with the
// reason, when it has not been prepared: the other tests use the fixture.

import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, allowHistory, axeViolations, cardCategories, cardIds, openSite, screenshot, serious, startDemo, visit } from './harness.mjs';

const DATA = join(REPO, 'www/data');
const prepared = existsSync(join(DATA, 'catalogue.js'))
  && readFileSync(join(DATA, 'catalogue.js'), 'utf8').startsWith('// source: movielens-100k');
const skip = prepared ? false : 'www/data/ holds no MovieLens catalogue (run bash scripts/demo-data.sh)';

let demo;
let site;
let catalogue;
before(async () => {
  if (!prepared) return;
  demo = await startDemo({ data: DATA });
  ({ default: catalogue } = await import(join(DATA, 'catalogue.js')));
});
after(async () => {
  await demo?.close();
});
afterEach(async () => {
  site?.check();
  await site?.close();
  site = null;
});

function mean(xs) {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

test('MovieLens: the site\'s order on a first visit, and the sensitive genre is announced', { skip }, async () => {
  assert.equal(catalogue.items.length, 1682);
  assert.ok(catalogue.categories.some((c) => c.sensitive), 'one genre is sensitive for the demonstration');
  site = await openSite(demo);
  await visit(site);
  const byPopularity = catalogue.items.map((item, i) => ({ ...item, i }))
    .sort((a, b) => b.popularity - a.popularity || a.i - b.i).slice(0, 24).map((item) => item.id);
  assert.deepEqual(await cardIds(site.page), byPopularity);
  const sensitive = catalogue.categories.filter((c) => c.sensitive).map((c) => c.label);
  assert.match(await site.page.locator('#demo-note').textContent(), new RegExp(sensitive[0]));
  assert.deepEqual(serious(await axeViolations(site.page)), []);
  await screenshot(site.page, '09-movielens-first-visit');
});

test('MovieLens: viewing Sci-Fi films lifts Sci-Fi, with reasons that say so; item pages list what people also watched', { skip }, async () => {
  site = await openSite(demo);
  const { page } = site;
  await visit(site);
  const before = await cardCategories(page);
  await allowHistory(page);
  // Four of the less popular Sci-Fi films, so that the rise is the history's doing.
  const scifi = catalogue.items.filter((i) => i.categories?.includes('sci-fi') && !i.categories.includes('romance'))
    .sort((a, b) => b.popularity - a.popularity).slice(10, 14);
  for (const item of scifi) await visit(site, `item.html?id=${item.id}`);

  const also = page.locator('ol[aria-labelledby="also-title"] > .card');
  assert.ok(await also.count() >= 3, 'people who watched this also watched: at least three films');
  await also.first().getByRole('button', { name: 'Why this?' }).click();
  const title = scifi.at(-1).title;
  assert.ok((await also.first().locator('.reason-text').allTextContents()).some((t) => t.includes(`People who viewed ${title} also viewed this`)));
  assert.match(await page.locator('#because-title').textContent(), /^Because you viewed /);
  assert.deepEqual(serious(await axeViolations(page)), []);
  await screenshot(page, '10-movielens-item', { fullPage: true });

  await visit(site);
  const after = await cardCategories(page);
  const share = (lists) => lists.filter((c) => c.includes('sci-fi')).length;
  assert.ok(share(after) > share(before), `more Sci-Fi in the top 24: ${share(before)} -> ${share(after)}`);
  const positions = (lists) => mean(lists.flatMap((c, i) => (c.includes('sci-fi') ? [i] : [])));
  assert.ok(positions(after) <= positions(before) || share(after) > share(before) + 2);
  const reasons = await page.locator('#grid > .card .reason-text').allTextContents();
  assert.ok(reasons.some((t) => t.includes('Sci-Fi')), '"Why this?" names Sci-Fi somewhere in the grid');
  await page.locator('#grid > .card').first().getByRole('button', { name: 'Why this?' }).click();
  await screenshot(page, '11-movielens-for-you');
});
