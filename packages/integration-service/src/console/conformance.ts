import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { html } from 'hono/html';
import type { ConsoleApp, ConsoleContext } from './context.ts';
import { page } from './layout.ts';

/**
 * The conformance matrix from the last run (`pnpm conformance` writes
 * packages/conformance/reports/conformance/summary.json): features × ILS targets.
 */
export const defaultSummaryPath = fileURLToPath(new URL('../../../conformance/reports/conformance/summary.json', import.meta.url));

interface Summary {
  passed: number;
  failed: number;
  unsupported?: number;
  notApplicable?: number;
  targets: string[];
  results: { target: string; feature: string; scenario: string; status: string; detail?: string }[];
}

function readSummary(path: string): { summary?: Summary; at?: Date; problem?: string } {
  if (!existsSync(path)) return { problem: 'No conformance run found. Run `pnpm conformance` from the repository root, then reload.' };
  try {
    const summary = JSON.parse(readFileSync(path, 'utf8')) as Summary;
    if (!Array.isArray(summary.results) || !Array.isArray(summary.targets)) return { problem: 'The last run’s summary.json is not in the expected shape.' };
    return { summary, at: statSync(path).mtime };
  } catch (error) {
    return { problem: `The last run’s summary.json could not be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}

const mark: Record<string, string> = { passed: '✔ passed', failed: '✘ failed', unsupported: '– unsupported', 'not-applicable': 'n/a' };

export function registerConformance(app: ConsoleApp, ctx: ConsoleContext, summaryPath = process.env.BOOKSTRAP_CONFORMANCE_SUMMARY ?? defaultSummaryPath): void {
  void ctx;
  app.get('/conformance', (c) => {
    const signed = c.get('signed');
    const { summary, at, problem } = readSummary(summaryPath);
    if (!summary) return page(c, { title: 'Conformance', signed, nav: 'conformance' }, html`<h1>Conformance matrix</h1><p class="panel">${problem}</p>`);
    const features = [...new Set(summary.results.map((r) => r.feature))].sort();
    const cell = (feature: string, target: string) => {
      const rows = summary.results.filter((r) => r.feature === feature && r.target === target);
      if (!rows.length) return html`<td class="muted">—</td>`;
      const failed = rows.filter((r) => r.status === 'failed');
      const status = failed.length
        ? 'failed'
        : rows.every((r) => r.status === 'not-applicable')
          ? 'not-applicable'
          : rows.some((r) => r.status === 'unsupported')
            ? 'unsupported'
            : 'passed';
      const css = status === 'failed' ? 'state-failed-permanent' : status === 'passed' ? 'state-succeeded' : 'muted';
      return html`<td class="${css}" title="${rows.map((r) => `${r.scenario}: ${r.status}${r.detail ? ` (${r.detail})` : ''}`).join('\n')}">${mark[status] ?? status} <span class="muted">${rows.filter((r) => r.status === 'passed').length}/${rows.length}</span></td>`;
    };
    return page(
      c,
      { title: 'Conformance', signed, nav: 'conformance' },
      html`<h1>Conformance matrix</h1>
<p>Last run ${at?.toISOString() ?? ''}: <strong>${summary.passed} passed</strong>, <strong>${summary.failed} failed</strong>, ${summary.unsupported ?? 0} unsupported, ${summary.notApplicable ?? 0} not applicable.</p>
<table><thead><tr><th scope="col">Feature</th>${summary.targets.map((t) => html`<th scope="col">${t}</th>`)}</tr></thead>
<tbody>${features.map((f) => html`<tr><th scope="row">${f}</th>${summary.targets.map((t) => cell(f, t))}</tr>`)}</tbody></table>
${summary.failed ? html`<h2>Failures</h2><ul>${summary.results.filter((r) => r.status === 'failed').map((r) => html`<li><strong>${r.target}</strong> ${r.feature} — ${r.scenario}: ${r.detail ?? ''}</li>`)}</ul>` : ''}`,
    );
  });
}
