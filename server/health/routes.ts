// GET /healthz
import type { RouteHandler } from '../kernel/http/route.js';
import type { HealthService } from './service.js';

export function getHealth(health: HealthService): RouteHandler {
  return async (_req, res) => {
    const report = await health.check();
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  };
}
