import { configurationError, needsStaff, retryable, type StepOutcome } from '@bookstrap/core';
import { send } from '../http.ts';
import { type AdapterContext, sessionSlot } from '../types.ts';

/**
 * The SirsiDynix Web Services conversation (Symphony ILSWS, Horizon ROA), as UVA's
 * ils-connector and libilsws hold it: `x-sirs-clientID` on every call, a staff login whose
 * session token rides along as `x-sirs-sessionToken` (logged in again once when it answers
 * `sessionTimedOut`), `SD-Working-LibraryID` for circulation, v1 JSON records, and the override
 * prompt loop — a prompt is answered with `SD-Prompt-Return: TYPE/<code>` only when the
 * library's settings list that prompt type; otherwise the step needs staff.
 */
export interface SirsiDynixConnectionOptions {
  /** the webapp base, e.g. `https://ils.example.edu/symws` or `…/hzws/v1` */
  baseUrl: string;
  clientId: string;
  login: string;
  password: string;
  /** the library Bookstrap works in (`SD-Working-LibraryID`, temporary items, pickup default) */
  library: string;
  /** prompt types the library lets Bookstrap override, and the code to do it with */
  overridePrompts: readonly string[];
  overrideCode?: string | undefined;
}

export interface SirsiMessage {
  code: string;
  message: string;
}

export interface SirsiPrompt {
  promptType: string;
  message: string;
}

export interface SirsiReply {
  status: number;
  text: string;
  /** the parsed JSON body, when there is one */
  body: unknown;
  messages: SirsiMessage[];
  /** set when the ILS asks for an override */
  prompt?: SirsiPrompt;
}

/** The outcomes a failed call can have (never done or already-done). */
export type FailedOutcome = Extract<StepOutcome<never>, { kind: 'retryable' | 'needs-staff' | 'configuration-error' }>;

export interface CallOptions {
  query?: Record<string, string | undefined>;
  json?: unknown;
  /** circulation calls name the library they happen at */
  workingLibrary?: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** UVA loops at most five times, adding each prompt the ILS raises; so do we. */
const maxPromptRounds = 5;

export function readSirsiReply(status: number, text: string): SirsiReply {
  let body: unknown;
  if (text.trim().startsWith('{') || text.trim().startsWith('[')) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  const list = isObject(body) && Array.isArray(body.messageList) ? body.messageList : [];
  const messages = list.filter(isObject).map((m) => ({ code: String(m.code ?? ''), message: String(m.message ?? '') }));
  const reply: SirsiReply = { status, text, body, messages };
  if (isObject(body) && body.promptRequired === true && isObject(body.dataMap) && typeof body.dataMap.promptType === 'string') {
    reply.prompt = { promptType: body.dataMap.promptType, message: messages[0]?.message ?? 'The ILS asks for an override.' };
  }
  return reply;
}

/** How long a shared staff session is offered to other instances after its login. */
const sharedSessionMs = 30 * 60_000;

export class SirsiDynixClient {
  /** the staff session, kept per library across jobs (logged in again when it idles out) */
  private readonly session: { token?: string | undefined };
  private readonly context: AdapterContext;

  private get sessionToken(): string | undefined {
    return this.session.token;
  }

  private set sessionToken(token: string | undefined) {
    this.session.token = token;
  }

  /** the session's name in the cache shared by every instance */
  private readonly sharedName: string;

  constructor(
    readonly options: SirsiDynixConnectionOptions,
    context: AdapterContext,
  ) {
    this.sharedName = `sirsidynix-session:${options.baseUrl}:${options.login}`;
    this.session = sessionSlot(context, this.sharedName, () => ({}));
    // The override code travels in SD-Prompt-Return: the protocol log keeps the prompt type only.
    this.context = {
      ...context,
      record: async (exchange) =>
        await context.record({
          ...exchange,
          requestHeaders: Object.fromEntries(
            Object.entries(exchange.requestHeaders ?? {}).map(([name, value]) => [
              name,
              name.toLowerCase() === 'sd-prompt-return' ? value.replace(/\/[^;,]*/g, '/****') : value,
            ]),
          ),
        }),
    };
  }

  url(path: string, query: Record<string, string | undefined> = {}): string {
    const url = new URL(`${this.options.baseUrl.replace(/\/+$/, '')}${path}`);
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, value);
    return url.toString();
  }

  private headers(extra: Record<string, string>): Record<string, string> {
    return {
      'x-sirs-clientID': this.options.clientId,
      'SD-Originating-App-Id': 'Bookstrap',
      // Symphony answers 403 to requests without a User-Agent.
      'User-Agent': 'Bookstrap-ILL-integration',
      Accept: 'application/json',
      'Content-Type': 'application/json',
      ...extra,
    };
  }

  private async login(): Promise<{ ok: true } | { ok: false; reply: SirsiReply }> {
    const response = await send(this.context, {
      method: 'POST',
      url: this.url('/user/staff/login'),
      headers: this.headers({}),
      body: JSON.stringify({ login: this.options.login, password: this.options.password }),
    });
    const reply = readSirsiReply(response.status, response.text);
    const token = isObject(reply.body) && typeof reply.body.sessionToken === 'string' ? reply.body.sessionToken : undefined;
    if (response.status !== 200 || !token) return { ok: false, reply };
    this.sessionToken = token;
    // Web Services do not say how long a session lives (it idles out on the server's setting):
    // shared for half an hour from the login; one that idled out sooner answers sessionTimedOut
    // and is replaced for everyone.
    await this.context.sharedTokens?.write(this.sharedName, token, this.context.clock.now().getTime() + sharedSessionMs);
    return { ok: true };
  }

  /**
   * One Web Services call: logs in when there is no session (or it timed out), and answers the
   * prompts the library allows. A prompt it may not answer comes back as the reply.
   */
  async call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, options: CallOptions = {}): Promise<SirsiReply> {
    const overrides: string[] = [];
    for (let round = 0; ; round += 1) {
      const reply = await this.authenticated(method, path, options, overrides);
      const prompt = reply.prompt;
      if (!prompt || round >= maxPromptRounds) return reply;
      const answer = `${prompt.promptType}/${this.options.overrideCode ?? ''}`;
      if (!this.options.overridePrompts.includes(prompt.promptType) || !this.options.overrideCode || overrides.includes(answer)) return reply;
      overrides.push(answer);
    }
  }

  private async authenticated(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, options: CallOptions, overrides: string[]): Promise<SirsiReply> {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      if (!this.sessionToken) {
        const shared = await this.context.sharedTokens?.read(this.sharedName);
        if (shared && shared.expiresAt > this.context.clock.now().getTime()) this.sessionToken = shared.value;
      }
      if (!this.sessionToken) {
        const login = await this.login();
        if (!login.ok) return login.reply;
      }
      const extra: Record<string, string> = { 'x-sirs-sessionToken': this.sessionToken as string };
      if (options.workingLibrary) extra['SD-Working-LibraryID'] = this.options.library;
      if (overrides.length > 0) extra['SD-Prompt-Return'] = overrides.join(';');
      const response = await send(this.context, {
        method,
        url: this.url(path, options.query),
        headers: this.headers(extra),
        ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
      });
      const reply = readSirsiReply(response.status, response.text);
      if (!reply.messages.some((m) => m.code === 'sessionTimedOut')) return reply;
      // Sessions idle out: log in again once and repeat the call.
      await this.context.sharedTokens?.drop(this.sharedName, this.sessionToken as string);
      this.sessionToken = undefined;
    }
    return readSirsiReply(401, JSON.stringify({ messageList: [{ code: 'sessionTimedOut', message: 'The session timed out again right after logging in.' }] }));
  }

  /**
   * The outcome a failed call means: outages are retryable, a refused client id or staff login is
   * configuration, a prompt Bookstrap may not answer and every business refusal need staff.
   */
  failure(reply: SirsiReply, what: string): FailedOutcome {
    const first = reply.messages[0];
    const said = first
      ? `${first.code}: ${first.message}`
      : `HTTP ${reply.status}${
          reply.text
            ? `: ${reply.text
                .replace(/<[^>]+>/g, ' ')
                .replace(/\s+/g, ' ')
                .trim()
                .slice(0, 160)}`
            : ''
        }`;
    if (reply.prompt) {
      const allowed = this.options.overridePrompts.includes(reply.prompt.promptType);
      const why = allowed ? 'the override code was not accepted' : "the library's settings do not let Bookstrap override it";
      return needsStaff(
        `needs staff: ${reply.prompt.message} (${what}; the ILS asks for an override, ${reply.prompt.promptType}, and ${why})`,
        `resolve the block in the ILS, or add ${reply.prompt.promptType} to the library's overridePrompts`,
      ) as FailedOutcome;
    }
    if (reply.status === 429 || reply.status >= 500) {
      if (reply.status === 429) this.context.backOff(1000);
      return retryable(`the ILS Web Services are unavailable while ${what} (${said})`) as FailedOutcome;
    }
    const configuration = ['clientIDRequired', 'clientNotAuthorized', 'unableToLogin', 'forbidden', 'sessionTokenRequired', 'sessionTimedOut'];
    if (reply.status === 401 || reply.status === 403 || (first && configuration.includes(first.code))) {
      return configurationError(
        `the ILS refused Bookstrap's Web Services credentials while ${what} (${said}); check the client id and staff login`,
      ) as FailedOutcome;
    }
    if (reply.status === 404 && (!first || first.code === 'notFound')) {
      return configurationError(`no Web Services resource while ${what} (${said}); check the base URL`) as FailedOutcome;
    }
    if (first && first.code === 'userNotFound') return needsStaff(`invalid patron id — ${said}`) as FailedOutcome;
    return needsStaff(`the ILS refused ${what} — ${said}`) as FailedOutcome;
  }
}

// ---- v1 records ----------------------------------------------------------------------------------

/** A v1 record `{resource, key, fields}` read loosely: only what the adapter uses. */
export interface SirsiRecord {
  resource?: string;
  key?: string;
  fields: Record<string, unknown>;
}

export function asRecord(value: unknown): SirsiRecord | undefined {
  if (!isObject(value)) return undefined;
  return {
    ...(typeof value.resource === 'string' ? { resource: value.resource } : {}),
    ...(typeof value.key === 'string' ? { key: value.key } : {}),
    fields: isObject(value.fields) ? value.fields : {},
  };
}

export const recordList = (value: unknown): SirsiRecord[] => (Array.isArray(value) ? value.map(asRecord).filter((r): r is SirsiRecord => r !== undefined) : []);

/** The key of a related record (`{resource, key}`), or undefined. */
export const keyOf = (value: unknown): string | undefined => asRecord(value)?.key;

/** `2025-04-09T23:59:00+00:00` → `2025-04-09`. */
export const dayOf = (value: unknown): string | undefined => (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : undefined);

/** A due date as Web Services take it: RFC 3339 at the end of the library day (UVA: other forms fail validation). */
export const wireDueDate = (day: string) => `${day}T23:59:00Z`;
