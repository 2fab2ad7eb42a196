#!/usr/bin/env node
// Serves the demo: the repository root as static files on 127.0.0.1 only, so
// that /www/ pages can import the package exactly as built (/index.js,
// /pkg/..., /panel/...). No dependencies.
//
//   node scripts/serve.mjs [--port 8080]      # --port 0 picks a free port
//   node scripts/serve.mjs --data DIR         # serve /www/data/ from DIR (tests)
//
// Every response carries the Content-Security-Policy the demo must work
// under: no inline scripts, wasm allowed, and no fetch/XHR/WebSocket at all.

import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HOST = '127.0.0.1';

export const CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'none'";

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

// Only what the demo pages load. The repository also holds MovieLens under
// data/ and build output under target/; neither is anyone's business here.
const PUBLIC_PREFIXES = ['/www/', '/panel/', '/pkg/'];
const PUBLIC_FILES = new Set(['/index.js', '/index.d.ts', '/package.json']);

function parseArgs(argv) {
  const options = { port: Number(process.env.PORT ?? 8080), data: process.env.ONDEVICE_DEMO_DATA ?? null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--port') options.port = Number(value());
    else if (arg === '--data') options.data = resolve(value());
    else if (arg === '--help' || arg === '-h') options.help = true;
    else throw new Error(`unknown argument ${JSON.stringify(arg)}; known: --port N, --data DIR`);
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new Error(`--port: ${options.port} is not a port; allowed: a whole number from 0 to 65535`);
  }
  return options;
}

/** Maps a URL path to a file, or null when it is not public. */
function fileFor(urlPath, dataDir) {
  let path;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.split('/').some((part) => part.startsWith('.'))) return null;
  if (path === '/www' || path.endsWith('/')) path += 'index.html';
  if (dataDir && path.startsWith('/www/data/')) {
    return inside(dataDir, path.slice('/www/data/'.length));
  }
  if (!PUBLIC_FILES.has(path) && !PUBLIC_PREFIXES.some((prefix) => path.startsWith(prefix))) return null;
  return inside(ROOT, path.slice(1));
}

function inside(base, relative) {
  const file = resolve(base, relative);
  return file === base || file.startsWith(base + sep) ? file : null;
}

function send(res, status, text, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(text);
}

export function startServer({ port = 0, data = null } = {}) {
  const server = createServer(async (req, res) => {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-cache');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 405, 'only GET and HEAD\n', { Allow: 'GET, HEAD' });
    }
    const url = new URL(req.url, `http://${HOST}`);
    if (url.pathname === '/') return send(res, 302, 'see /www/\n', { Location: '/www/' });
    const file = fileFor(url.pathname, data);
    if (file === null) return send(res, 404, 'not found\n');
    let info;
    try {
      info = await stat(file);
    } catch {
      return send(res, 404, 'not found\n');
    }
    if (info.isDirectory()) return send(res, 302, 'see the directory\n', { Location: `${url.pathname}/` });
    res.writeHead(200, {
      'Content-Type': MIME_TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': info.size,
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      const { port: actual } = server.address();
      resolvePromise({ server, url: `http://${HOST}:${actual}/www/` });
    });
  });
}

async function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`serve: ${e.message}`);
    process.exit(2);
  }
  if (options.help) {
    console.log('usage: node scripts/serve.mjs [--port N] [--data DIR]');
    return;
  }
  try {
    const { url } = await startServer(options);
    console.log(`ondevice demo: ${url}`);
    if (options.data) console.log(`serve: /www/data/ comes from ${options.data}`);
    console.log('serve: listening on 127.0.0.1 only; Ctrl-C stops it');
  } catch (e) {
    const hint = e.code === 'EADDRINUSE' ? ` (port ${options.port} is taken; try --port 0 for a free one)` : '';
    console.error(`serve: ${e.message}${hint}`);
    process.exit(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
