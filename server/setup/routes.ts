// POST /api/v1/setup/verify: is this setup link still valid? Changes nothing.
import { SetupVerifyRequest, type SetupVerifyResponse } from '../../shared/wire/index.js';
import type { RouteHandler } from '../http/route.js';
import { parseInput } from '../http/validation.js';
import type { SetupService } from './service.js';

export function verifySetupLink(setup: SetupService): RouteHandler {
  return async (req, res) => {
    const { token } = parseInput(SetupVerifyRequest, req.body);
    const { expiresAt } = await setup.verify(token);
    const answer: SetupVerifyResponse = { expiresAt: new Date(expiresAt).toISOString() };
    res.json(answer);
  };
}
