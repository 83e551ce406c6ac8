/**
 * The WMS NCIP staff endpoint (`POST /ncip`, OAuth bearer with the WMS_NCIP scope).
 * PLACEHOLDER until the generic responder (src/ncip/) lands.
 */
import type { Hono } from 'hono';
import type { VendorRuntime } from '../types.ts';
import type { OclcOAuth } from './oauth.ts';
import type { WmsIllSettings, WmsRules } from './rules.ts';

export interface WmsNcipSettings {
  institutionId: string;
  branchIds: Readonly<Record<string, string>>;
  illSettings: WmsIllSettings;
}

export function registerNcipRoute(_app: Hono, _runtime: VendorRuntime, _oauth: OclcOAuth, _rules: WmsRules, _settings: WmsNcipSettings): void {}
