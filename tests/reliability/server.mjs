// A tiny static server for the browser tests: 127.0.0.1, a free port, only
// the files the test pages need (the built package and tests/reliability/
// pages/), the strict Content-Security-Policy ondevice promises to work
// under, and a log of every request. No dependencies.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Where /index.js and /pkg/ come from: this repository, or another build
 *  (ONDEVICE_PACKAGE_DIR), e.g. to show that a test fails on an older one. */
const PACKAGE = resolve(process.env.ONDEVICE_PACKAGE_DIR ?? REPO);
const PUBLIC = ['/index.js', '/pkg/', '/tests/reliability/pages/'];
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json' };

/** The policy of the issue, with the origin spelled out as well as 'self':
 *  a sandboxed frame has an opaque origin, which 'self' does not match. */
export function policy(origin) {
  return `default-src 'self' ${origin}; script-src 'self' ${origin} 'wasm-unsafe-eval'; connect-src 'none'`;
}

/** Resolves to { origin, requests, close }. */
export function serve() {
  const requests = [];
  let origin = '';
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    requests.push(`${req.method} ${url.pathname}`);
    const path = decodeURIComponent(url.pathname);
    const root = path === '/index.js' || path.startsWith('/pkg/') ? PACKAGE : REPO;
    const file = resolve(root, `.${path}`);
    const allowed = req.method === 'GET' && PUBLIC.some((p) => path === p || (p.endsWith('/') && path.startsWith(p)))
      && file.startsWith(root + sep) && !path.includes('..');
    try {
      if (!allowed || !(await stat(file)).isFile()) throw new Error('not public');
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-security-policy': policy(origin),
        // Module scripts of a sandboxed (opaque-origin) frame are CORS requests.
        'access-control-allow-origin': '*',
        'cache-control': 'no-store',
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((done, fail) => {
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      origin = `http://127.0.0.1:${server.address().port}`;
      done({ origin, requests, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

export { join };
