// ondevice/slim as README shows it: the module is a hashed asset that the
// site fetches itself and passes as a Response (streaming compile).
import init, { Personalizer } from 'ondevice/slim';
import wasmUrl from 'ondevice/ondevice.wasm?url';
import { show } from '../scenario.js';
import catalogue from '../catalogue.js';

show(() => init({ module: fetch(wasmUrl) }), Personalizer, catalogue);
