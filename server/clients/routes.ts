// Client accounts, the office's side (invite, list, detail, approve), and the client portal
// (the caller's own drop, upload history and upload sessions) — shared/wire/clients.ts.
import { asId, idFromWire, idToWire, toBase64Url } from '../../shared/crypto/index.js';
import {
  ClientAdvisorRequest,
  ClientReferenceRequest,
  ClientApproveRequest,
  ClientDropRenewRequest,
  type ClientApproveResponse,
  type ClientDetail,
  type ClientHandover,
  ClientResendRequest,
  ClientInviteRequest,
  type ClientInviteResponse,
  type ClientList,
  type ClientSummary,
  type DropGrantResponse,
  EmptyRequest,
  type Portal,
  type PortalUpload,
  type PortalUploadList,
} from '../../shared/wire/index.js';
import { callerOf } from '../kernel/http/caller.js';
import type { RouteHandler } from '../kernel/http/route.js';
import { bytesIn, idParam, parseInput } from '../kernel/http/validation.js';
import type { ClientHandoverInput, SentInvitation } from '../kernel/domain/invitations.js';
import { iso } from '../kernel/wire.js';
import type { ClientListEntry, ClientsService, PortalUploadView } from './service.js';
import type { ClientRow } from './repo.js';
import { dropState, dropInputIn, recordOut } from '../kernel/domain/drops.js';

// ---- the office's side

function handoverIn(handover: ClientHandover | undefined): ClientHandoverInput | undefined {
  return handover === undefined
    ? undefined
    : {
        userId: asId(bytesIn(handover.userId, 'handover.userId')),
        statement: bytesIn(handover.statement, 'handover.statement'),
      };
}

function sentOut(sent: SentInvitation): ClientInviteResponse {
  return {
    invitationId: idToWire(sent.id),
    expiresAt: iso(sent.expiresAt),
    delivered: sent.delivered,
    ...(sent.token !== undefined ? { token: sent.token } : {}),
  };
}

export function inviteClient(clients: ClientsService): RouteHandler {
  return async (req, res) => {
    const { name, email, lang, handover, advisorId } = parseInput(ClientInviteRequest, req.body);
    const sent = await clients.invite(
      callerOf(res),
      name,
      email,
      lang,
      handoverIn(handover),
      advisorId === undefined ? undefined : idFromWire(advisorId),
    );
    res.status(201).json(sentOut(sent));
  };
}
export function resendClientInvitation(clients: ClientsService): RouteHandler {
  return async (req, res) => {
    const { handover } = parseInput(ClientResendRequest, req.body);
    const sent = await clients.resendInvitation(callerOf(res), idParam(req, 'invitationId'), handoverIn(handover));
    res.json(sentOut(sent));
  };
}

export function withdrawClientInvitation(clients: ClientsService): RouteHandler {
  return (req, res) => {
    parseInput(EmptyRequest, req.body);
    clients.withdrawInvitation(callerOf(res), idParam(req, 'invitationId'));
    res.status(204).end();
  };
}

function advisorOut(advisor: ClientRow['advisor']): ClientSummary['advisor'] {
  return advisor === null ? null : { userId: idToWire(advisor.id), name: advisor.name, active: advisor.active };
}

function summaryOut(entry: ClientListEntry, now: number): ClientSummary {
  if (entry.kind === 'invitation') {
    const { invitation } = entry;
    return {
      state: 'invited',
      userId: null,
      invitationId: idToWire(invitation.id),
      name: invitation.name ?? invitation.email,
      email: invitation.email,
      createdAt: iso(invitation.createdAt),
      expiresAt: iso(invitation.expiresAt),
      deliveryFailed: invitation.deliveryFailed,
      dropId: null,
      handover: invitation.handover,
      accountId: idToWire(invitation.userId),
      keyCheck: null,
      dropState: null,
      advisor: advisorOut(entry.advisor),
      reference: null,
    };
  }
  const { client, state } = entry;
  return {
    state,
    userId: idToWire(client.id),
    invitationId: null,
    name: client.name,
    email: client.email,
    createdAt: iso(client.createdAt),
    expiresAt: null,
    deliveryFailed: false,
    dropId: client.dropId === null ? null : idToWire(client.dropId),
    handover: client.handover,
    accountId: idToWire(client.id),
    keyCheck: client.keyCheck,
    dropState:
      client.dropExpiresAt === null
        ? null
        : dropState({ closedAt: client.dropClosedAt, expiresAt: client.dropExpiresAt }, now),
    advisor: advisorOut(client.advisor),
    reference: client.reference,
  };
}

export function listClients(clients: ClientsService, now: () => number): RouteHandler {
  return (_req, res) => {
    const answer: ClientList = {
      clients: clients.list().map((entry) => summaryOut(entry, now())),
      requireCall: clients.requireCall(),
    };
    res.json(answer);
  };
}

export function getClient(clients: ClientsService): RouteHandler {
  return (req, res) => {
    const { client, state, handover } = clients.detail(idParam(req, 'userId'));
    const keys = client.keys;
    // detail() refuses an account without keys; this only narrows the type.
    if (keys === null) throw new Error('client without keys');
    const answer: ClientDetail = {
      userId: idToWire(client.id),
      name: client.name,
      email: client.email,
      state,
      identityPublicKey: toBase64Url(keys.identityPublicKey),
      encryptionPublicKey: toBase64Url(keys.encryptionPublicKey),
      encryptionKeySignature: toBase64Url(keys.encryptionKeySignature),
      certificateVersion: client.certificateVersion,
      handover:
        handover === undefined
          ? null
          : { statement: toBase64Url(handover.statement), keyProof: toBase64Url(handover.keyProof) },
      certificate: client.certificate === null ? null : toBase64Url(client.certificate),
    };
    res.json(answer);
  };
}

export function setClientReference(clients: ClientsService): RouteHandler {
  return (req, res) => {
    const clientId = idParam(req, 'userId');
    const { reference } = parseInput(ClientReferenceRequest, req.body);
    clients.setReference(clientId, reference);
    res.status(204).end();
  };
}

export function setClientAdvisor(clients: ClientsService): RouteHandler {
  return (req, res) => {
    const { advisorId } = parseInput(ClientAdvisorRequest, req.body);
    clients.setAdvisor(callerOf(res), idParam(req, 'userId'), idFromWire(advisorId));
    res.status(204).end();
  };
}

export function renewClientDrop(clients: ClientsService): RouteHandler {
  return (req, res) => {
    const input = parseInput(ClientDropRenewRequest, req.body);
    // Parsed as any drop's create request, as at approval; the service binds it to the client.
    const drop = dropInputIn({ ...input.drop, personal: true, singleUse: false });
    const made = clients.renewDrop(callerOf(res), idParam(req, 'userId'), {
      ...drop,
      clientLink: bytesIn(input.drop.clientLink, 'drop.clientLink'),
    });
    const answer: ClientApproveResponse = { dropId: idToWire(made.dropId), expiresAt: iso(made.expiresAt) };
    res.json(answer);
  };
}

export function approveClient(clients: ClientsService): RouteHandler {
  return async (req, res) => {
    const input = parseInput(ClientApproveRequest, req.body);
    // Parsed as any drop's create request; the service makes it personal and binds it to the client.
    const drop = dropInputIn({ ...input.drop, personal: true, singleUse: false });
    const made = await clients.approve(
      callerOf(res),
      idParam(req, 'userId'),
      bytesIn(input.certificate, 'certificate'),
      {
        ...drop,
        clientLink: bytesIn(input.drop.clientLink, 'drop.clientLink'),
      },
      input.keyCheck,
    );
    const answer: ClientApproveResponse = { dropId: idToWire(made.dropId), expiresAt: iso(made.expiresAt) };
    res.json(answer);
  };
}

export function clientKeysChecked(clients: ClientsService): RouteHandler {
  return (req, res) => {
    parseInput(EmptyRequest, req.body);
    clients.keysChecked(callerOf(res), idParam(req, 'userId'));
    res.status(204).end();
  };
}

// ---- the client's portal

export function getPortal(clients: ClientsService, maxFileBytes: number, now: () => number): RouteHandler {
  return (_req, res) => {
    const drop = clients.portalDrop(callerOf(res));
    const answer: Portal = {
      drop:
        drop === undefined
          ? null
          : {
              dropId: idToWire(drop.id),
              title: drop.title,
              instructions: drop.instructions,
              state: dropState(drop, now()),
              expiresAt: iso(drop.expiresAt),
              maxFiles: drop.maxFiles,
              maxTotalBytes: drop.maxBytes,
              maxFileBytes,
              publicKey: toBase64Url(drop.publicKey),
              clientLink: drop.clientLink === null ? null : toBase64Url(drop.clientLink),
              ...recordOut(drop),
            },
    };
    res.json(answer);
  };
}

function uploadOut(upload: PortalUploadView): PortalUpload {
  return {
    dropUploadId: idToWire(upload.id),
    receivedAt: iso(upload.receivedAt),
    files: upload.files,
    bytes: upload.bytes,
    status: upload.status,
    receiptCode: upload.receiptCode,
  };
}

export function listPortalUploads(clients: ClientsService): RouteHandler {
  return (_req, res) => {
    const answer: PortalUploadList = { uploads: clients.uploads(callerOf(res)).map(uploadOut) };
    res.json(answer);
  };
}

export function getPortalUpload(clients: ClientsService): RouteHandler {
  return (req, res) => {
    res.json(uploadOut(clients.upload(callerOf(res), idParam(req, 'dropUploadId'))));
  };
}

export function startPortalDrop(clients: ClientsService): RouteHandler {
  return async (req, res) => {
    parseInput(EmptyRequest, req.body);
    const granted = await clients.start(callerOf(res), idParam(req, 'dropId'));
    const answer: DropGrantResponse = { grant: granted.grant, expiresAt: iso(granted.expiresAt) };
    res.json(answer);
  };
}
