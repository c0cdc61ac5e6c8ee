// Enrolled devices and API tokens (shared/wire/devices.ts). Thin: parse, call the service, answer.
import { idToWire, toBase64Url } from '../../shared/crypto/index.js';
import {
  type ApiToken,
  type ApiTokenCreated,
  ApiTokenCreateRequest,
  type Device,
  type DeviceClaimed,
  type DeviceList,
  DeviceRenameRequest,
  EnrolmentApproveRequest,
  EnrolmentClaimRequest,
  type EnrolmentStarted,
  EnrolmentStartRequest,
  type EnrolmentWaiting,
  type PendingEnrolments,
} from '../../shared/wire/index.js';
import { callerOf } from '../kernel/http/caller.js';
import type { RouteHandler } from '../kernel/http/route.js';
import { bytesIn, clientAddress, idParam, parseInput } from '../kernel/http/validation.js';
import { iso } from '../kernel/wire.js';
import type { DeviceRecord, TokenRecord } from './repo.js';
import { scopesOf, type DevicesService } from './service.js';

function tokenOut(token: TokenRecord): ApiToken {
  return {
    tokenId: idToWire(token.id),
    label: token.label,
    scopes: scopesOf(token.scopes),
    createdAt: iso(token.createdAt),
    lastUsedAt: token.lastUsedAt === null ? null : iso(token.lastUsedAt),
  };
}

function deviceOut(device: DeviceRecord): Device {
  return {
    deviceId: idToWire(device.id),
    name: device.name,
    scopes: scopesOf(device.scopes),
    encryptionPublicKey: toBase64Url(device.encryptionPublicKey),
    signingPublicKey: toBase64Url(device.signingPublicKey),
    certificate: toBase64Url(device.certificate),
    enrolledAt: iso(device.approvedAt),
    lastUsedAt: device.lastUsedAt === null ? null : iso(device.lastUsedAt),
    tokens: device.tokens.map(tokenOut),
  };
}

export function startEnrolment(devices: DevicesService): RouteHandler {
  return (req, res) => {
    const body = parseInput(EnrolmentStartRequest, req.body);
    const started = devices.start(clientAddress(req), {
      encryptionPublicKey: bytesIn(body.encryptionPublicKey, 'encryptionPublicKey'),
      signingPublicKey: bytesIn(body.signingPublicKey, 'signingPublicKey'),
      name: body.name,
    });
    const answer: EnrolmentStarted = { enrolmentId: idToWire(started.id), expiresAt: iso(started.expiresAt) };
    res.status(201).json(answer);
  };
}

export function listPendingEnrolments(devices: DevicesService): RouteHandler {
  return (_req, res) => {
    const answer: PendingEnrolments = {
      enrolments: devices.pending().map((enrolment) => ({
        enrolmentId: idToWire(enrolment.id),
        name: enrolment.name,
        encryptionPublicKey: toBase64Url(enrolment.encryptionPublicKey),
        signingPublicKey: toBase64Url(enrolment.signingPublicKey),
        createdAt: iso(enrolment.createdAt),
        expiresAt: iso(enrolment.expiresAt),
      })),
    };
    res.json(answer);
  };
}

export function approveEnrolment(devices: DevicesService): RouteHandler {
  return (req, res) => {
    const enrolmentId = idParam(req, 'enrolmentId');
    const body = parseInput(EnrolmentApproveRequest, req.body);
    const device = devices.approve(callerOf(res), enrolmentId, {
      scopes: body.scopes,
      sealedKeys: bytesIn(body.sealedKeys, 'sealedKeys'),
      certificate: bytesIn(body.certificate, 'certificate'),
    });
    res.status(201).json(deviceOut(device));
  };
}

export function claimEnrolment(devices: DevicesService): RouteHandler {
  return (req, res) => {
    const enrolmentId = idParam(req, 'enrolmentId');
    const body = parseInput(EnrolmentClaimRequest, req.body);
    const result = devices.claim(clientAddress(req), enrolmentId, {
      time: body.time,
      signature: bytesIn(body.signature, 'signature'),
    });
    if (result.status === 'waiting') {
      const answer: EnrolmentWaiting = { status: 'waiting', expiresAt: iso(result.expiresAt) };
      res.status(202).json(answer);
      return;
    }
    const answer: DeviceClaimed = {
      status: 'approved',
      deviceId: idToWire(result.deviceId),
      userId: idToWire(result.userId),
      officeId: idToWire(result.officeId),
      scopes: [...result.scopes],
      sealedKeys: toBase64Url(result.sealedKeys),
      certificate: toBase64Url(result.certificate),
      token: result.token,
    };
    res.json(answer);
  };
}

export function listDevices(devices: DevicesService): RouteHandler {
  return (_req, res) => {
    const answer: DeviceList = { devices: devices.list(callerOf(res)).map(deviceOut) };
    res.json(answer);
  };
}

export function renameDevice(devices: DevicesService): RouteHandler {
  return (req, res) => {
    const deviceId = idParam(req, 'deviceId');
    const { name } = parseInput(DeviceRenameRequest, req.body);
    res.json(deviceOut(devices.rename(callerOf(res), deviceId, name)));
  };
}

export function revokeDevice(devices: DevicesService): RouteHandler {
  return (req, res) => {
    devices.revoke(callerOf(res), idParam(req, 'deviceId'));
    res.status(204).end();
  };
}

export function createApiToken(devices: DevicesService): RouteHandler {
  return (req, res) => {
    const deviceId = idParam(req, 'deviceId');
    const body = parseInput(ApiTokenCreateRequest, req.body);
    const created = devices.createToken(callerOf(res), deviceId, body);
    const answer: ApiTokenCreated = { token: created.token, tokenInfo: tokenOut(created.record) };
    res.status(201).json(answer);
  };
}

export function revokeApiToken(devices: DevicesService): RouteHandler {
  return (req, res) => {
    const deviceId = idParam(req, 'deviceId');
    devices.revokeToken(callerOf(res), deviceId, idParam(req, 'tokenId'));
    res.status(204).end();
  };
}
