import type { Context, Hono } from 'hono';
import type { AdjustableClock } from '../clock.ts';
import type { PersonalityStore } from '../control/personality.ts';
import type { Engine } from '../engine/engine.ts';
import type { DemoDataset, DemoProfile } from '../seed.ts';

export const vendorIds = ['alma', 'sierra', 'millennium', 'wms', 'symphony', 'horizon'] as const;
export type VendorId = (typeof vendorIds)[number];

/** Where each simulator listens unless told otherwise (`ALMA_PORT` etc. override). */
export const defaultPorts: Readonly<Record<VendorId, number>> = {
  alma: 3001,
  sierra: 3002,
  millennium: 3003,
  wms: 3004,
  symphony: 3005,
  horizon: 3006,
};

/** Per-institution API governance a vendor enforces (Alma: 25 calls/s and a daily quota). */
export interface GovernanceLimits {
  perSecond?: number;
  daily?: number;
}

/** What a vendor façade is built from. */
export interface VendorRuntime {
  engine: Engine;
  clock: AdjustableClock;
  dataset: DemoDataset;
  limits: GovernanceLimits;
  /** Edge-case behaviour switches (`/_sim/personality`); absent: the vendor's own behaviour. */
  personality?: PersonalityStore;
}

/** A fault injected by the control plane, rendered by the vendor in its own error format. */
export interface InjectedFault {
  kind: 'down' | 'error' | 'rate_limited';
  status: number;
}

export interface VendorApp {
  /** The vendor API; it defines its own base path (e.g. `/almaws/v1`). */
  app: Hono;
  /**
   * What staff do and see at the vendor's own screens where the vendor offers no API for it (WMS's
   * circulation desk): control plane, mounted at `/_sim/desk`, never part of the vendor API.
   */
  desk?: Hono;
  renderFault(c: Context, fault: InjectedFault): Response;
  /** Forgets per-run state (rate windows, quotas, sessions) on a simulator reset. */
  reset(): void;
  /** What the vendor's API gateway counted (Alma's thresholds), for GET /_sim/governance. */
  governance?(): Record<string, unknown>;
}

export interface VendorDefinition<Demo = unknown> {
  id: VendorId;
  displayName: string;
  /** Path of the vendor API under the simulator's origin. */
  basePath: string;
  /** Makes this vendor's demo world distinct (ids, barcodes, names). */
  demoProfile: DemoProfile;
  /** What the seed contains, in this vendor's terms (credentials, ids): `demo.<vendor>`. */
  demo: Demo;
  createApp(runtime: VendorRuntime): VendorApp;
  /** Human-readable connection hints printed by `main.ts`. */
  credentialsHelp(baseUrl: string): string[];
}
