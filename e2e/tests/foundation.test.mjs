// Foundation flow: login, people search, person page with an eligibility verdict, unit page, phone layout,
// diacritic-insensitive unit search, and authorisation (403) in a real browser.
//
// Run: cd e2e && npm ci && TDKT_BIN=../target/debug/tdkt npm test
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launch, shot } from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

const PASSWORD = 'tdkt-demo-2026';
const LAPTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };
const TIMEOUT = 60_000; // per browser action; a debug build can be slow

let server;
let browser;
let context;
let page;
const pageErrors = [];
let anyFailed = false;
let setupError = null; // reported by the first step rather than as a cancelled suite
let setupErrorReported = false;

// Shared state between the steps (each step needs the previous ones).
const state = { loggedIn: false, searchRow: null, personUrl: null, unitUrl: null };

/** A test step that screenshots the page as FAIL-<name> when it fails. */
function step(name, fn) {
  test(name, { timeout: 5 * TIMEOUT }, async () => {
    if (setupError) {
      anyFailed = true;
      if (setupErrorReported) throw new Error('skipped: setup failed (see the first failure)');
      setupErrorReported = true;
      throw setupError;
    }
    try {
      await fn();
    } catch (err) {
      anyFailed = true;
      if (page) {
        const file = await shot(page, `FAIL-${name.replace(/[^\w-]+/g, '_').slice(0, 60)}`).catch(() => null);
        if (file) err.message += `\n  page url: ${page.url()}\n  screenshot: ${file}`;
      }
      throw err;
    }
  });
}

function need(key, stepNo) {
  if (!state[key]) throw new Error(`skipped: needs ${key} from step ${stepNo}, which did not succeed`);
  return state[key];
}

async function login(username, password) {
  await page.goto(`${server.url}/login`);
  const form = page.locator('form:has(input[name=username])');
  await form.locator('input[name=username]').fill(username);
  await form.locator('input[name=password]').fill(password);
  await form.locator('button[type=submit]').click();
}

async function bodyText() {
  return (await page.locator('body').innerText()).normalize('NFC');
}

describe('foundation flow', () => {
  before(async () => {
    try {
      server = await startServer({ demo: true });
      browser = await launch();
      context = await browser.newContext({ viewport: LAPTOP, locale: 'vi-VN' });
      context.setDefaultTimeout(TIMEOUT);
      context.setDefaultNavigationTimeout(TIMEOUT);
      page = await context.newPage();
      page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`));
    } catch (err) {
      setupError = err;
    }
  }, { timeout: 180_000 });

  after(async () => {
    if (anyFailed && server) {
      const log = server.logs();
      console.error(`----- tdkt server output (last 8000 chars) -----\n${log.slice(-8000)}\n-----`);
    }
    await context?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  step('login page rejects a wrong password', async () => {
    await login('chuyenvien', 'not-the-password');
    await page.getByText('Sai tên đăng nhập hoặc mật khẩu').first().waitFor();
    assert.notEqual(new URL(page.url()).pathname, '/', 'a wrong password must not reach the dashboard');
    assert.equal(await page.locator('input[name=username]').count(), 1, 'the login form is shown again');
  });

  step('1. login as chuyenvien lands on the dashboard', async () => {
    await page.setViewportSize(LAPTOP);
    await login('chuyenvien', PASSWORD);
    await page.waitForURL((u) => u.pathname === '/');
    await page.locator('h1.page-title', { hasText: 'Bảng điều khiển' }).waitFor();
    state.loggedIn = true;
    await shot(page, '01-dashboard');
  });

  step('2. people search ignores diacritics', async () => {
    need('loggedIn', 1);
    await page.goto(`${server.url}/people`);
    const q = page.locator('input[name=q]').first();
    await q.fill('nguyen thi huong');
    await q.press('Enter');
    const row = page.locator('table.data tbody tr', { hasText: 'Nguyễn Thị Hường' }).first();
    await row.waitFor();
    state.searchRow = true;
    await shot(page, '02-search');
  });

  step('3. person page links to the unit', async () => {
    need('searchRow', 2);
    const row = page.locator('table.data tbody tr', { hasText: 'Nguyễn Thị Hường' }).first();
    await row.locator('a.person-link').first().click();
    await page.locator('h1.page-title', { hasText: 'Nguyễn Thị Hường' }).waitFor();
    const unitLink = page.locator('a.unit-link').first();
    await unitLink.waitFor();
    assert.match((await unitLink.innerText()).normalize('NFC'), /Sở Nội vụ/);
    state.personUrl = page.url();
    await shot(page, '03-person');
  });

  step('3b. person page judges an award with its articles', async () => {
    need('personUrl', 3);
    await page.locator('h2', { hasText: 'Quá trình thi đua, khen thưởng' }).waitFor();
    await page.selectOption('form.inline-form select[name=award]', 'BK_TINH');
    await page.selectOption('form.inline-form select[name=year]', '2025');
    await page.locator('form.inline-form button[type=submit]').click();
    const verdict = page.locator('#verdict p.verdict');
    await verdict.waitFor();
    assert.match((await verdict.innerText()).normalize('NFC'), /điều kiện/);
    const conditions = page.locator('#verdict ul.conditions li');
    assert.ok((await conditions.count()) > 3, 'every route lists its conditions');
    assert.match((await conditions.first().innerText()).normalize('NFC'), /Căn cứ: Điều 74/);
    assert.match(page.url(), /award=BK_TINH/, 'the verdict has its own address');
    await shot(page, '03b-eligibility');
  });

  step('3c. bulk eligibility lists who qualifies, by unit', async () => {
    await page.goto(`${server.url}/eligible`);
    await page.locator('h1.page-title', { hasText: 'hàng loạt' }).waitFor();
    await page.selectOption('form.filters select[name=award]', 'BK_TINH');
    await page.selectOption('form.filters select[name=year]', '2025');
    await page.locator('form.filters button[type=submit]').click();
    const stat = page.locator('#results .stat .value').first();
    await stat.waitFor();
    const eligible = Number((await stat.innerText()).replace(/\./g, ''));
    assert.ok(eligible > 0, 'someone in the demo province qualifies');
    assert.ok((await page.locator('#results table.data').first().locator('tbody tr').count()) > 0, 'units are listed');
    assert.match(page.url(), /award=BK_TINH/, 'the result has its own address');
    await shot(page, '03c-bulk-eligibility');
    // A name leads to that person's verdict, condition by condition.
    await page.locator('#results a.person-link').first().click();
    await page.locator('#verdict p.verdict').waitFor();
    assert.match((await page.locator('#verdict p.verdict').innerText()).normalize('NFC'), /Đủ điều kiện/);
    await page.goto(need('personUrl', 3));
  });

  step('4. unit page lists its staff', async () => {
    need('personUrl', 3);
    await page.locator('a.unit-link').first().click();
    await page.locator('h1.page-title', { hasText: 'Sở Nội vụ' }).waitFor();
    await page.locator('table.data tbody tr').first().waitFor();
    assert.ok((await page.locator('table.data tbody tr').count()) > 0, 'the unit page lists staff rows');
    state.unitUrl = page.url();
    await shot(page, '04-unit');
  });

  step('4b. unit page judges the unit as a collective', async () => {
    const unitUrl = need('unitUrl', 4);
    await page.goto(unitUrl);
    await page.selectOption('form.inline-form select[name=award]', 'TTLDTT');
    await page.selectOption('form.inline-form select[name=year]', '2025');
    await page.locator('form.inline-form button[type=submit]').click();
    await page.locator('#unit-verdict p.verdict').waitFor();
    assert.match((await page.locator('#unit-verdict').innerText()).normalize('NFC'), /Số liệu thành viên năm 2025/);
    assert.ok((await page.locator('#unit-verdict ul.conditions li').count()) > 2, 'the conditions are listed');
    await shot(page, '04b-unit-verdict');
    await page.goto(unitUrl);
  });

  step('4c. the rules page shows parameters the law leaves open', async () => {
    await page.goto(`${server.url}/rules`);
    await page.locator('h1.page-title', { hasText: 'tham số' }).waitFor();
    assert.match((await page.locator('#params').innerText()).normalize('NFC'), /chưa thấy trong văn bản hiện hành/);
    await shot(page, '04c-rules');
    await page.goto(need('unitUrl', 4));
  });

  step('5. unit page fits a phone screen', async () => {
    const unitUrl = need('unitUrl', 4);
    await page.setViewportSize(PHONE);
    if (page.url() === unitUrl) await page.reload();
    else await page.goto(unitUrl);
    await page.locator('h1.page-title', { hasText: 'Sở Nội vụ' }).waitFor();
    await shot(page, '05-unit-phone');
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    assert.ok(
      scrollWidth <= innerWidth + 1,
      `document overflows horizontally at ${PHONE.width}px: scrollWidth ${scrollWidth} > innerWidth ${innerWidth}`,
    );
  });

  step('6. unit search ignores diacritics', async () => {
    need('loggedIn', 1);
    await page.setViewportSize(LAPTOP);
    await page.goto(`${server.url}/units?q=${encodeURIComponent('dien bien')}`);
    await page.locator('table.data tbody tr', { hasText: 'Điện Biên' }).first().waitFor();
    await shot(page, '06-units');
  });

  step('7. a commune officer gets 403 on Sở Nội vụ', async () => {
    const unitUrl = need('unitUrl', 4);
    await page.setViewportSize(LAPTOP);
    await page.goto(`${server.url}/`);
    await page.locator('form[action="/logout"] button').first().click();
    await page.locator('input[name=username]').waitFor();
    state.loggedIn = false;

    await login('canbo.xa', PASSWORD);
    await page.waitForURL((u) => u.pathname === '/');
    const res = await page.goto(unitUrl);
    assert.ok(res, `no response for ${unitUrl}`);
    assert.equal(res.status(), 403, `expected 403 for ${unitUrl}, got ${res.status()}`);
    assert.match(await bodyText(), /Không có quyền/);
    await shot(page, '07-forbidden');
  });

  step('no uncaught JavaScript errors on any page', async () => {
    assert.deepEqual(pageErrors, []);
  });
});
