// A film's page: viewing it is recorded (with consent); below it, "People
// who watched this also watched" (ondevice's context ranking around this
// film) and "Because you viewed …" (the same ranking around the last other
// film the visitor engaged with, read from their own stored history).

import { h } from '../../panel/create-element.js';
import { start } from './site.js';
import { card, dismissItem, focusAfterRemoval, impressionCounter, metaLine, poster } from './cards.js';

const LIMIT = 6;

/** Only films that are there *because of* the context film: the headings
 *  promise that, so a film shown for other reasons would make them untrue. */
function aroundFilm(site, contextId, exclude) {
  return site.p.rank({ limit: 50, context: { itemId: contextId }, exclude })
    .filter((r) => r.reasons.some((reason) => reason.kind === 'context'))
    .slice(0, LIMIT);
}

function itemId() {
  return new URLSearchParams(location.search).get('id');
}

function showUnknown(id) {
  const main = document.getElementById('main');
  main.replaceChildren(
    h('h1', { tabindex: '-1' }, 'Film not found'),
    h('p', {}, id ? `There is no film with the id “${id}” in this catalogue.` : 'No film was chosen.'),
    h('p', {}, h('a', { href: './' }, 'Back to For you')),
  );
}

function header(site, id, hiddenThisPage) {
  const item = site.items.get(id);
  const like = h('button', { type: 'button', class: 'primary' }, 'Like');
  const dismiss = h('button', { type: 'button', class: 'secondary' }, 'Not interested');
  like.addEventListener('click', () => {
    const recorded = site.p.record({ itemId: id, kind: 'like' });
    // A recorded like reaches p.onChange, which re-renders the page.
    site.say(recorded ? `Liked ${site.title(id)}.` : 'Nothing recorded: allow history first (see the question above or Preferences).');
  });
  dismiss.addEventListener('click', () => {
    dismissItem(site, id, hiddenThisPage);
    site.rerender('dismiss');
  });
  const watchers = Number.isFinite(item.popularity) ? `${Math.round(item.popularity)} people on this site watched it.` : null;
  return h('div', { class: 'item-header' },
    poster(site, id, true),
    h('div', {},
      h('h1', { tabindex: '-1' }, site.title(id)),
      h('p', { class: 'meta' }, metaLine(site, id)),
      watchers && h('p', { class: 'muted' }, watchers),
      h('div', { class: 'actions' }, like, dismiss)));
}

function listSection(titleId, title, note) {
  const list = h('ol', { class: 'grid compact', tabindex: '-1', 'aria-labelledby': titleId });
  const heading = h('h2', { id: titleId }, title);
  const noteEl = h('p', { class: 'muted' }, note ?? '');
  return { section: h('section', { 'aria-labelledby': titleId }, heading, noteEl, list), list, heading, noteEl };
}

async function main() {
  const site = await start();
  if (!site) return;
  const id = itemId();
  if (!site.items.has(id)) {
    showUnknown(id);
    return;
  }
  document.title = `${site.title(id)} · ondevice films`;
  // Recorded once per page view; ondevice returns false (records nothing)
  // without consent.
  site.p.record({ itemId: id, kind: 'view' });

  const hiddenThisPage = new Set();
  const impressions = impressionCounter(site);
  const also = listSection('also-title', 'People who watched this also watched');
  const because = listSection('because-title', 'Because you viewed …');
  const main = document.getElementById('main');
  const head = header(site, id, hiddenThisPage);
  main.replaceChildren(head, also.section, because.section);

  const onDismiss = (list) => (dismissed) => {
    const index = [...list.querySelectorAll('.card')].findIndex((li) => li.dataset.id === dismissed);
    dismissItem(site, dismissed, hiddenThisPage);
    site.rerender('dismiss');
    focusAfterRemoval(list, index);
  };

  const render = () => {
    impressions.reset();
    const exclude = [...hiddenThisPage];
    const alsoRanked = aroundFilm(site, id, exclude);
    also.list.replaceChildren(...alsoRanked.map((r) => card(site, r, { onDismiss: onDismiss(also.list), context: 'also' })));
    also.noteEl.textContent = alsoRanked.length === 0 ? 'Not enough people watched this film with others to say, or you hid them.' : '';

    const previous = site.hasConsent() ? site.lastEngaged(id) : null;
    if (previous === null) {
      because.heading.textContent = 'Because you viewed …';
      because.noteEl.textContent = site.hasConsent()
        ? 'View a few more films and suggestions based on them appear here.'
        : 'With your permission to use history, suggestions based on the films you viewed appear here.';
      because.list.replaceChildren();
    } else {
      because.heading.textContent = `Because you viewed ${site.title(previous)}`;
      const shown = [id, ...exclude, ...alsoRanked.map((r) => r.id)];
      const ranked = aroundFilm(site, previous, shown);
      because.list.replaceChildren(...ranked.map((r) => card(site, r, { onDismiss: onDismiss(because.list), context: 'because' })));
      because.noteEl.textContent = ranked.length === 0 ? `The films that go with ${site.title(previous)} are already above.` : '';
    }
    impressions.watch(main);
  };
  site.onRender(render);
}

main();
