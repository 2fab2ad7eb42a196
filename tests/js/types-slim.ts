// Compiled, not run: ondevice/slim's declarations (see types.ts).
import init, { initSync, Personalizer } from 'ondevice/slim';
import type { RankedItem, SlimInitOptions } from 'ondevice/slim';

declare const bytes: Uint8Array<ArrayBuffer>;
declare const response: Response;
await init({ module: fetch('/assets/ondevice.wasm') });
await init({ module: response });
await init({ module: new WebAssembly.Module(bytes) });
await init({ module: bytes });
await init({ module: bytes.buffer as ArrayBuffer });
initSync({ module: bytes });
const options: SlimInitOptions = { module: response };
await init(options);
const top: RankedItem[] = new Personalizer({ storage: 'memory' }).rank({ limit: 3 });
export { top };

// @ts-expect-error: the module is required (the package never fetches it itself)
await init();
// @ts-expect-error: so is `module`
await init({});
// (A URL string or a Response given to initSync type-checks: TypeScript's
// WebAssembly.Module is an empty interface that every value matches. Both
// are refused at run time with a TypeError; tests/js/slim.test.mjs.)
