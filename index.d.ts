export * from './pkg/ondevice.js';

/** Loads the wasm module. Idempotent: every call returns the same promise. */
export default function init(): Promise<void>;

/** Synchronous `init()` for workers and tests; a no-op once loaded. */
export function initSync(): void;
