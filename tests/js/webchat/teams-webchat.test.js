// End to end through real client software: Microsoft's Web Chat (botframework-webchat dist/webchat.js,
// served locally) in headless Chromium, talking Direct Line to offline-directline's router, which posts
// activities to the real crmbot process at /api/messages and receives its replies on the Connector API.
// The bot runs in local mode (no app id), as the Emulator and offline-directline expect (harness-notes.md).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import express from 'express';
import { chromium } from 'playwright-core';
import { startBot, freePort, repoRoot, artifacts } from '../support/bot.js';

const require = createRequire(import.meta.url);
const { getRouter } = require('offline-directline');
const run = promisify(execFile);

const here = dirname(fileURLToPath(import.meta.url));
const botDll = join(repoRoot, 'src', 'CrmBot.Web', 'bin', 'Release', 'net10.0', 'crmbot.dll');
const screenshots = join(artifacts, 'screenshots');
const webchatJs = join(here, '..', 'node_modules', 'botframework-webchat', 'dist', 'webchat.js'); // not in the package's exports
const webChatUserId = '29:webchat-user';

let bot, directLine, browser, workDir, botEnv;
let chatUrl;
// The rep the Web Chat user is linked to, and the stale deals `crmbot ask` lists for them (independent of the chat path).
let rep, staleDealNames;

const page = (directLineDomain) => `<!doctype html>
<html><head><meta charset="utf-8"><title>CrmBot Web Chat</title>
<style>html,body,#webchat{height:100%;margin:0}</style></head>
<body><div id="webchat" role="main"></div>
<script src="/webchat.js"></script>
<script>
  // Web Chat drops a message sent before its Direct Line conversation is up (its send saga runs only while
  // connected), and the input shows before that: the page says when it is connected, and tests wait for it.
  const store = window.WebChat.createStore({}, () => next => action => {
    if (action.type === 'DIRECT_LINE/CONNECT_FULFILLED') window.webChatConnected = true;
    return next(action);
  });
  window.WebChat.renderWebChat({
    directLine: window.WebChat.createDirectLine({ domain: ${JSON.stringify(directLineDomain)}, webSocket: false, pollingInterval: 500 }),
    store,
    userID: ${JSON.stringify(webChatUserId)}, username: 'Ada', locale: 'en-US'
  }, document.getElementById('webchat'));
</script></body></html>`;

/** `crmbot <args>` against the running bot's database (same connection string, as an admin would run it). */
const crmbot = async (...args) => (await run('dotnet', [botDll, ...args], { env: { ...process.env, ...botEnv }, timeout: 120_000 })).stdout;

/** The first English-speaking rep with stale deals, and those deals' names as `crmbot ask --json` reports them. */
async function repWithStaleDeals() {
  const users = await (await fetch(`${bot.url}/playground/api/users`)).json();
  for (const user of users.filter(u => u.role === 'Rep' && u.language === 'en')) {
    const report = JSON.parse(await crmbot('ask', 'my stale deals', '--as', user.email, '--json'));
    const rows = report.tables?.[0]?.rows ?? [];
    if (rows.length > 0) return { user, names: rows.map(r => r.record.name) };
  }
  throw new Error('no English-speaking demo rep has stale deals');
}

// Hooks have no time limit of their own in node:test; a hung start-up or shutdown must fail, not hang.
before(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'crmbot-webchat-'));
  mkdirSync(screenshots, { recursive: true });
  botEnv = {
    Database__ConnectionString: `Data Source=${join(workDir, 'crmbot.db')}`,
    Teams__MicrosoftAppId: '',
    DOTNET_NOLOGO: '1',
  };
  bot = await startBot(botEnv);

  ({ user: rep, names: staleDealNames } = await repWithStaleDeals());
  // Web Chat has no e-mail to link by: the admin links its user id (workspace "emulator") to the rep.
  const linked = await crmbot('link', 'teams', webChatUserId, rep.email);
  assert.match(linked, /Linked/);

  // offline-directline's own start-up listens on every interface and never stops a timer:
  // mount its router on our own express app bound to 127.0.0.1 instead.
  const chatPort = await freePort();
  chatUrl = `http://127.0.0.1:${chatPort}`;
  const app = express();
  app.get('/', (_req, res) => res.type('html').send(page(`${chatUrl}/directline`)));
  app.get('/webchat.js', (_req, res) => res.sendFile(webchatJs));
  app.use(getRouter(chatUrl, `${bot.url}/api/messages`));
  await new Promise(resolve => { directLine = app.listen(chatPort, '127.0.0.1', resolve); });

  // playwright gives every launch a fresh profile directory of its own (it refuses --user-data-dir here).
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}, { timeout: 300_000 });

after(async () => {
  await browser?.close();
  await new Promise(resolve => directLine ? directLine.close(resolve) : resolve());
  if (bot) {
    writeFileSync(join(artifacts, 'teams-webchat-bot.log'), bot.output()); // the bot's own log, for failures
    await bot.stop();
  }
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}, { timeout: 60_000 });

async function openChat() {
  const tab = await browser.newPage({ viewport: { width: 900, height: 900 } });
  await tab.goto(chatUrl);
  const input = tab.locator('[data-id="webchat-sendbox-input"]');
  await input.waitFor({ timeout: 30_000 });
  await tab.waitForFunction(() => window.webChatConnected === true, null, { timeout: 60_000 });
  return { tab, input };
}

/** Runs a test in a fresh chat tab; a failure leaves a screenshot of what the user saw, for CI to keep. */
async function inChat(name, body) {
  const { tab, input } = await openChat();
  try {
    await body(tab, input);
  } catch (error) {
    await tab.screenshot({ path: join(screenshots, `teams-webchat-${name}-failed.png`), fullPage: true }).catch(() => {});
    throw error;
  } finally {
    await tab.close();
  }
}

const cardTexts = tab => tab.locator('.ac-adaptiveCard').allInnerTexts();

test('"my stale deals" typed in Web Chat is answered with a card listing the linked rep\'s stale deals', { timeout: 180_000 }, () => inChat('reply', async (tab, input) => {
  await input.fill('my stale deals');
  await input.press('Enter');

  const card = tab.locator('.ac-adaptiveCard').first();
  await card.waitFor({ timeout: 90_000 }); // generous: the test machine is shared and slow
  await tab.screenshot({ path: join(screenshots, 'teams-webchat-reply.png'), fullPage: true });

  // Rendered by Web Chat's own Adaptive Cards renderer; the deals are the ones `crmbot ask` lists for the rep.
  const text = await card.innerText();
  for (const name of staleDealNames.slice(0, 3))
    assert.ok(text.includes(name), `the card does not list stale deal "${name}":\n${text}`);
}));

test('clicking "Snooze 7 days" on a stale deal answers with a card confirming the snooze', { timeout: 180_000 }, () => inChat('button', async (tab, input) => {
  await input.fill('my stale deals');
  await input.press('Enter');
  const button = tab.locator('.ac-adaptiveCard').first().getByRole('button', { name: 'Snooze 7 days' }).first();
  await button.waitFor({ timeout: 90_000 });
  const cardsBefore = await tab.locator('.ac-adaptiveCard').count();
  await button.click();
  // offline-directline cannot update a card (PUT → 404), so the bot answers with a new card.
  await tab.waitForFunction(n => document.querySelectorAll('.ac-adaptiveCard').length > n, cardsBefore, { timeout: 60_000 });
  await tab.screenshot({ path: join(screenshots, 'teams-webchat-button.png'), fullPage: true });

  // The first row's button snoozes the first deal the report lists; the answer names it.
  const texts = await cardTexts(tab);
  const followUp = texts[texts.length - 1];
  assert.ok(followUp.includes(staleDealNames[0]), `the follow-up does not name "${staleDealNames[0]}":\n${followUp}`);
  assert.match(followUp, /remind you/);
}));

test('"Log call" opens a notes form in the card; Save logs the call and a card confirms it', { timeout: 180_000 }, () => inChat('log-call', async (tab, input) => {
  await input.fill('my stale deals');
  await input.press('Enter');
  const card = tab.locator('.ac-adaptiveCard').first();
  const logCall = card.getByRole('button', { name: 'Log call', exact: true }).first();
  await logCall.waitFor({ timeout: 90_000 });
  await logCall.click();
  // The form (an Action.ShowCard) opens inside the card: a notes box and its Save button.
  const notes = card.locator('textarea').first();
  await notes.waitFor({ timeout: 10_000 });
  await notes.fill('talked pricing with the champion');
  const cardsBefore = await tab.locator('.ac-adaptiveCard').count();
  await card.getByRole('button', { name: 'Save' }).first().click();
  await tab.waitForFunction(n => document.querySelectorAll('.ac-adaptiveCard').length > n, cardsBefore, { timeout: 60_000 });
  await tab.screenshot({ path: join(screenshots, 'teams-webchat-log-call.png'), fullPage: true });

  const texts = await cardTexts(tab);
  const followUp = texts[texts.length - 1];
  assert.ok(followUp.includes(staleDealNames[0]), `the follow-up does not name "${staleDealNames[0]}":\n${followUp}`);
  assert.match(followUp, /Logged a call/);
}));
