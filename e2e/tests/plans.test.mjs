// Plans and key tasks: the office opens the province's 2026 plan (the Sơn La seed plan, loaded by
// the demo), reads the plan check and the progress chart, looks at the calendar, and imports the
// Lào Cai block plan by pasting its text (preview first, then save); a commune officer finds the
// tasks given to every unit on its own list and reports progress with a piece of evidence.
//
// Run: cd e2e && npm ci && TDKT_BIN=../target/debug/tdkt npm test
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'node:test';
import { flow } from '../lib/flow.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const LAO_CAI = readFileSync(path.join(ROOT, 'fixtures/plans/lao-cai-khoi-tmth-2024.txt'), 'utf8');
// The smallest PDF a file check accepts: the header is what is read.
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

describe('plans and key tasks', () => {
  const f = flow();
  const url = (p) => `${f.server.url}${p}`;

  f.step('1. the office reads the province plan: its check, its chart, its calendar', async () => {
    await f.login('chuyenvien');
    await f.page.waitForURL((u) => u.pathname === '/');
    await f.page.locator('nav.sidebar a', { hasText: 'Kế hoạch, nhiệm vụ trọng tâm' }).click();
    const row = f.page.locator('#plans tbody tr', { hasText: 'Triển khai công tác thi đua, khen thưởng năm 2026' });
    await row.locator('a').first().click();
    await f.page.locator('#progress-chart .stack-bar span').first().waitFor();
    const check = (await f.page.locator('#check').innerText()).normalize('NFC');
    assert.match(check, /thuộc năm 2025, ngoài năm 2026/, 'the slip of the seed appendix');
    assert.match(check, /không ghi thời gian/);
    assert.equal(await f.page.locator('table.tasks tbody tr').count(), 22);
    await f.shot('plans-01-plan');
    await f.page.locator('#calendar-link').click();
    await f.page.locator('#calendar .month').first().waitFor();
    assert.equal(await f.page.locator('#calendar .month').count(), 12);
    await f.shot('plans-02-calendar');
    f.state.ok = true;
  });

  f.step('2. the office imports a block plan by pasting its text: preview, then save', async () => {
    f.need('ok', 1);
    await f.page.goto(url('/plans'));
    await f.page.locator('#import-plan').click();
    await f.page.locator('#text').fill(LAO_CAI);
    await f.page.locator('#preview').click();
    await f.page.locator('#preview-result').waitFor();
    assert.equal((await f.page.locator('#task-count').innerText()).trim(), '19');
    assert.equal(await f.page.locator('#preview-tasks tbody tr').count(), 19);
    await f.shot('plans-03-preview');
    await f.page.locator('#save').click();
    await f.page.waitForURL(/\/plans\/\d+$/);
    assert.equal(await f.page.locator('table.tasks tbody tr').count(), 19);
    assert.match(await f.bodyText(), /Công tác thi đua, khen thưởng năm 2024/);
    await f.shot('plans-04-imported');
    await f.logout();
    f.state.imported = true;
  });

  f.step('3. a commune officer reports progress on a task given to every unit, with evidence', async () => {
    await f.login('canbo.xa');
    await f.page.waitForURL((u) => u.pathname === '/');
    await f.page.goto(url('/tasks?year=2026'));
    const row = f.page.locator('#unit-tasks tbody tr', { hasText: 'Báo cáo tổng kết công tác thi đua' });
    await row.locator('a').first().click();
    const form = f.page.locator('#report-form form');
    await form.waitFor();
    await form.locator('#percent').fill('100');
    await form.locator('#note').fill('Xã đã gửi báo cáo tổng kết năm 2026 về Sở Nội vụ.');
    await form.locator('input[type=file]').setInputFiles({ name: 'bao-cao-tong-ket.pdf', mimeType: 'application/pdf', buffer: PDF });
    await form.locator('#send-report').click();
    const reports = f.page.locator('#reports');
    await reports.locator('a', { hasText: 'bao-cao-tong-ket.pdf' }).waitFor();
    assert.match((await reports.innerText()).normalize('NFC'), /Xã đã gửi báo cáo tổng kết/);
    await f.shot('plans-05-report');
    await f.page.goto(url('/tasks?year=2026'));
    await f.shot('plans-06-unit-tasks');
  });
});
