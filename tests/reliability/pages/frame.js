// Runs inside a sandboxed frame (opaque origin): localStorage throws.
// Everything ondevice does must still work, in memory, and say so.
import init, { Personalizer } from '/index.js';
import catalogue from './catalogue.js';

const result = { errors: [] };
window.addEventListener('error', (e) => result.errors.push(`uncaught: ${e.message}`));
window.addEventListener('unhandledrejection', (e) => result.errors.push(`unhandled: ${e.reason}`));
try {
  void window.localStorage;
  result.storageError = null;
} catch (e) {
  result.storageError = e.name;
}
try {
  await init();
  const p = new Personalizer({ profile: 'default', storage: 'local' });
  p.loadCatalogue(catalogue);
  p.setPreferences({ historyConsent: true, categories: { comedy: 1 } });
  result.recorded = p.record({ itemId: 'm4', kind: 'like' });
  result.top = p.rank({ limit: 3 }).map((r) => r.id);
  result.preferences = p.preferences();
  const summary = p.profileSummary();
  result.persistent = summary.persistent;
  result.notices = summary.notices;
  result.totalEvents = summary.totalEvents;
  result.synced = p.sync();
  p.forget();
  result.afterForget = p.preferences().categories;
} catch (e) {
  result.errors.push(`${e.name}: ${e.message}`);
}
parent.postMessage(result, '*');
