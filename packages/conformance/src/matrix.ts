import { writeFileSync } from 'node:fs';

/** Results of one target's run, per scenario, and the features × targets matrix built from them. */
export type ScenarioStatus = 'passed' | 'failed' | 'unsupported' | 'not-applicable';

export interface ScenarioResult {
  target: string;
  feature: string;
  scenario: string;
  status: ScenarioStatus;
  /** why it failed, which capability it needs that the target lacks, or which ILS it is written for */
  detail?: string;
}

export interface Totals {
  passed: number;
  failed: number;
  unsupported: number;
  /** written for another ILS (features/wms/…); not a gap in this target, so not counted as unsupported */
  notApplicable: number;
}

export function totals(results: ScenarioResult[]): Totals {
  return {
    passed: results.filter((r) => r.status === 'passed').length,
    failed: results.filter((r) => r.status === 'failed').length,
    unsupported: results.filter((r) => r.status === 'unsupported').length,
    notApplicable: results.filter((r) => r.status === 'not-applicable').length,
  };
}

function cells(results: ScenarioResult[]) {
  const features = [...new Set(results.map((r) => r.feature))].sort();
  const targetNames = [...new Set(results.map((r) => r.target))];
  const cell = (feature: string, target: string) => totals(results.filter((r) => r.feature === feature && r.target === target));
  return { features, targetNames, cell };
}

function show(t: Totals): string {
  if (t.passed + t.failed + t.unsupported === 0) return t.notApplicable ? 'n/a' : '—';
  return `${t.passed}✓ ${t.failed}✗ ${t.unsupported}∅${t.notApplicable ? ` ${t.notApplicable} n/a` : ''}`;
}

export const legend = '✓ passed ✗ failed ∅ unsupported, n/a written for another ILS';

/** The terminal matrix: one row per feature, one column per target (see legend). */
export function matrixText(results: ScenarioResult[]): string {
  const { features, targetNames, cell } = cells(results);
  const width = Math.max(7, ...features.map((f) => f.length));
  const col = Math.max(12, ...targetNames.map((t) => t.length + 2));
  const lines = [`${'feature'.padEnd(width)}  ${targetNames.map((t) => t.padEnd(col)).join('')}`];
  for (const feature of features) lines.push(`${feature.padEnd(width)}  ${targetNames.map((t) => show(cell(feature, t)).padEnd(col)).join('')}`);
  const failures = results.filter((r) => r.status === 'failed');
  if (failures.length) {
    lines.push('', 'failed:');
    for (const f of failures) lines.push(`  [${f.target}] ${f.feature} › ${f.scenario}${f.detail ? `\n      ${f.detail.split('\n')[0]}` : ''}`);
  }
  return lines.join('\n');
}

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function writeMatrixHtml(file: string, results: ScenarioResult[]) {
  const { features, targetNames, cell } = cells(results);
  const rows = features
    .map((feature) => {
      const tds = targetNames
        .map((target) => {
          const t = cell(feature, target);
          const cls = t.failed ? 'failed' : t.passed ? 'passed' : t.unsupported ? 'unsupported' : 'not-applicable';
          const scenarios = results
            .filter((r) => r.feature === feature && r.target === target)
            .map(
              (r) =>
                `<li class="${r.status}" title="${escapeHtml(r.detail ?? '')}">${escapeHtml(r.scenario)} — ${r.status}${r.detail && (r.status === 'unsupported' || r.status === 'not-applicable') ? ` (${escapeHtml(r.detail)})` : ''}</li>`,
            )
            .join('');
          return `<td class="${cls}"><b>${show(t)}</b><details><summary>scenarios</summary><ul>${scenarios}</ul></details></td>`;
        })
        .join('');
      return `<tr><th>${escapeHtml(feature)}</th>${tds}</tr>`;
    })
    .join('\n');
  const links = targetNames.map((t) => `<a href="${t}/cucumber.html">${t} report</a>`).join(' · ');
  writeFileSync(
    file,
    `<!doctype html><meta charset="utf-8"><title>Bookstrap conformance</title>
<style>body{font:14px system-ui;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.4em;vertical-align:top;text-align:left}
td.passed{background:#e6f4ea}td.failed{background:#fce8e6}td.unsupported{background:#f1f3f4}td.not-applicable{color:#999}li.failed{color:#b00}li.unsupported,li.not-applicable{color:#666}</style>
<h1>Bookstrap conformance: features × ILS</h1><p>✓ passed · ✗ failed · ∅ unsupported (declared by the ILS driver) · n/a not applicable (written for another ILS). ${links}</p>
<table><tr><th>feature</th>${targetNames.map((t) => `<th>${escapeHtml(t)}</th>`).join('')}</tr>
${rows}</table>`,
  );
}
