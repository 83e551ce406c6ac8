import type { CirculationSystem, Connection, IlsCapabilities, IlsKind, SettingsProblem } from '@bookstrap/core';
import type { ProtocolExchange } from '../store/protocol-log.ts';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response> | Response;

export interface Clock {
  now(): Date;
}

/** What an adapter gets from the service: transport, time, and where its traffic is recorded. */
export interface AdapterContext {
  /** injectable so tests reach a simulator in-process */
  fetch: FetchLike;
  /** per HTTP call; a slow ILS becomes a retryable outcome, not a hung worker */
  timeoutMs: number;
  clock: Clock;
  /** receives every exchange, secrets already masked */
  record(exchange: Omit<ProtocolExchange, 'requestId' | 'stepKey' | 'libraryId'>): Promise<void> | void;
  /**
   * waits for the library's rate limit before each call; what it resolves to, when a function,
   * is called once the call has its answer (the limiter then counts the call from its end; a
   * promise it returns resolves once the store has it, and never rejects: see worker/rate-limit.ts
   * `budgetContext`)
   */
  throttle(): Promise<void | (() => void | Promise<void>)>;
  /**
   * tells the rate limiter the ILS pushed back (429), so the library's other calls slow down too;
   * a promise it returns resolves once the pause is in the store (await it before sending again)
   * and never rejects
   */
  backOff(ms: number): void | Promise<void>;
  /** the ILS reported how much of its daily quota is left (Alma's `X-Exl-Api-Remaining`); as `backOff` */
  quotaRemaining?(remaining: number): void | Promise<void>;
  /**
   * Tokens and sessions of this library's connection, kept across jobs (a Sierra token lives an
   * hour, an OCLC token 20 minutes, a SirsiDynix session until it idles out): a step does not
   * log in again. Absent: the adapter keeps them for its own lifetime only.
   */
  sessions?: SessionCache;
  /**
   * The same tokens shared with every instance on the database (adapters/shared-tokens.ts): read
   * before logging in, written after, dropped on a 401. Absent: the session cache only.
   */
  sharedTokens?: SharedTokens;
  /**
   * The step has never run before (its first claim, no earlier outcome): no earlier run can have
   * left records in the ILS, so an adapter may skip the lookups that only find a crashed run's
   * records and go straight to the protocol minimum. Absent or false: look first.
   */
  firstRun?: boolean;
}

/** A vendor token kept for every instance; `expiresAt` on the adapter's clock (ms). */
export interface SharedTokens {
  read(name: string): Promise<{ value: string; expiresAt: number } | undefined>;
  write(name: string, value: string, expiresAt: number): Promise<void>;
  /** the ILS refused `value`: forgotten for everyone, unless another instance has replaced it already */
  drop(name: string, value: string): Promise<void>;
}

/** Per-connection credentials cache: one per library and connection, shared by the jobs that use it. */
export type SessionCache = Map<string, unknown>;

/** The cache entry `name` of the context's session cache, created on first use. */
export function sessionSlot<T>(context: AdapterContext, name: string, create: () => T): T {
  const cache = context.sessions;
  if (!cache) return create();
  let slot = cache.get(name) as T | undefined;
  if (slot === undefined) {
    slot = create();
    cache.set(name, slot);
  }
  return slot;
}

/** One row of the adapter registry: an ILS spoken to in one protocol. */
export interface AdapterDefinition {
  ils: IlsKind;
  protocol: Connection['protocol'];
  /** what this adapter implements (may be less than the ILS documents, never more) */
  capabilities: IlsCapabilities;
  /**
   * The vendor's documented per-second limit for one budget (an institution), which the
   * worker paces to; Infinity where the vendor documents none (a 429 then slows it down).
   * A library's `connection.rateLimit` overrides it.
   */
  ratePerSecond: number;
  create(connection: Connection, context: AdapterContext): CirculationSystem;
  /** connection problems only this adapter knows about (configuration time, not first request) */
  checkConnection?(connection: Connection): SettingsProblem[];
}

export type AdapterKey = `${IlsKind}:${Connection['protocol']}`;
export type AdapterRegistry = Partial<Record<AdapterKey, AdapterDefinition>>;

export const adapterKey = (connection: Pick<Connection, 'ils' | 'protocol'>): AdapterKey => `${connection.ils}:${connection.protocol}`;
