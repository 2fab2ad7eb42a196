// "Preferences" and "Your data": the page is the panel. Everything they need
// (loading, the consent prompt, re-rendering on change) is in site.js; the
// panel element itself decides what it shows from its `view` attribute.

import { start } from './site.js';

start();
