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
  record(exchange: Omit<ProtocolExchange, 'requestId' | 'stepKey' | 'libraryId'>): void;
  /** waits for the library's rate limit before each call */
  throttle(): Promise<void>;
  /** tells the rate limiter the ILS pushed back (429), so the library's other calls slow down too */
  backOff(ms: number): void;
}

/** One row of the adapter registry: an ILS spoken to in one protocol. */
export interface AdapterDefinition {
  ils: IlsKind;
  protocol: Connection['protocol'];
  /** what this adapter implements (may be less than the ILS documents, never more) */
  capabilities: IlsCapabilities;
  /** calls per second the adapter allows itself against one library's ILS */
  ratePerSecond: number;
  create(connection: Connection, context: AdapterContext): CirculationSystem;
  /** connection problems only this adapter knows about (configuration time, not first request) */
  checkConnection?(connection: Connection): SettingsProblem[];
}

export type AdapterKey = `${IlsKind}:${Connection['protocol']}`;
export type AdapterRegistry = Partial<Record<AdapterKey, AdapterDefinition>>;

export const adapterKey = (connection: Pick<Connection, 'ils' | 'protocol'>): AdapterKey => `${connection.ils}:${connection.protocol}`;
