// First-run setup: checking a setup link (changes nothing), and completing setup.
import { SetupCompleteRequest, SetupVerifyRequest, type SetupVerifyResponse } from '../../shared/wire/index.js';
import type { RouteHandler } from '../kernel/http/route.js';
import { bytesIn, parseInput } from '../kernel/http/validation.js';
import { describeDevice } from '../kernel/sessions/device.js';
import { accountKeysIn } from '../kernel/accounts/wire.js';
import { idFromWireField } from '../kernel/wire.js';
import type { SetupCompletionService, SetupService } from './service.js';
import { answerSignedIn } from '../kernel/sessions/answer.js';

export function verifySetupLink(setup: SetupService): RouteHandler {
  return async (req, res) => {
    const { token } = parseInput(SetupVerifyRequest, req.body);
    const { expiresAt } = await setup.verify(token);
    const answer: SetupVerifyResponse = { expiresAt: new Date(expiresAt).toISOString() };
    res.json(answer);
  };
}

export function completeSetup(deps: {
  completion: SetupCompletionService;
  lifetimes: { idleMs: number; maxMs: number };
}): RouteHandler {
  return async (req, res) => {
    const input = parseInput(SetupCompleteRequest, req.body);
    const result = await deps.completion.complete(
      {
        token: input.token,
        lang: input.lang ?? 'nl',
        office: {
          id: idFromWireField(input.office.officeId, 'office.officeId'),
          name: input.office.name,
          signingPublicKey: bytesIn(input.office.signingPublicKey, 'office.signingPublicKey'),
          encryptionPublicKey: bytesIn(input.office.encryptionPublicKey, 'office.encryptionPublicKey'),
          encryptionKeyStatement: bytesIn(input.office.encryptionKeyStatement, 'office.encryptionKeyStatement'),
        },
        admin: {
          userId: idFromWireField(input.admin.userId, 'admin.userId'),
          name: input.admin.name,
          email: input.admin.email,
          keys: accountKeysIn(input.admin.keys, 'admin.keys.'),
          certificate: bytesIn(input.admin.certificate, 'admin.certificate'),
          sealedOfficeKeys: bytesIn(input.admin.sealedOfficeKeys, 'admin.sealedOfficeKeys'),
        },
      },
      describeDevice(req.headers['user-agent']),
    );
    answerSignedIn(res, result, deps.lifetimes);
  };
}
