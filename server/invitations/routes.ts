// Invitations: the admin's list, create, resend and withdraw; the invitee's lookup and accept.
import type { Request } from 'express';
import { idToWire, toBase64Url } from '../../shared/crypto/index.js';
import {
  EmptyRequest,
  InvitationAcceptRequest,
  InvitationCreateRequest,
  type InvitationList,
  InvitationLookupRequest,
  type InvitationLookupResponse,
} from '../../shared/wire/index.js';
import { callerOf } from '../kernel/http/caller.js';
import type { RouteHandler } from '../kernel/http/route.js';
import { bytesIn, clientAddress, idParam, parseInput } from '../kernel/http/validation.js';
import { describeDevice } from '../kernel/sessions/device.js';
import { accountKeysIn } from '../kernel/accounts/wire.js';
import { iso } from '../kernel/wire.js';
import type { InvitationsService } from './service.js';
import { answerSignedIn } from '../kernel/sessions/answer.js';
import { sentOut } from '../kernel/domain/invitations.js';

export interface InvitationRouteDeps {
  readonly invitations: InvitationsService;
  readonly lifetimes: { idleMs: number; maxMs: number };
}

export function listInvitations({ invitations }: InvitationRouteDeps): RouteHandler {
  return (_req, res) => {
    const answer: InvitationList = {
      invitations: invitations.listOpen().map((invitation) => ({
        invitationId: idToWire(invitation.id),
        email: invitation.email,
        role: invitation.role,
        kind: invitation.kind,
        createdAt: iso(invitation.createdAt),
        expiresAt: iso(invitation.expiresAt),
        deliveryFailed: invitation.deliveryFailed,
      })),
    };
    res.json(answer);
  };
}

export function createInvitation({ invitations }: InvitationRouteDeps): RouteHandler {
  return async (req, res) => {
    const { email, role, lang } = parseInput(InvitationCreateRequest, req.body);
    res.status(201).json(sentOut(await invitations.create(callerOf(res), email, role, lang)));
  };
}

export function resendInvitation({ invitations }: InvitationRouteDeps): RouteHandler {
  return async (req, res) => {
    parseInput(EmptyRequest, req.body);
    res.json(sentOut(await invitations.resend(callerOf(res), idParam(req, 'invitationId'))));
  };
}

export function withdrawInvitation({ invitations }: InvitationRouteDeps): RouteHandler {
  return (req, res) => {
    parseInput(EmptyRequest, req.body);
    invitations.withdraw(callerOf(res), idParam(req, 'invitationId'));
    res.status(204).end();
  };
}

export function lookupInvitation({ invitations }: InvitationRouteDeps): RouteHandler {
  return (req, res) => {
    const { token } = parseInput(InvitationLookupRequest, req.body);
    const { invitation, office, name } = invitations.lookup(clientAddress(req), token);
    const answer: InvitationLookupResponse = {
      kind: invitation.kind,
      userId: idToWire(invitation.userId),
      email: invitation.email,
      role: invitation.role,
      ...(name !== undefined ? { name } : {}),
      office: {
        officeId: idToWire(office.id),
        name: office.name,
        signingPublicKey: toBase64Url(office.signingPublicKey),
      },
      expiresAt: iso(invitation.expiresAt),
    };
    res.json(answer);
  };
}

export function acceptInvitation({ invitations, lifetimes }: InvitationRouteDeps): RouteHandler {
  return (req: Request, res) => {
    const input = parseInput(InvitationAcceptRequest, req.body);
    const result = invitations.accept(
      { ip: clientAddress(req), device: describeDevice(req.headers['user-agent']) },
      input.token,
      input.name,
      accountKeysIn(input.keys, 'keys.'),
      input.lang,
      input.keyProof === undefined ? undefined : bytesIn(input.keyProof, 'keyProof'),
    );
    answerSignedIn(res, result, lifetimes);
  };
}
