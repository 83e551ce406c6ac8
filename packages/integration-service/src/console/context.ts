import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { App, AppDeps } from '../http/types.ts';
import type { Library } from '../store/libraries.ts';
import { type Html, page } from './layout.ts';
import type { SessionStore, Signed } from './session.ts';

export type ConsoleEnv = { Variables: { signed: Signed } };
export type ConsoleApp = Hono<ConsoleEnv>;
export type ConsoleCtx = Context<ConsoleEnv>;

export interface ConsoleContext {
  /** the API app: the console calls it in-process with the session's key */
  api: App;
  deps: AppDeps;
  sessions: SessionStore;
}

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
}

/** One API call as the signed-in staff member: the API's own authorization, validation and errors. */
export async function callApi<T = any>(ctx: ConsoleContext, signed: Signed, method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = { authorization: `Bearer ${signed.session.key}`, accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await ctx.api.request(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed as T };
}

/** The API's error as a sentence staff can act on: its message and each named problem. */
export function errorText(answer: ApiAnswer): string {
  const error = answer.body?.error;
  if (!error) return `The service answered ${answer.status}.`;
  const details = Array.isArray(error.details)
    ? error.details.map((d: { path?: string; message?: string }) => `${d.path ? `${d.path}: ` : ''}${d.message ?? ''}`).join('; ')
    : '';
  return details && !String(error.message).includes(details) ? `${error.message} (${details})` : String(error.message);
}

export function problemPage(c: Context, signed: Signed | undefined, status: 400 | 401 | 403 | 404 | 409 | 422 | 500, title: string, message: Html | string) {
  return page(c, { title, signed }, html`<h1>${title}</h1><p class="flash error" role="alert">${message}</p>`, status);
}

/** The library of a library session; an admin session gets a 403 page (the API's rule too). */
export function librarySession(c: ConsoleCtx): { signed: Signed & { kind: 'library' }; library: Library } | undefined {
  const signed = c.get('signed');
  return signed.kind === 'library' ? { signed, library: signed.library } : undefined;
}

export const adminOnly = (c: ConsoleCtx) =>
  problemPage(c, c.get('signed'), 403, 'Administrators only', 'This page needs the admin key. Sign out and sign in with it.');
export const libraryOnly = (c: ConsoleCtx) =>
  problemPage(c, c.get('signed'), 403, 'Library staff only', "The admin key does not act on requests; sign in with the library's own key.");

/** A form field as a trimmed string, or undefined when empty. */
export function field(form: Record<string, unknown>, name: string): string | undefined {
  const value = form[name];
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}
