/**
 * Runs the foreign-client corpus (../corpus, see its README) against the simulators: each case is
 * a real client's call sequence, each step's answer is checked against what the real ILS sends.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { fixedClock } from './clock.ts';
import { demo } from './index.ts';
import { createSimulator } from './simulator.ts';
import { testNow } from './testing.ts';
import type { VendorId } from './vendors/types.ts';

const corpusDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus');

type Matcher = { $exists?: boolean; $match?: string; $in?: unknown[] } | string | number | boolean | null;

interface CorpusStep {
  name: string;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  bodyFile?: string;
  expect: { status?: number | number[]; xml?: Record<string, Matcher>; json?: Record<string, Matcher>; headers?: Record<string, Matcher>; text?: Matcher };
  capture?: Record<string, string>;
}

interface CorpusCase {
  client: string;
  source: { repo: string; path: string; commit: string } | { repo: string; path: string; commit: string }[];
  answer: string;
  vendors: VendorId[];
  vars?: Record<string, string>;
  steps: CorpusStep[];
}

function caseFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return caseFiles(path);
    return name.endsWith('.json') && !name.endsWith('.body.json') ? [path] : [];
  });
}

const lookup = (root: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), root);

function fill(template: string, scope: Record<string, unknown>): string {
  return template.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (_all, expression: string) => {
    const [head, ...args] = expression.split(/\s+/);
    const resolve = (name: string) => {
      const value = lookup(scope, name);
      if (value === undefined) throw new Error(`corpus template: ${name} is not defined`);
      return String(value);
    };
    if (head === 'basic') return Buffer.from(`${resolve(args[0] as string)}:${resolve(args[1] as string)}`).toString('base64');
    if (head === 'last4') return resolve(args[0] as string).slice(-4);
    if (head === 'base64') return Buffer.from(resolve(args[0] as string)).toString('base64');
    return resolve(head as string);
  });
}

/** Every text value at an element path of local names, anywhere in the document. */
function xmlValues(document: unknown, path: string): unknown[] {
  const names = path.split('/');
  const found: unknown[] = [];
  const walk = (node: unknown, depth: number, anchored: boolean) => {
    if (node === null || typeof node !== 'object') return;
    for (const [key, child] of Object.entries(node as Record<string, unknown>)) {
      const children = Array.isArray(child) ? child : [child];
      if (key === names[depth]) {
        for (const each of children) {
          if (depth === names.length - 1)
            found.push(typeof each === 'object' && each !== null && '#text' in each ? (each as { '#text': unknown })['#text'] : each);
          else walk(each, depth + 1, true);
        }
      }
      // The first name may match at any depth; later names must follow directly.
      if (!anchored) for (const each of children) walk(each, 0, false);
    }
  };
  walk(document, 0, false);
  return found;
}

function check(label: string, actual: unknown[], matcher: Matcher): void {
  if (matcher !== null && typeof matcher === 'object') {
    if (matcher.$exists !== undefined) expect(actual.length > 0, `${label} exists`).toBe(matcher.$exists);
    if (matcher.$match !== undefined) expect(String(actual[0]), label).toMatch(new RegExp(matcher.$match));
    if (matcher.$in !== undefined) expect(matcher.$in.map(String), label).toContain(String(actual[0]));
    return;
  }
  expect(actual.length, `${label} is present`).toBeGreaterThan(0);
  expect(String(actual[0]), label).toBe(String(matcher));
}

const xml = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false, trimValues: true });

const cases = caseFiles(corpusDir).map((file) => ({ file, spec: JSON.parse(readFileSync(file, 'utf8')) as CorpusCase }));

describe('foreign-client corpus', () => {
  it('has cases, each naming its source and the real answer', () => {
    expect(cases.length).toBeGreaterThan(10);
    for (const { file, spec } of cases) {
      const sources = Array.isArray(spec.source) ? spec.source : [spec.source];
      for (const source of sources) {
        expect(source.repo, file).toMatch(/^[\w.-]+\/[\w.-]+$/);
        expect(source.commit, file).toMatch(/^[0-9a-f]{40}$/);
        expect(source.path, file).not.toBe('');
      }
      expect(spec.answer.length, file).toBeGreaterThan(20);
      expect(spec.vendors.length, file).toBeGreaterThan(0);
    }
  });

  for (const { file, spec } of cases) {
    const name = file.slice(corpusDir.length + 1);
    for (const vendor of spec.vendors) {
      it(`${name} on ${vendor}`, async () => {
        const sim = createSimulator({ vendor, clock: fixedClock(testNow), env: {} });
        const scope: Record<string, unknown> = { demo: demo[vendor], vars: spec.vars ?? {}, capture: {} };
        for (const step of spec.steps) {
          const label = `${name} [${vendor}] ${step.name}`;
          let body: string | undefined;
          if (step.bodyFile) body = fill(readFileSync(join(dirname(file), step.bodyFile), 'utf8'), scope);
          else if (typeof step.body === 'string') body = fill(step.body, scope);
          else if (step.body !== undefined) body = fill(JSON.stringify(step.body), scope);
          const headers = Object.fromEntries(Object.entries(step.headers ?? {}).map(([key, value]) => [key, fill(value, scope)]));
          const response = await sim.app.request(fill(step.path, scope), { method: step.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
          const text = await response.text();
          const statuses = step.expect.status === undefined ? [] : Array.isArray(step.expect.status) ? step.expect.status : [step.expect.status];
          if (statuses.length > 0) expect(statuses, `${label}: HTTP status (body ${text.slice(0, 600)})`).toContain(response.status);
          const parsedXml = step.expect.xml || Object.values(step.capture ?? {}).some((c) => c.startsWith('xml:')) ? xml.parse(text) : undefined;
          const parsedJson =
            step.expect.json || Object.values(step.capture ?? {}).some((c) => c.startsWith('json:')) ? (JSON.parse(text) as unknown) : undefined;
          for (const [path, matcher] of Object.entries(step.expect.xml ?? {})) {
            check(`${label}: ${path} in ${text.slice(0, 900)}`, xmlValues(parsedXml, path), typeof matcher === 'string' ? fill(matcher, scope) : matcher);
          }
          for (const [path, matcher] of Object.entries(step.expect.json ?? {})) {
            const value = lookup(parsedJson, path);
            check(
              `${label}: ${path} in ${text.slice(0, 900)}`,
              value === undefined ? [] : [value],
              typeof matcher === 'string' ? fill(matcher, scope) : matcher,
            );
          }
          for (const [header, matcher] of Object.entries(step.expect.headers ?? {})) {
            const value = response.headers.get(header);
            check(`${label}: header ${header}`, value === null ? [] : [value], matcher);
          }
          if (step.expect.text !== undefined) check(`${label}: body`, [text], step.expect.text);
          for (const [key, from] of Object.entries(step.capture ?? {})) {
            const [kind, path] = [from.slice(0, from.indexOf(':')), from.slice(from.indexOf(':') + 1)];
            const value = kind === 'xml' ? xmlValues(parsedXml, path)[0] : kind === 'json' ? lookup(parsedJson, path) : response.headers.get(path);
            if (value === undefined || value === null) throw new Error(`${label}: nothing to capture at ${from}`);
            (scope.capture as Record<string, unknown>)[key] = value;
          }
        }
        sim.close();
      });
    }
  }
});
