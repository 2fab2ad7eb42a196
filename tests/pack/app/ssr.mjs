// Server rendering in Node, as a framework would: imports the package, the
// panel and the React bindings, renders the site order (no profile) and
// writes it into the built page.  node ssr.mjs <page.html> <at>
import { readFileSync, writeFileSync } from 'node:fs';
import init, { Personalizer } from 'ondevice';
import 'ondevice/panel';
import { createElement as h } from 'react';
import { renderToString } from 'react-dom/server';
import { App } from './app.js';
import catalogue from './catalogue.js';

const [page, at] = process.argv.slice(2);
await init();
const p = new Personalizer({ storage: 'memory' });
p.loadCatalogue(catalogue);
const html = renderToString(h(App, { p, at: Number(at) }));
const text = readFileSync(page, 'utf8');
if (!text.includes('@@SSR@@')) throw new Error(`${page} has no @@SSR@@ placeholder`);
writeFileSync(page, text.replace('@@SSR@@', html).replace('@@AT@@', at));
process.stdout.write(JSON.stringify({ html, siteOrder: p.siteOrder({ limit: 5, at: Number(at) }).map((r) => r.id) }));
