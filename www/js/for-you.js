// "For you": the catalogue ranked by ondevice, re-ranked live as the panel
// beside it changes. On a first visit (nothing chosen, nothing recorded) the
// ranking is the site's own order, and the page says so.

import { start, STAFF_PICKS } from './site.js';
import { card, dismissItem, focusAfterRemoval, impressionCounter } from './cards.js';

const LIMIT = 24;

function describeOrder(site) {
  const prefs = site.p.preferences();
  if (prefs.personalization === 0) {
    return 'Personalization is off, so this is the site’s own order (most watched first).';
  }
  const told = Object.keys(prefs.categories).length > 0 || prefs.blocked.length > 0 || prefs.sensitive.length > 0;
  if (!told && site.p.profileSummary().totalEvents === 0) {
    return 'You have not told us anything yet, so this is the site’s own order (most watched first). '
      + 'Move a slider or allow history to make it yours.';
  }
  return 'Ordered for you, in this browser. Each film says why.';
}

async function main() {
  const site = await start();
  if (!site) return;
  const grid = document.getElementById('grid');
  const mode = document.getElementById('order-note');
  const picks = document.getElementById('picks');
  const hiddenThisPage = new Set();
  const impressions = impressionCounter(site);

  const render = () => {
    const ranked = site.p.rank({ limit: LIMIT, exclude: [...hiddenThisPage] });
    impressions.reset();
    grid.replaceChildren(...ranked.map((r) => card(site, r, { onDismiss, context: 'for-you', heading: 'h2' })));
    grid.setAttribute('aria-busy', 'false');
    mode.textContent = describeOrder(site);
    impressions.watch(grid);
    // The site's "Staff picks" row: a placement whose first film the site pins.
    const picked = site.p.rank({ placement: STAFF_PICKS, exclude: [...hiddenThisPage] });
    picks.replaceChildren(...picked.map((r) => card(site, r, { onDismiss: onDismissPick, context: 'picks', heading: 'h3' })));
  };

  function onDismissPick(id) {
    const index = [...picks.querySelectorAll('.card')].findIndex((li) => li.dataset.id === id);
    dismissItem(site, id, hiddenThisPage);
    site.rerender('dismiss');
    focusAfterRemoval(picks, index);
  }

  function onDismiss(id) {
    const cards = [...grid.querySelectorAll('.card')];
    const index = cards.findIndex((li) => li.dataset.id === id);
    dismissItem(site, id, hiddenThisPage);
    site.rerender('dismiss');
    focusAfterRemoval(grid, index);
  }

  site.onRender(render);
}

main();
