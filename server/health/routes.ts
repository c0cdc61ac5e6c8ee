// GET /healthz
import type { RouteHandler } from '../kernel/http/route.js';
import type { HealthService } from './service.js';

export function getHealth(health: HealthService): RouteHandler {
  return async (_req, res) => {
    const report = await health.check();
    // Degraded (low free space) still serves sign-in and downloads: 200, so a balancer keeps it.
    res.status(report.status === 'failing' ? 503 : 200).json(report);
  };
}
