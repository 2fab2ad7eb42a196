// <ondevice-preferences>: the person's controls over ondevice, framework-free.
//
//   import 'ondevice/panel';                            // defines the element
//   const panel = document.querySelector('ondevice-preferences');
//   panel.personalizer = p;                             // after loadCatalogue
//   panel.addEventListener('change', () => rerank());   // after every change
//
// Attribute `view`: "all" (default), "settings" (no chart) or "data" (only
// "Your data"). Export, import and delete are always one click away, so each
// is at most two clicks from any view. Styles live in a constructable
// stylesheet (allowed under a strict CSP, unlike <style>), themed with
// --ondevice-* custom properties; no fonts, images or requests of any kind.
// The element subscribes to `personalizer.onChange` while it is in the
// document, so it shows what another tab, an import or the page's own
// `record` calls changed without the page calling `refresh()`.
//
// Importing this module on a server (Node, as every server-rendering
// framework does with a page's imports) is safe: the element is defined only
// where `customElements` exists.

import { PANEL_CSS } from './panel-style.js';
import { h } from './create-element.js';
import { FREQUENCY_STEPS, frequencyWords, nearestStep, sliderWords, strengthWords, varietyWords } from './words.js';
import { renderData } from './your-data.js';

const RETENTION_CHOICES = [7, 30, 90, 180, 365];

let sheet = null;
function styleSheet() {
  if (sheet === null) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(PANEL_CSS);
  }
  return sheet;
}

let instances = 0;

// On a server there is no HTMLElement: the class is still exported (for
// `instanceof` checks and types) but extends nothing and is never defined.
const Base = globalThis.HTMLElement ?? class {};

export class OndevicePreferencesElement extends Base {
  static get observedAttributes() {
    return ['view'];
  }

  #personalizer = null;
  #root;
  #uid = `odp${++instances}`;
  #controls = new Map();
  // Personalization "off" is stored as 0; the strength to return to when it is
  // switched on again is remembered here for the life of the page.
  #lastStrength = 1;
  #scheduled = null;
  // The `onChange` subscription's removal, while subscribed.
  #unsubscribe = null;
  // Set while the panel writes, so its own change is not read back mid-drag.
  #writing = false;
  #refreshQueued = false;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    this.#root.adoptedStyleSheets = [styleSheet()];
  }

  connectedCallback() {
    this.#subscribe();
    this.#render();
  }

  disconnectedCallback() {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  attributeChangedCallback() {
    if (this.isConnected) this.#render();
  }

  /** The `Personalizer` to show and change. Set it after `loadCatalogue`. */
  get personalizer() {
    return this.#personalizer;
  }

  set personalizer(p) {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#personalizer = p ?? null;
    if (this.isConnected) this.#subscribe();
    this.#render();
  }

  #subscribe() {
    const p = this.#personalizer;
    if (!p || this.#unsubscribe || typeof p.onChange !== 'function') return;
    const off = p.onChange((cause) => this.#changed(cause));
    this.#unsubscribe = typeof off === 'function' ? off : null;
  }

  /** A change the panel did not write itself: shown once, after the
   *  current task (a burst of `record` calls refreshes once). */
  #changed(cause) {
    if (this.#writing) return;
    if (cause === 'catalogue') {
      this.#render();
      return;
    }
    if (this.#refreshQueued) return;
    this.#refreshQueued = true;
    queueMicrotask(() => {
      this.#refreshQueued = false;
      this.refresh();
    });
  }

  get view() {
    const v = this.getAttribute('view');
    return v === 'settings' || v === 'data' ? v : 'all';
  }

  set view(v) {
    this.setAttribute('view', v);
  }

  /** Re-reads preferences and stored data. The panel does this itself on
   *  every `personalizer.onChange`; calling it is never needed, and harmless. */
  refresh() {
    if (!this.#personalizer) return;
    this.#syncControls();
    this.#renderDataSection();
  }

  #id(name) {
    return `${this.#uid}-${name}`;
  }

  #render() {
    const p = this.#personalizer;
    this.#controls.clear();
    if (!p) {
      this.#root.replaceChildren(h('p', { class: 'empty' }, 'Loading preferences…'));
      return;
    }
    let categories;
    try {
      categories = p.categories();
    } catch (e) {
      this.#root.replaceChildren(h('p', { class: 'empty', role: 'alert' }, `Preferences are unavailable: ${e.message}`));
      return;
    }
    const view = this.view;
    const title = h('h2', { id: this.#id('title'), part: 'title' }, view === 'data' ? 'Stored in this browser' : 'Your preferences');
    const intro = h('p', { class: 'intro' }, view === 'data'
      ? 'Everything ondevice keeps about you. Nothing of it is ever sent anywhere.'
      : 'Kept only in this browser and never sent anywhere. Changes apply at once.');
    const sections = [];
    if (view !== 'data') sections.push(...this.#settingsSections(categories));
    sections.push(h('section', { class: 'data', id: this.#id('data') }));
    const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite', id: this.#id('status') });
    this.#root.replaceChildren(h('div', { class: 'panel', part: 'panel', role: 'region', 'aria-labelledby': this.#id('title') }, title, intro, ...sections, status));
    this.#syncControls();
    this.#renderDataSection();
  }

  #settingsSections(categories) {
    const plain = categories.filter((c) => !c.sensitive);
    const sensitive = categories.filter((c) => c.sensitive);
    const sections = [this.#personalizationSection(), this.#categorySection(plain)];
    if (sensitive.length > 0) sections.push(this.#sensitiveSection(sensitive));
    sections.push(this.#varietySection(), this.#historySection(), this.#statisticsSection());
    return sections;
  }

  #fieldset(legend, ...children) {
    return h('fieldset', {}, h('legend', {}, legend), ...children);
  }

  #switch(key, label, onChange, describedBy = null) {
    const input = h('input', { type: 'checkbox', role: 'switch', id: this.#id(key), 'aria-describedby': describedBy });
    input.addEventListener('change', () => onChange(input.checked));
    this.#controls.set(key, input);
    return h('label', { class: 'switch', for: this.#id(key) }, input, h('span', {}, label));
  }

  /** A labelled range input; `onInput` receives the number, `words` its aria-valuetext. */
  #range(key, label, { min, max, step, words, onInput, ends = null }) {
    const input = h('input', { type: 'range', id: this.#id(key), min, max, step, class: min < 0 ? 'bipolar' : null });
    const output = h('output', { for: this.#id(key), 'aria-hidden': 'true' });
    input.addEventListener('input', () => {
      const value = Number(input.value);
      this.#showValue(input, output, words(value));
      onInput(value);
    });
    this.#controls.set(key, input);
    this.#controls.set(`${key}:words`, { words, output });
    const labelEl = h('label', { for: this.#id(key) }, label);
    const track = ends
      ? h('span', { class: 'ends' }, h('span', { 'aria-hidden': 'true' }, ends[0]), input, h('span', { 'aria-hidden': 'true' }, ends[1]))
      : input;
    return h('div', { class: 'range' }, labelEl, track, output);
  }

  #showValue(input, output, text) {
    input.setAttribute('aria-valuetext', text);
    output.textContent = text;
  }

  #personalizationSection() {
    const hint = h('p', { class: 'hint', id: this.#id('on-hint') });
    this.#controls.set('on:hint', hint);
    return this.#fieldset(
      'Personalization',
      this.#switch('on', 'Personalize this site', (on) => this.#save({ personalization: on ? this.#lastStrength : 0 }), this.#id('on-hint')),
      hint,
      this.#range('strength', 'Strength', {
        min: 0.1, max: 1, step: 0.1, words: strengthWords,
        onInput: (v) => {
          this.#lastStrength = v;
          this.#save({ personalization: v });
        },
      }),
    );
  }

  #categoryRow(c) {
    const hide = h('input', { type: 'checkbox', id: this.#id(`block-${c.id}`) });
    hide.addEventListener('change', () => this.#setBlocked(c.id, hide.checked));
    this.#controls.set(`block:${c.id}`, hide);
    return h(
      'div',
      { class: 'category', 'data-category': c.id },
      this.#range(`cat-${c.id}`, c.label, {
        min: -1, max: 1, step: 0.25, words: sliderWords, ends: ['less', 'more'],
        onInput: (v) => this.#save({ categories: { [c.id]: v } }),
      }),
      h('label', { class: 'hide', for: this.#id(`block-${c.id}`) }, hide, h('span', {}, 'Hide', h('span', { class: 'visually-hidden' }, ` ${c.label}`))),
    );
  }

  #categorySection(categories) {
    return this.#fieldset(
      'Categories',
      h('p', { class: 'hint' }, 'Less or more of each. “Hide” removes a category from every list.'),
      h('div', { class: 'category-list' }, categories.map((c) => this.#categoryRow(c))),
    );
  }

  #sensitiveSection(categories) {
    const rows = categories.map((c) => {
      const sentence = h('p', { class: 'hint', id: this.#id(`sensitive-${c.id}-hint`) },
        `${c.label} is only used if you turn it on. It is never guessed from what you view.`);
      const details = h('div', { class: 'sensitive-controls' }, this.#categoryRow(c));
      this.#controls.set(`sensitive-controls:${c.id}`, details);
      return h('div', { class: 'sensitive', 'data-category': c.id },
        this.#switch(`sensitive-${c.id}`, `Use ${c.label}`, (on) => this.#setSensitive(c.id, on), this.#id(`sensitive-${c.id}-hint`)),
        sentence, details);
    });
    return this.#fieldset(
      'Sensitive categories',
      h('p', { class: 'hint' }, 'The site marked these as sensitive. They are off until you turn them on.'),
      rows,
    );
  }

  #varietySection() {
    return this.#fieldset(
      'Variety and repetition',
      this.#range('variety', 'Variety', {
        min: 0, max: 1, step: 0.1, words: varietyWords, ends: ['similar', 'varied'],
        onInput: (v) => this.#save({ variety: v }),
      }),
      this.#range('frequency', 'Show the same item', {
        min: 0, max: FREQUENCY_STEPS.length - 1, step: 1,
        words: (i) => frequencyWords(FREQUENCY_STEPS[i] ?? FREQUENCY_STEPS[0]),
        onInput: (i) => this.#save({ frequencyCap: FREQUENCY_STEPS[i] }),
      }),
    );
  }

  #historySection() {
    const retention = h('select', { id: this.#id('retention') });
    retention.addEventListener('change', () => this.#save({ retentionDays: Number(retention.value) }));
    this.#controls.set('retention', retention);
    const what = h('p', { class: 'hint', id: this.#id('history-hint') },
      'Kept: which items you viewed, liked or dismissed, and when. Where: this browser only, never sent anywhere. Until you turn this on, nothing is recorded.');
    return this.#fieldset(
      'History',
      this.#switch('consent', 'Use my viewing history', (on) => this.#save({ historyConsent: on }), this.#id('history-hint')),
      what,
      h('div', { class: 'range' }, h('label', { for: this.#id('retention') }, 'Keep history for'), retention),
    );
  }

  #statisticsSection() {
    // The privacy loss is stated as a number, as the module promises; builds
    // without the statistics feature have no `privacy` in the summary.
    const privacy = this.#personalizer.profileSummary().privacy;
    const loss = privacy
      ? ` Privacy loss: ε = ${privacy.epsilonPerReport} per report, at most ε = ${privacy.budgetPerPeriod} every ${privacy.periodDays} days.`
      : '';
    const hint = h('p', { class: 'hint', id: this.#id('statistics-hint') },
      'Off unless you turn it on. If on, the site may get a report that is randomized in this browser first, '
      + `so it cannot tell what you did; your history itself never leaves.${loss}`);
    return this.#fieldset(
      'Statistics for the site',
      this.#switch('statistics', 'Share randomized statistics', (on) => this.#save({ shareStatistics: on }), this.#id('statistics-hint')),
      hint,
    );
  }

  #setBlocked(id, on) {
    const blocked = new Set(this.#personalizer.preferences().blocked);
    if (on) blocked.add(id);
    else blocked.delete(id);
    this.#save({ blocked: [...blocked] });
  }

  #setSensitive(id, on) {
    const sensitive = new Set(this.#personalizer.preferences().sensitive);
    if (on) sensitive.add(id);
    else sensitive.delete(id);
    this.#save({ sensitive: [...sensitive] });
  }

  /** Writes through `setPreferences`; on a refused value the controls show
   *  what is stored again and the message (which names the field) is shown. */
  #save(patch) {
    try {
      this.#write(() => this.#personalizer.setPreferences(patch));
      this.#say('');
    } catch (e) {
      this.#say(`Not saved: ${e.message}`);
    }
    this.#syncControls();
    this.#announce('preferences');
  }

  /** Runs a write of the panel's own; its `onChange` is not read back (the
   *  panel updates itself after its writes). */
  #write(fn) {
    this.#writing = true;
    try {
      return fn();
    } finally {
      this.#writing = false;
    }
  }

  /** Dispatches `change` once per frame while a slider is dragged. */
  #announce(cause) {
    if (this.#scheduled !== null) return;
    const fire = () => {
      this.#scheduled = null;
      this.#renderDataSection();
      this.dispatchEvent(new CustomEvent('change', { bubbles: true, detail: { cause, preferences: this.#personalizer.preferences() } }));
    };
    if (cause !== 'preferences') {
      fire();
      return;
    }
    this.#scheduled = requestAnimationFrame(fire);
  }

  #say(text) {
    const status = this.#root.getElementById(this.#id('status'));
    if (status) status.textContent = text;
  }

  #syncControls() {
    const p = this.#personalizer;
    if (!p || this.view === 'data') return;
    const prefs = p.preferences();
    const c = this.#controls;
    const on = prefs.personalization > 0;
    if (on) this.#lastStrength = prefs.personalization;
    c.get('on').checked = on;
    c.get('on:hint').textContent = on
      ? 'On: lists are ordered for you, each with its reasons.'
      : 'Off: you see the site’s own order.';
    this.#setRange('strength', this.#lastStrength);
    c.get('strength').disabled = !on;
    for (const cat of p.categories()) {
      const blocked = prefs.blocked.includes(cat.id);
      this.#setRange(`cat-${cat.id}`, prefs.categories[cat.id] ?? 0);
      c.get(`cat-${cat.id}`).disabled = blocked;
      c.get(`block:${cat.id}`).checked = blocked;
      if (cat.sensitive) {
        const enabled = prefs.sensitive.includes(cat.id);
        c.get(`sensitive-${cat.id}`).checked = enabled;
        c.get(`sensitive-controls:${cat.id}`).hidden = !enabled;
      }
    }
    this.#setRange('variety', prefs.variety);
    this.#setRange('frequency', nearestStep(prefs.frequencyCap));
    c.get('consent').checked = prefs.historyConsent;
    c.get('statistics').checked = prefs.shareStatistics;
    const retention = c.get('retention');
    const choices = [...new Set([...RETENTION_CHOICES, prefs.retentionDays])].sort((a, b) => a - b);
    retention.replaceChildren(...choices.map((d) => h('option', { value: d }, d === 1 ? '1 day' : `${d} days`)));
    retention.value = String(prefs.retentionDays);
  }

  #setRange(key, value) {
    const input = this.#controls.get(key);
    const { words, output } = this.#controls.get(`${key}:words`);
    input.value = String(value);
    this.#showValue(input, output, words(value));
  }

  #renderDataSection() {
    const section = this.#root.getElementById(this.#id('data'));
    if (!section || !this.#personalizer) return;
    renderData(section, {
      personalizer: this.#personalizer,
      id: (name) => this.#id(name),
      view: this.view,
      say: (text) => this.#say(text),
      write: (fn) => this.#write(fn),
      changed: (cause) => {
        this.#syncControls();
        this.#announce(cause);
      },
    });
  }
}

if (globalThis.customElements && !customElements.get('ondevice-preferences')) {
  customElements.define('ondevice-preferences', OndevicePreferencesElement);
}
