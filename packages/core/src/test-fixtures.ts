import { documentedCapabilities, type IlsKind } from './ils.ts';
import type { DecisionContext } from './decide.ts';
import { defaultIntegrationSettings, type IntegrationSettings } from './settings.ts';
import type { IllRequest, RequestRole, RequestStatus, ServiceType } from './workflow.ts';

/** Test builders shared by the core's tests (not exported from the package). */
export function aRequest(role: RequestRole, status: RequestStatus, overrides: Partial<IllRequest> = {}): IllRequest {
  const serviceType: ServiceType = overrides.serviceType ?? 'loan';
  return {
    id: '1000009',
    role,
    serviceType,
    status,
    title: 'The Name of the Rose',
    author: 'Eco, Umberto',
    patronId: role === 'borrowing' ? 'P-1001' : undefined,
    pickupLocation: role === 'borrowing' ? 'MAIN' : undefined,
    inLibraryUseOnly: false,
    lenders: role === 'borrowing' ? ['LENDA', 'LENDB'] : [],
    lenderIndex: 0,
    borrowingLibrary: role === 'lending' ? 'BORRW' : undefined,
    itemBarcode: role === 'lending' ? '39000000001' : undefined,
    temporaryBarcode:
      role === 'borrowing' && ['received', 'renewal-requested', 'recalled', 'overdue', 'returned', 'lost'].includes(status) ? '1000009' : undefined,
    missingSince: status === 'returned-but-missing' ? '2026-01-01' : undefined,
    renewals: 0,
    ...overrides,
  };
}

export function settingsWith(patch: {
  borrowing?: Partial<IntegrationSettings['borrowing']>;
  lending?: Partial<IntegrationSettings['lending']>;
  enabled?: boolean;
  calendar?: IntegrationSettings['calendar'];
}): IntegrationSettings {
  return {
    enabled: patch.enabled ?? true,
    preflight: defaultIntegrationSettings.preflight,
    ilsSync: defaultIntegrationSettings.ilsSync,
    borrowing: { ...defaultIntegrationSettings.borrowing, ...patch.borrowing },
    lending: { ...defaultIntegrationSettings.lending, ...patch.lending },
    calendar: patch.calendar ?? defaultIntegrationSettings.calendar,
  };
}

export function context(ils: IlsKind = 'alma', settings: IntegrationSettings = defaultIntegrationSettings, today = '2026-11-22'): DecisionContext {
  return { settings, capabilities: documentedCapabilities[ils], today };
}
