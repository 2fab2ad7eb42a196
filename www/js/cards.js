// A film card: title, year and genres, "Why this?" (the reasons ondevice gave,
// with their weights) and "Not interested". Used by every list on the site.

import { h } from '../../panel/create-element.js';
import { signed } from '../../panel/words.js';

/** A stable hue per film, so posters (plain gradients, no images) differ. */
function hueFor(id) {
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return hash % 360;
}

export function poster(site, id, large = false) {
  const box = h('div', { class: large ? 'poster large' : 'poster', 'aria-hidden': 'true' },
    h('span', {}, site.title(id).replace(/^(The|A|An) /, '').slice(0, 1)));
  // CSSOM, not a style attribute: allowed under the Content-Security-Policy.
  box.style.setProperty('--hue', String(hueFor(id)));
  return box;
}

export function metaLine(site, id) {
  const year = site.year(id);
  return [year, site.categoryLabels(id).join(', ')].filter(Boolean).join(' · ');
}

/** The site's own doing (pins and boosts), shown apart from what is about the person. */
const isSites = (r) => r.kind === 'promoted';

function whyPanel(ranked, panelId) {
  const largest = Math.max(...ranked.reasons.map((r) => Math.abs(r.weight)), 0.01);
  const row = (r) => {
    const bar = h('span', { class: `weight-bar ${r.weight < 0 ? 'negative' : ''}`, 'aria-hidden': 'true' });
    bar.style.setProperty('--share', String(Math.abs(r.weight) / largest));
    return h('li', { 'data-kind': r.kind },
      h('span', { class: 'reason-text' }, r.text),
      h('span', { class: 'weight', title: 'Weight: what this reason adds to the score' }, signed(r.weight)),
      bar);
  };
  const personal = ranked.reasons.filter((r) => !isSites(r));
  const sites = ranked.reasons.filter(isSites);
  return h('div', { class: 'why', id: panelId, hidden: true },
    personal.length ? h('ul', { class: 'reasons', 'aria-label': 'Reasons, with their weights' }, personal.map(row)) : null,
    sites.length ? h('p', { class: 'site-rules-title' }, 'The site’s own choice, not based on you:') : null,
    sites.length ? h('ul', { class: 'reasons site-rules', 'aria-label': 'The site’s own choices' }, sites.map(row)) : null,
    h('p', { class: 'score' }, `Score ${ranked.score.toFixed(2)}: the sum of every factor, not only those listed.`));
}

/**
 * One card for a ranked item. `onDismiss(id)` runs after "Not interested";
 * `context` is a prefix that keeps element ids unique when one film appears
 * in two lists on the same page; `heading` keeps the outline in order (h2
 * under the page's h1, h3 under a section's h2).
 */
export function card(site, ranked, { onDismiss, context = 'list', heading = 'h3' }) {
  const { id } = ranked;
  const titleId = `${context}-title-${id}`;
  const whyId = `${context}-why-${id}`;
  const why = h('button', { type: 'button', class: 'why-toggle', 'aria-expanded': 'false', 'aria-controls': whyId, 'aria-describedby': titleId }, 'Why this?');
  const dismiss = h('button', { type: 'button', class: 'dismiss', 'aria-describedby': titleId }, 'Not interested');
  const panel = whyPanel(ranked, whyId);
  why.addEventListener('click', () => {
    const open = why.getAttribute('aria-expanded') !== 'true';
    why.setAttribute('aria-expanded', String(open));
    panel.hidden = !open;
  });
  dismiss.addEventListener('click', () => onDismiss(id));
  return h('li', { class: 'card', 'data-id': id, 'data-categories': (site.items.get(id)?.categories ?? []).join(' ') },
    h('article', { 'aria-labelledby': titleId },
      poster(site, id),
      h(heading, { id: titleId }, h('a', { href: `item.html?id=${encodeURIComponent(id)}` }, site.title(id))),
      h('p', { class: 'meta' }, metaLine(site, id)),
      ranked.reasons.some(isSites) ? h('p', { class: 'promoted-badge' }, 'Promoted by the site') : null,
      h('div', { class: 'card-actions' }, why, dismiss),
      panel));
}

/**
 * "Not interested": with consent it is recorded (the item stays away for
 * 90 days); without, it is only hidden on this page, because nothing may be
 * recorded before consent.
 */
export function dismissItem(site, id, hiddenThisPage) {
  const recorded = site.p.record({ itemId: id, kind: 'dismiss' });
  if (recorded) {
    site.say(`${site.title(id)}: you will not be shown it again.`);
  } else {
    hiddenThisPage.add(id);
    site.say(`${site.title(id)} is hidden on this page. Allow history to keep it hidden.`);
  }
}

/** After a card is removed, focus moves to the next card (or the list) so a
 *  keyboard user is not thrown back to the top of the page. */
export function focusAfterRemoval(list, index) {
  const links = list.querySelectorAll('.card article > :is(h2, h3) a');
  const target = links[Math.min(index, links.length - 1)];
  if (target) target.focus();
  else list.focus();
}

/**
 * Counts an impression for each card at least half on screen, once per page
 * view, for the frequency cap. Only with consent (ondevice ignores it
 * otherwise, but asking is cheaper than a call that does nothing).
 */
export function impressionCounter(site) {
  const counted = new Set();
  let pending = [];
  let timer = null;
  const flush = () => {
    timer = null;
    const ids = pending;
    pending = [];
    if (ids.length > 0 && site.hasConsent()) site.p.recordImpressions(ids);
  };
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const id = entry.target.dataset.id;
      if (!entry.isIntersecting || counted.has(id) || !site.hasConsent()) continue;
      counted.add(id);
      pending.push(id);
    }
    if (pending.length > 0 && timer === null) timer = setTimeout(flush, 300);
  }, { threshold: 0.5 });
  return {
    watch(list) {
      for (const li of list.querySelectorAll('.card')) observer.observe(li);
    },
    reset() {
      observer.disconnect();
    },
  };
}
