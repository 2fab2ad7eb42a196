// What the test pages do with the packed ondevice, and the same run in Node
// for the expected result. Copied verbatim into the temporary projects.

/** Runs a small session and returns what the page shows. */
export function scenario(Personalizer, catalogue) {
  const p = new Personalizer({ profile: 'pack', storage: 'local' });
  const warnings = p.loadCatalogue(catalogue);
  p.setPreferences({ categories: { drama: 1 }, historyConsent: true });
  p.record({ itemId: 'm7', kind: 'like' });
  p.record({ itemId: 'm6', kind: 'view' });
  const ranked = p.rank({ limit: 5 });
  const onScreen = p.rank({ limit: 3, context: { itemId: 'm1' } });
  const summary = p.profileSummary();
  return { warnings, ranked, onScreen, persistent: summary.persistent, totalEvents: summary.totalEvents };
}

/** The page script: runs the scenario and writes it into <pre id="out">. */
export async function show(init, Personalizer, catalogue) {
  const out = document.getElementById('out');
  try {
    await init();
    out.textContent = JSON.stringify(scenario(Personalizer, catalogue));
    out.dataset.state = 'done';
  } catch (e) {
    out.textContent = String(e && e.stack || e);
    out.dataset.state = 'error';
  }
}

/** The panel page: loads the packed panel, gives it a personalizer and
 * writes how many controls it rendered into <pre id="out">. */
export async function showPanel(init, Personalizer, catalogue, loadPanel) {
  const out = document.getElementById('out');
  try {
    await init();
    await loadPanel();
    const panel = document.createElement('ondevice-preferences');
    const p = new Personalizer({ profile: 'panel', storage: 'memory' });
    p.loadCatalogue(catalogue);
    panel.personalizer = p;
    document.body.append(panel);
    await new Promise((r) => setTimeout(r, 50));
    const controls = panel.shadowRoot ? panel.shadowRoot.querySelectorAll('input, button').length : 0;
    out.textContent = JSON.stringify({ defined: Boolean(customElements.get('ondevice-preferences')), controls });
    out.dataset.state = 'done';
  } catch (e) {
    out.textContent = String(e && e.stack || e);
    out.dataset.state = 'error';
  }
}
