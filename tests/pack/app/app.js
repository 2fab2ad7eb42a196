// The React app, rendered on the server (ssr.mjs) and hydrated in the
// browser (react-page/main.js); no JSX, so no compiler plugin is needed.
import { createElement as h } from 'react';
import { useRanking } from 'ondevice/react';

export function App({ p, at }) {
  const top = useRanking(p, { limit: 5, at });
  return h('ol', { id: 'list' }, top.map((r) => h('li', { key: r.id, 'data-id': r.id }, r.id)));
}
