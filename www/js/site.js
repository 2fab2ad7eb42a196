// What every demo page does first: load ondevice and the catalogue, open the
// visitor's profile, show the consent prompt on a first visit and the note
// about the sensitive category, and re-render when anything changes (the
// panel, the prompt, a like, or another tab: all reach `p.onChange`).
//
// The catalogue is a JavaScript module (www/data/catalogue.js, written by
// scripts/demo-data.sh), not JSON fetched at run time: the demo runs under
// `connect-src 'none'`, so the page cannot fetch anything at all.

import init, { Personalizer } from '../../index.js';
import '../../panel/ondevice-preferences.js';
import { showConsentPrompt, forgetPromptAnswer } from './consent-prompt.js';
import { h } from '../../panel/create-element.js';

export const PROFILE = 'default';

/** Everything a page needs about the catalogue, indexed once. */
class Site {
  constructor(personalizer, catalogue, years = {}) {
    this.p = personalizer;
    this.years = years;
    this.items = new Map(catalogue.items.map((item, i) => [item.id, { ...item, order: i }]));
    this.categories = new Map(catalogue.categories.map((c, i) => [c.id, { ...c, order: i }]));
    this.listeners = [];
    this.renderedRevision = personalizer.revision;
  }

  /** Calls `render(cause)` now and after every change to the profile. */
  onRender(render) {
    this.listeners.push(render);
    render('start');
  }

  rerender(cause) {
    // What the lists now show: a change the page already rendered (e.g. a
    // dismissal, rendered at once to keep focus) is not rendered again.
    this.renderedRevision = this.p.revision;
    for (const render of this.listeners) render(cause);
  }

  hasConsent() {
    return this.p.preferences().historyConsent;
  }

  title(id) {
    return this.items.get(id)?.title ?? id;
  }

  /** The release year: from publishedAt, or from the catalogue module's
   *  `years` (publishedAt cannot hold a date before 1970). */
  year(id) {
    const at = this.items.get(id)?.publishedAt;
    if (at !== undefined) return new Date(at).getUTCFullYear();
    return this.years[id] ?? null;
  }

  categoryLabels(id) {
    return (this.items.get(id)?.categories ?? []).map((c) => this.categories.get(c)?.label ?? c);
  }

  sensitiveLabels() {
    return [...this.categories.values()].filter((c) => c.sensitive).map((c) => c.label);
  }

  /** The latest item the visitor engaged with, other than `except`, from
   *  their own stored history (on this device; nothing leaves it). */
  lastEngaged(except) {
    return this.p.recentItems({ limit: 2 }).find((r) => r.itemId !== except)?.itemId ?? null;
  }

  /** A short message in the page's live region (dismissals, errors). */
  say(text) {
    const region = document.getElementById('announce');
    if (region) region.textContent = text;
  }
}

function showSetupHelp(error) {
  const main = document.getElementById('main');
  main.replaceChildren(
    h('h1', {}, 'The demo catalogue is not prepared'),
    h('p', {}, 'Run ', h('code', {}, 'bash scripts/demo.sh'), ' from the repository (or ', h('code', {}, 'bash scripts/demo-data.sh'),
      ' and reload). It writes www/data/catalogue.js.'),
    h('p', { class: 'muted' }, `Details: ${error.message}`),
  );
}

function showSensitiveNote(site) {
  const note = document.getElementById('demo-note');
  const labels = site.sensitiveLabels();
  if (!note || labels.length === 0) return;
  note.textContent = `For this demonstration the site marks ${labels.join(' and ')} as sensitive: `
    + 'it is never learned from what you view and changes your lists only if you turn it on in Preferences.';
}

/** Gives a page's <ondevice-preferences> (if any) the personalizer. The
 * panel follows `p.onChange` itself, and so does the page (below). */
function connectPanels(site) {
  for (const panel of document.querySelectorAll('ondevice-preferences')) {
    panel.personalizer = site.p;
    panel.addEventListener('change', (event) => {
      if (event.detail.cause === 'forget') forgetPromptAnswer();
    });
  }
}

/** Re-renders on every change `rank` depends on, once per frame at most
 * (a dragged slider changes the preferences many times a frame). */
function followChanges(site) {
  let frame = null;
  site.p.onChange((cause) => {
    if (frame !== null) return;
    frame = requestAnimationFrame(() => {
      frame = null;
      if (site.p.revision !== site.renderedRevision) site.rerender(cause);
    });
  });
}

/** The placement of the "Staff picks" row on the For you page. */
export const STAFF_PICKS = 'staff-picks';

/**
 * The demo site's own say over its lists, added to the catalogue it loads
 * (a site may also publish them with the builder's --rules): a "Staff
 * picks" row (a placement of four films) whose first film is pinned by the
 * site, one outside the most watched, so a visitor sees a promoted film
 * labelled as such ("Placed here by the site") and never as a personal
 * reason.
 */
function withSiteRules(catalogue) {
  const byPopularity = [...catalogue.items].sort((a, b) => (b.popularity ?? 0) - (a.popularity ?? 0));
  const pick = byPopularity[Math.min(40, byPopularity.length - 1)].id;
  return {
    ...catalogue,
    placements: { ...(catalogue.placements ?? {}), [STAFF_PICKS]: { limit: 4 } },
    rules: [...(catalogue.rules ?? []), { item: pick, pin: 1, placement: STAFF_PICKS }],
  };
}

/** Loads everything; returns the `Site`, or null after explaining what is missing. */
export async function start() {
  await init();
  let catalogue;
  let source;
  let years;
  try {
    ({ default: catalogue, source, years } = await import('../data/catalogue.js'));
  } catch (error) {
    showSetupHelp(error);
    return null;
  }
  const p = new Personalizer({ profile: PROFILE });
  catalogue = withSiteRules(catalogue);
  p.loadCatalogue(catalogue);
  const site = new Site(p, catalogue, years);
  showSensitiveNote(site);
  const credit = document.getElementById('catalogue-source');
  if (credit && source) credit.textContent = source;
  connectPanels(site);
  followChanges(site);
  site.listeners.push(() => showConsentPrompt(site));
  showConsentPrompt(site);
  return site;
}
