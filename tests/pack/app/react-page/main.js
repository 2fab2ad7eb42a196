import init, { Personalizer } from 'ondevice';
import 'ondevice/panel';
import { createElement as h } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { App } from '../app.js';
import catalogue from '../catalogue.js';

init().then(() => {
  const p = new Personalizer({ profile: 'stacks', storage: 'local' });
  p.loadCatalogue(catalogue);
  globalThis.ondevicePersonalizer = p; // for the test's "other tab"
  const root = document.getElementById('root');
  hydrateRoot(root, h(App, { p, at: Number(root.dataset.at) }), {
    onRecoverableError: (e) => console.error(`hydration: ${e.message}`),
  });
  document.querySelector('ondevice-preferences').personalizer = p;
});
