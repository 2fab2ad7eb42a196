// Copied verbatim by `tests/pack/run.mjs` into the temporary project where the
// packed tarball, Vite, esbuild and React are installed (issue 14):
//
// - `panel-page/`: a page importing `ondevice` and `ondevice/panel` (a bare
//   side-effect import, as sites write it), built with Vite and with esbuild.
// - `react-page/` + `app.js` + `ssr.mjs`: a React app; `ssr.mjs` renders
//   `app.js` in Node (`renderToString`) into the built page, which hydrates it.
//
// The panel page: a list ranked by the packed ondevice, re-ranked from
// `onChange` (no panel.refresh(), no wiring to the panel), and the panel.
export async function panelPage(init, Personalizer, catalogue) {
  const out = document.getElementById('out');
  try {
    await init();
    const p = new Personalizer({ profile: 'stacks', storage: 'local' });
    p.loadCatalogue(catalogue);
    const list = document.getElementById('list');
    const render = () => list.replaceChildren(...p.rank({ limit: 5 }).map((r) => {
      const li = document.createElement('li');
      li.dataset.id = r.id;
      li.textContent = r.id;
      return li;
    }));
    render();
    p.onChange(render);
    document.querySelector('ondevice-preferences').personalizer = p;
    out.textContent = JSON.stringify({ defined: Boolean(customElements.get('ondevice-preferences')) });
    out.dataset.state = 'done';
  } catch (e) {
    out.textContent = String((e && e.stack) || e);
    out.dataset.state = 'error';
  }
}
