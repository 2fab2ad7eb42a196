// "Your data" inside <ondevice-preferences>: what ondevice learned (an SVG
// chart, with the same numbers as a table for screen readers), what is
// stored, and export / import / delete. Everything is read from the
// personalizer on each render; nothing here keeps a copy of the profile.

import { h } from './create-element.js';
import { formatBytes, formatDate, signed, sliderWords } from './words.js';

const KIND_LABELS = {
  view: 'Viewed',
  click: 'Opened',
  like: 'Liked',
  dislike: 'Disliked',
  purchase: 'Bought',
  dismiss: 'Not interested',
};

/** Bars from a centre line: left is "less", right is "more". */
const CHART = { width: 360, label: 118, gap: 8, row: 24, top: 22, right: 44 };

/** The learned interest per category as a horizontal bar chart (−1..1). */
export function interestChart(interests, id) {
  const { width, label, gap, row, top, right } = CHART;
  const left = label + gap;
  const span = width - left - right;
  const centre = left + span / 2;
  const height = top + interests.length * row + 4;
  const summary = interests.filter((i) => i.weight !== 0).sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
  const desc = summary.length === 0
    ? 'Nothing learned yet: every category is at zero.'
    : summary.slice(0, 3).map((i) => `${i.label}: ${sliderWords(Math.round(i.weight * 4) / 4)} (${signed(i.weight)})`).join('; ');
  const svg = h('svg:svg', {
    viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img',
    'aria-labelledby': `${id}-title ${id}-desc`, preserveAspectRatio: 'xMinYMin meet',
  },
  h('svg:title', { id: `${id}-title` }, 'Learned interest per category'),
  h('svg:desc', { id: `${id}-desc` }, desc),
  h('svg:text', { x: left, y: 12, class: 'axis-label' }, 'less'),
  h('svg:text', { x: left + span, y: 12, class: 'axis-label', 'text-anchor': 'end' }, 'more'));
  interests.forEach((interest, i) => {
    const y = top + i * row;
    const w = Math.abs(interest.weight) * (span / 2);
    const x = interest.weight >= 0 ? centre : centre - w;
    svg.append(
      h('svg:text', { x: label, y: y + row / 2 + 4, 'text-anchor': 'end', class: 'bar-label' }, interest.label),
      h('svg:rect', { x: left, y: y + 3, width: span, height: row - 6, rx: 3, class: 'bar-track' }),
      h('svg:rect', {
        x, y: y + 3, width: Math.max(w, interest.weight === 0 ? 0 : 1.5), height: row - 6, rx: 3,
        class: `bar ${interest.weight < 0 ? 'negative' : 'positive'}`, 'data-category': interest.category,
      }),
      h('svg:text', { x: width - 2, y: y + row / 2 + 4, 'text-anchor': 'end', class: 'bar-value' }, signed(interest.weight)),
    );
  });
  // Drawn last, so that the bars' tracks do not cover the zero line.
  svg.append(h('svg:line', { x1: centre, x2: centre, y1: top - 6, y2: height, class: 'axis' }));
  return svg;
}

function interestTable(interests) {
  return h('table', {},
    h('caption', { class: 'visually-hidden' }, 'Learned interest per category, from −1 (less) to 1 (more)'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Category'), h('th', { scope: 'col' }, 'Interest'))),
    h('tbody', {}, interests.map((i) => h('tr', {}, h('th', { scope: 'row' }, i.label), h('td', {}, signed(i.weight))))));
}

function storedFacts(summary) {
  const counts = Object.entries(KIND_LABELS).map(([kind, text]) => [text, summary.events[kind] ?? 0]);
  const rows = [
    ['Events stored', String(summary.totalEvents)],
    ...counts.filter(([, n]) => n > 0).map(([text, n]) => [`· ${text}`, String(n)]),
    ['Oldest event', summary.oldestEvent === null ? 'none' : formatDate(summary.oldestEvent)],
    ['History', summary.historyConsent ? `recorded, kept ${summary.retentionDays} days` : 'not recorded (no consent)'],
    ...(summary.privacy ? [['Statistics', summary.privacy.shareStatistics
      ? `shared, randomized: ε ${summary.privacy.spent} of ${summary.privacy.budgetPerPeriod} used this period`
      : 'not shared']] : []),
    ['Size', formatBytes(summary.bytesStored)],
    ['Where', summary.persistent
      ? `this browser’s localStorage, for this site only, under “ondevice:profile:${summary.profile}”`
      : 'nowhere lasting: storage is unavailable here, so it goes when the page closes'],
  ];
  return h('dl', { class: 'facts' }, rows.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
}

function download(container, text, filename) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = h('a', { href: url, download: filename, hidden: true });
  container.append(link);
  link.click();
  link.remove();
  // The download has started by the next task; the object URL is then spare.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function exportFilename(profile) {
  return `ondevice-${profile}-${new Date().toISOString().slice(0, 10)}.json`;
}

/** The confirmation before `forget()`: a native modal dialog (focus trap and
 *  Escape for free), Cancel focused first so Enter alone deletes nothing. */
function deleteDialog(ctx, restoreFocus) {
  const cancel = h('button', { type: 'button', class: 'secondary', autofocus: true }, 'Cancel');
  const confirm = h('button', { type: 'button', class: 'danger confirm', 'data-action': 'confirm-delete' }, 'Delete everything');
  const dialog = h('dialog', { 'aria-labelledby': ctx.id('delete-title'), 'aria-describedby': ctx.id('delete-desc') },
    h('h3', { id: ctx.id('delete-title') }, 'Delete everything?'),
    h('p', { id: ctx.id('delete-desc') }, 'This deletes your preferences and your history from this browser. It cannot be undone.'),
    h('div', { class: 'actions' }, cancel, confirm));
  cancel.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => restoreFocus());
  confirm.addEventListener('click', () => {
    try {
      ctx.write(() => ctx.personalizer.forget());
      ctx.say('Deleted. Nothing about you is stored now.');
      dialog.close();
      ctx.changed('forget');
    } catch (e) {
      ctx.say(`Not deleted: ${e.message}`);
      dialog.close();
    }
  });
  return dialog;
}

function actions(section, ctx) {
  const exportButton = h('button', { type: 'button', 'data-action': 'export' }, 'Export my data');
  const importButton = h('button', { type: 'button', class: 'secondary', 'data-action': 'import' }, 'Import…');
  const deleteButton = h('button', { type: 'button', class: 'danger', 'data-action': 'delete' }, 'Delete everything…');
  const file = h('input', { type: 'file', accept: '.json,application/json', hidden: true, tabindex: '-1', 'aria-hidden': 'true' });
  const dialog = deleteDialog(ctx, () => section.querySelector('[data-action="delete"]')?.focus());

  exportButton.addEventListener('click', () => {
    const doc = ctx.personalizer.exportData();
    download(section, JSON.stringify(doc, null, 2), exportFilename(doc.profile));
    ctx.say('Exported: your browser saved the file.');
  });
  importButton.addEventListener('click', () => file.click());
  file.addEventListener('change', async () => {
    const chosen = file.files?.[0];
    file.value = '';
    if (!chosen) return;
    try {
      const text = await chosen.text();
      ctx.write(() => ctx.personalizer.importData(text));
      ctx.say(`Imported ${chosen.name}.`);
      ctx.changed('import');
    } catch (e) {
      ctx.say(`Not imported, nothing was changed: ${e.message}`);
    }
  });
  deleteButton.addEventListener('click', () => dialog.showModal());
  return [h('div', { class: 'actions' }, exportButton, importButton, deleteButton), file, dialog];
}

/** Fills `section` (the data part of the panel). Called after every change. */
export function renderData(section, ctx) {
  const summary = ctx.personalizer.profileSummary();
  const root = section.getRootNode();
  const focused = root.activeElement?.closest?.('[data-action]')?.dataset.action ?? null;
  const dialogOpen = section.querySelector('dialog[open]');
  if (dialogOpen) return; // never pull a modal away from under the person

  // In the "data" view the panel's own title already says "Your data".
  const parts = ctx.view === 'data' ? [] : [h('h3', { id: ctx.id('data-title') }, 'Your data')];
  if (ctx.view !== 'settings') {
    parts.push(
      h('figure', {},
        interestChart(summary.interests, ctx.id('chart')),
        h('figcaption', { class: 'hint' },
          'What ondevice learned from your history. Sensitive categories are never learned, so they are not shown.')),
      h('details', {}, h('summary', {}, 'Show as a table'), interestTable(summary.interests)),
      storedFacts(summary),
    );
    if (summary.notices.length > 0) {
      parts.push(h('ul', { class: 'notices' }, summary.notices.map((n) => h('li', {}, n.message))));
    }
  } else {
    parts.push(h('p', { class: 'hint' },
      `${summary.totalEvents} events, ${formatBytes(summary.bytesStored)}, kept in this browser only.`));
  }
  parts.push(...actions(section, ctx));
  if (ctx.view !== 'data') section.setAttribute('aria-labelledby', ctx.id('data-title'));
  section.replaceChildren(...parts);
  if (focused) section.querySelector(`[data-action="${focused}"]`)?.focus();
}
