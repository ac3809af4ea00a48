// A browser flow: one server, one browser page, and steps that depend on each other.
//
//   const f = flow('dossier flow');            // inside describe(): registers before/after
//   f.step('1. ...', async () => { await f.login('canbo.so'); ... });
//
// A failing step screenshots the page as FAIL-<step>.png; a failed setup is reported by the
// first step; the server's output is printed when anything failed.
import { after, before, test } from 'node:test';
import { launch, shot } from './browser.mjs';
import { startServer } from './server.mjs';

export const PASSWORD = 'tdkt-demo-2026';
export const LAPTOP = { width: 1366, height: 900 };
export const PHONE = { width: 390, height: 844 };
export const TIMEOUT = 60_000; // per browser action; a debug build can be slow

export function flow() {
  const f = {
    server: null,
    browser: null,
    context: null,
    page: null,
    pageErrors: [],
    anyFailed: false,
    setupError: null,
    setupErrorReported: false,
    state: {},
  };

  before(async () => {
    try {
      f.server = await startServer({ demo: true });
      f.browser = await launch();
      f.context = await f.browser.newContext({ viewport: LAPTOP, locale: 'vi-VN' });
      f.context.setDefaultTimeout(TIMEOUT);
      f.context.setDefaultNavigationTimeout(TIMEOUT);
      f.page = await f.context.newPage();
      f.page.on('pageerror', (err) => f.pageErrors.push(`${f.page.url()}: ${err.message}`));
    } catch (err) {
      f.setupError = err;
    }
  }, { timeout: 180_000 });

  after(async () => {
    if (f.anyFailed && f.server) {
      const log = f.server.logs();
      console.error(`----- tdkt server output (last 8000 chars) -----\n${log.slice(-8000)}\n-----`);
    }
    await f.context?.close().catch(() => {});
    await f.browser?.close().catch(() => {});
    await f.server?.stop();
  });

  /** A test step that screenshots the page as FAIL-<name> when it fails. */
  f.step = (name, fn) => {
    test(name, { timeout: 5 * TIMEOUT }, async () => {
      if (f.setupError) {
        f.anyFailed = true;
        if (f.setupErrorReported) throw new Error('skipped: setup failed (see the first failure)');
        f.setupErrorReported = true;
        throw f.setupError;
      }
      try {
        await fn();
      } catch (err) {
        f.anyFailed = true;
        if (f.page) {
          const file = await shot(f.page, `FAIL-${name.replace(/[^\w-]+/g, '_').slice(0, 60)}`).catch(() => null);
          if (file) err.message += `\n  page url: ${f.page.url()}\n  screenshot: ${file}`;
        }
        throw err;
      }
    });
  };

  /** The value a previous step left in `state`, or a clear skip. */
  f.need = (key, stepNo) => {
    if (!f.state[key]) throw new Error(`skipped: needs ${key} from step ${stepNo}, which did not succeed`);
    return f.state[key];
  };

  f.login = async (username, password = PASSWORD) => {
    const page = f.page;
    await page.goto(`${f.server.url}/login`);
    const form = page.locator('form:has(input[name=username])');
    await form.locator('input[name=username]').fill(username);
    await form.locator('input[name=password]').fill(password);
    await form.locator('button[type=submit]').click();
  };

  f.logout = async () => {
    await f.page.locator('form[action="/logout"] button').first().click();
    await f.page.locator('input[name=username]').waitFor();
  };

  f.bodyText = async () => (await f.page.locator('body').innerText()).normalize('NFC');

  f.shot = (name) => shot(f.page, name);

  return f;
}
