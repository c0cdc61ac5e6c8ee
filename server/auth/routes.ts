// Sign-in, second factor, recovery, password change and two-factor enrolment.
import type { Request } from 'express';
import { idToWire, toBase64Url } from '../../shared/crypto/index.js';
import {
  LoginRequest,
  type LoginResponse,
  PasswordChangeRequest,
  PreloginRequest,
  type PreloginResponse,
  RecoverCompleteRequest,
  RecoverRequest,
  type RecoverResponse,
  SecondFactorRequest,
  TwoFactorBeginRequest,
  TwoFactorConfirmRequest,
  type TwoFactorConfirmResponse,
  TwoFactorDisableRequest,
  type TwoFactorBeginResponse,
} from '../../shared/wire/index.js';
import { callerOf } from '../kernel/http/caller.js';
import type { RouteHandler } from '../kernel/http/route.js';
import { bytesIn, clientAddress, parseInput } from '../kernel/http/validation.js';
import { describeDevice } from '../kernel/sessions/device.js';
import { kdfIn, kdfOut } from '../kernel/accounts/wire.js';
import type { RequestOrigin } from '../kernel/sessions/answer.js';
import { answerSignedIn } from '../kernel/sessions/answer.js';
import type { AuthService } from './contract.js';

function origin(req: Request): RequestOrigin {
  return { ip: clientAddress(req), device: describeDevice(req.headers['user-agent']) };
}

export interface AuthRouteDeps {
  readonly auth: AuthService;
  readonly lifetimes: { idleMs: number; maxMs: number };
}

export function prelogin({ auth }: AuthRouteDeps): RouteHandler {
  return (req, res) => {
    const { email } = parseInput(PreloginRequest, req.body);
    const answer: PreloginResponse = { kdf: kdfOut(auth.prelogin(clientAddress(req), email)) };
    res.json(answer);
  };
}

export function login({ auth, lifetimes }: AuthRouteDeps): RouteHandler {
  return (req, res) => {
    const input = parseInput(LoginRequest, req.body);
    const result = auth.login(origin(req), input.email, bytesIn(input.authKey, 'authKey'));
    if (result.kind === 'second-factor') {
      const answer: LoginResponse = { status: 'second-factor', ticket: result.ticket };
      res.json(answer);
      return;
    }
    answerSignedIn(res, result, lifetimes);
  };
}

export function secondFactor({ auth, lifetimes }: AuthRouteDeps): RouteHandler {
  return (req, res) => {
    const input = parseInput(SecondFactorRequest, req.body);
    answerSignedIn(res, auth.secondFactor(origin(req), input.ticket, input.code), lifetimes);
  };
}

export function recover({ auth }: AuthRouteDeps): RouteHandler {
  return (req, res) => {
    const input = parseInput(RecoverRequest, req.body);
    const { ticket, user } = auth.recover(
      clientAddress(req),
      input.email,
      bytesIn(input.recoveryAuthKey, 'recoveryAuthKey'),
      input.code,
    );
    if (user.keys === null) throw new Error('recovered an account without keys');
    const answer: RecoverResponse = {
      ticket,
      userId: idToWire(user.id),
      recoveryBundle: toBase64Url(user.keys.recoveryBundle),
      identityPublicKey: toBase64Url(user.keys.identityPublicKey),
      encryptionPublicKey: toBase64Url(user.keys.encryptionPublicKey),
    };
    res.json(answer);
  };
}

export function completeRecovery({ auth, lifetimes }: AuthRouteDeps): RouteHandler {
  return async (req, res) => {
    const input = parseInput(RecoverCompleteRequest, req.body);
    const result = await auth.completeRecovery(origin(req), input.ticket, {
      kdf: kdfIn(input.kdf, 'kdf'),
      authKey: bytesIn(input.authKey, 'authKey'),
      passwordBundle: bytesIn(input.passwordBundle, 'passwordBundle'),
      recoveryAuthKey: bytesIn(input.recoveryAuthKey, 'recoveryAuthKey'),
      recoveryBundle: bytesIn(input.recoveryBundle, 'recoveryBundle'),
    });
    answerSignedIn(res, result, lifetimes);
  };
}

export function changePassword({ auth }: AuthRouteDeps): RouteHandler {
  return async (req, res) => {
    const input = parseInput(PasswordChangeRequest, req.body);
    await auth.changePassword(callerOf(res), clientAddress(req), {
      authKey: bytesIn(input.authKey, 'authKey'),
      code: input.code,
      kdf: kdfIn(input.kdf, 'kdf'),
      newAuthKey: bytesIn(input.newAuthKey, 'newAuthKey'),
      passwordBundle: bytesIn(input.passwordBundle, 'passwordBundle'),
    });
    res.status(204).end();
  };
}

export function beginTwoFactor({ auth }: AuthRouteDeps): RouteHandler {
  return (req, res) => {
    const input = parseInput(TwoFactorBeginRequest, req.body);
    const answer: TwoFactorBeginResponse = auth.beginTwoFactor(
      callerOf(res),
      clientAddress(req),
      bytesIn(input.authKey, 'authKey'),
    );
    res.json(answer);
  };
}

export function confirmTwoFactor({ auth }: AuthRouteDeps): RouteHandler {
  return async (req, res) => {
    const { code, backupCodes } = parseInput(TwoFactorConfirmRequest, req.body);
    const answer: TwoFactorConfirmResponse = {
      backupCodes: await auth.confirmTwoFactor(callerOf(res), code, backupCodes),
    };
    res.json(answer);
  };
}

export function disableTwoFactor({ auth }: AuthRouteDeps): RouteHandler {
  return (req, res) => {
    const input = parseInput(TwoFactorDisableRequest, req.body);
    auth.disableTwoFactor(callerOf(res), clientAddress(req), bytesIn(input.authKey, 'authKey'), input.code);
    res.status(204).end();
  };
}
