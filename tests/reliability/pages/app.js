// Loads the built package as a site does and hands it to the test driver.
import init, { Personalizer } from '/index.js';
import catalogue from './catalogue.js';

window.ondeviceChanges = 0;
window.cspViolations = window.cspViolations ?? [];
await init();
window.ondevice = { Personalizer, catalogue };
document.documentElement.dataset.ready = 'yes';
