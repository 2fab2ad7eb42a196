// Types of `ondevice/panel`: the <ondevice-preferences> custom element.
// Importing the module defines the element (once) where `customElements`
// exists; on a server (Node) the import is safe and defines nothing.

import type { Personalizer, Preferences } from '../index.js';

/** Why the panel dispatched `change`. */
export type PreferencesChangeCause = 'preferences' | 'import' | 'forget';

export interface PreferencesChangeDetail {
  cause: PreferencesChangeCause;
  /** The preferences as stored after the change. */
  preferences: Preferences;
}

/**
 * The person's controls over ondevice: personalization on/off and strength,
 * a less/more slider and "Hide" per category, sensitive categories apart and
 * off by default, variety, frequency cap, history consent and retention, and
 * "Your data" (interest chart, stored counts, export, import, delete).
 *
 * @example
 * ```js
 * import 'ondevice/panel';
 * const panel = document.querySelector('ondevice-preferences');
 * panel.personalizer = p;              // after p.loadCatalogue(...)
 * // The panel follows p.onChange itself; the page re-ranks on it too:
 * p.onChange(() => render(p.rank({ limit: 20 })));
 * ```
 */
export class OndevicePreferencesElement extends HTMLElement {
  /** The personalizer to show and change; set it after `loadCatalogue`. */
  personalizer: Personalizer | null;
  /** Reflects the `view` attribute: everything, only the settings, or only "Your data". */
  view: 'all' | 'settings' | 'data';
  /** Re-reads preferences and stored data. The panel does this itself on
   *  every `personalizer.onChange`; calling it is never needed, and harmless. */
  refresh(): void;
  addEventListener<K extends keyof OndevicePreferencesEventMap>(
    type: K,
    listener: (this: OndevicePreferencesElement, ev: OndevicePreferencesEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
}

export interface OndevicePreferencesEventMap extends HTMLElementEventMap {
  /** After every change the panel wrote: re-rank what the page shows. */
  change: CustomEvent<PreferencesChangeDetail>;
}

declare global {
  interface HTMLElementTagNameMap {
    'ondevice-preferences': OndevicePreferencesElement;
  }
}
