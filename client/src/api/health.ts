// The health report (GET /healthz, shared/wire/health.ts), read by the admin page to say when
// the server's disk is nearly full.
import { HealthResponse } from '../../../shared/wire/health.js';
import { getJson, schema } from './http';

export type { HealthResponse } from '../../../shared/wire/health.js';

export function getHealth(): Promise<HealthResponse> {
  return getJson('/healthz', schema(HealthResponse));
}
