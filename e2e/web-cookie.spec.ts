// The web-mode cookie stays with its own server: real `photobind serve`, real Chromium, and a second
// local web service on another port that records every Cookie header it receives.
// See [Note: web mode security] in main/core/web/web-security.ts.
import http from 'node:http';
import { expect, test } from '@playwright/test';
import { rawGet } from './support/http-probe.ts';
import { startPhotobindServer, type PhotobindServer } from './support/photobind-server.ts';

let server: PhotobindServer;
let other: http.Server;
let otherPort = 0;
const seenByOther: string[] = [];

test.beforeAll(async () => {
  server = await startPhotobindServer({ demoCount: 4 });
  other = http.createServer((request, response) => {
    seenByOther.push(request.headers.cookie ?? '');
    response.writeHead(200, { 'Content-Type': 'text/html' });
    response.end('<!doctype html><title>another local service</title><img src="/pixel.png">');
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  otherPort = (other.address() as { port: number }).port;
});

test.afterAll(async () => {
  await new Promise((resolve) => other?.close(resolve));
  await server?.stop();
});

test('the session cookie is never sent to another service on localhost, and works only in its own browser page', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url);
  await expect(page).toHaveURL(new RegExp(`^${server.origin}/s/[\\w-]+/$`));
  // The app connected its API over the WebSocket (first run screen comes from the API).
  await expect(page.getByRole('heading', { name: 'Find any photo by describing it' })).toBeVisible();
  const cookies = await context.cookies();
  const ours = cookies.find((cookie) => cookie.name === `photobind_${server.port}`);
  expect(ours?.httpOnly).toBe(true);
  expect(ours?.value).not.toBe(server.secret);

  // The user visits another local web service in the same browser, on both loopback names.
  for (const host of ['127.0.0.1', 'localhost']) {
    await page.goto(`http://${host}:${otherPort}/`);
    await page.goto(`http://${host}:${otherPort}/s/elsewhere/`);
  }
  expect(seenByOther.length).toBeGreaterThanOrEqual(4);
  expect(seenByOther.filter((cookie) => cookie.includes('photobind'))).toEqual([]);

  // The cookie value is not the secret: it is no bearer token (it still loads pages and pixels, as it must).
  expect((await rawGet(server.port, '/', { 'X-Photobind-Token': ours!.value })).status).toBe(401);
  expect((await rawGet(server.port, '/', { Cookie: `photobind_${server.port}=${ours!.value}` })).status).toBe(200);
  await context.close();
});
