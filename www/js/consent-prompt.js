// The first-visit question: may the site use what you view? Until the answer
// is yes, ondevice records nothing (and the lists are the site's own order).
//
// "Not now" is remembered under a key of the site's own, so the question is
// not asked on every page; it holds no personal data, and "Delete
// everything" removes it too so that a fresh start asks again.

import { h } from '../../panel/create-element.js';

const ANSWER_KEY = 'ondevice-demo:consent-prompt';

function answered() {
  try {
    return localStorage.getItem(ANSWER_KEY) === 'not-now';
  } catch {
    return false; // storage disabled: asking again is the safe side
  }
}

function rememberNotNow() {
  try {
    localStorage.setItem(ANSWER_KEY, 'not-now');
  } catch {
    // Storage disabled or full: the prompt simply shows again next time.
  }
}

export function forgetPromptAnswer() {
  try {
    localStorage.removeItem(ANSWER_KEY);
  } catch {
    // Nothing was stored.
  }
}

// The prompt's buttons vanish with it; focus goes to the page's heading
// (tabindex="-1") instead of being dropped on <body>.
function focusHeading() {
  document.querySelector('main h1')?.focus();
}

/** Shows or hides the prompt in #consent according to the stored answer. */
export function showConsentPrompt(site) {
  const box = document.getElementById('consent');
  if (!box) return;
  const ask = !site.hasConsent() && !answered();
  if (!ask) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  if (!box.hidden && box.childElementCount > 0) return;
  const days = site.p.preferences().retentionDays;
  const allow = h('button', { type: 'button', class: 'primary' }, 'Allow');
  const notNow = h('button', { type: 'button', class: 'secondary' }, 'Not now');
  box.replaceChildren(
    h('h2', { id: 'consent-title' }, 'Suggestions from what you view?'),
    h('p', {},
      `If you allow it, this site remembers which films you open, in this browser only, for ${days} days, `
      + 'and uses that to order films for you. Nothing is sent anywhere. '
      + 'You can see, export or delete it at any time under “Your data”.'),
    h('p', { class: 'muted' }, 'Until then nothing is recorded and you see the site’s own order.'),
    h('div', { class: 'actions' }, allow, notNow),
  );
  box.setAttribute('aria-labelledby', 'consent-title');
  box.hidden = false;
  allow.addEventListener('click', () => {
    site.p.setPreferences({ historyConsent: true }); // re-renders through p.onChange
    site.say('Thank you. What you view is now kept in this browser to order films for you.');
    focusHeading();
  });
  notNow.addEventListener('click', () => {
    rememberNotNow();
    site.say('Nothing will be recorded. You can change this in Preferences.');
    site.rerender('consent');
    focusHeading();
  });
}
