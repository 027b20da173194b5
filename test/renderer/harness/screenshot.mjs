// Builds the harness with vite, serves it on 127.0.0.1 (any free port) and takes headless
// Chromium screenshots (Playwright driving /usr/bin/chromium) of each scene at the app's small window size.
// Usage: node test/renderer/harness/screenshot.mjs [outDir]
import { createReadStream, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { chromium } from '@playwright/test';
import { build } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), 'ui-harness-'));
const shotDir = resolve(process.argv[2] ?? join(outDir, 'shots'));
await build({ root: here, base: './', logLevel: 'warn', plugins: [react()], build: { outDir, emptyOutDir: true } });

const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wav': 'audio/wav' };
const server = createServer((req, res) => {
  const path = join(outDir, new URL(req.url ?? '/', 'http://x').pathname.replace(/\/$/, '/index.html'));
  if (!path.startsWith(outDir) || !existsSync(path)) return void res.writeHead(404).end();
  res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
  createReadStream(path).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const { port } = server.address();
mkdirSync(shotDir, { recursive: true });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--disable-background-networking'] });
try {
  const page = await browser.newPage({ viewport: { width: 400, height: 650 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  for (const scene of ['main', 'conference', 'failed', 'settings']) {
    await page.goto(`http://127.0.0.1:${port}/index.html?scene=${scene}`);
    await page.getByRole('status').waitFor();
    const file = join(shotDir, `${scene}.png`);
    await page.screenshot({ path: file });
    await page.screenshot({ path: join(shotDir, `${scene}-full.png`), fullPage: true });
    console.log(file);
  }
  if (problems.length) console.log('page problems:', problems.join('\n'));
} finally {
  await browser.close();
  server.close();
}
