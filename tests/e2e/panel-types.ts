// Compiled with tsc --noEmit by panel-types.test.mjs: real uses of the
// hand-written panel declarations must type-check and misuses must not.

import init, { Personalizer } from '../../index.js';
import type { OndevicePreferencesElement, PreferencesChangeDetail } from '../../panel/ondevice-preferences.js';

await init();
const p = new Personalizer({ profile: 'types', storage: 'memory' });
const panel = document.createElement('ondevice-preferences');
const typed: OndevicePreferencesElement = panel;
typed.personalizer = p;
typed.personalizer = null;
typed.view = 'settings';
typed.refresh();
panel.addEventListener('change', (event) => {
  const detail: PreferencesChangeDetail = event.detail;
  const cause: 'preferences' | 'import' | 'forget' = detail.cause;
  const variety: number = detail.preferences.variety;
  void cause;
  void variety;
});

// @ts-expect-error: the view is one of three words
typed.view = 'everything';
// @ts-expect-error: a personalizer, not its options
typed.personalizer = { profile: 'x' };
// @ts-expect-error: refresh takes nothing
typed.refresh(p);
