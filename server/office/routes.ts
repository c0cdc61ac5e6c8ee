// The office: public info and logo, office keys for approved members, and the admin's settings.
import { idToWire, toBase64Url } from '../../shared/crypto/index.js';
import {
  OfficeSettingsUpdate,
  type OfficeSettings,
  type OfficeKeysResponse,
  type OfficePublic,
} from '../../shared/wire/index.js';
import { callerOf } from '../kernel/http/caller.js';
import type { RouteHandler } from '../kernel/http/route.js';
import { parseInput } from '../kernel/http/validation.js';
import { readLogoUpload } from './logo.js';
import { type OfficeService } from './service.js';
import { logoUrl } from '../kernel/accounts/wire.js';

export function getOffice(office: OfficeService): RouteHandler {
  return (_req, res) => {
    const current = office.current();
    const answer: OfficePublic =
      current === undefined
        ? { setUp: false }
        : {
            setUp: true,
            officeId: idToWire(current.id),
            name: current.name,
            signingPublicKey: toBase64Url(current.signingPublicKey),
            ...(logoUrl(current) !== undefined ? { logoUrl: logoUrl(current) } : {}),
          };
    res.json(answer);
  };
}

/** The logo with its detected type; shown on public pages, so it may be cached briefly. */
export function getLogo(office: OfficeService): RouteHandler {
  return (_req, res) => {
    const logo = office.logo();
    res.setHeader('Content-Type', logo.type);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.setHeader('Content-Disposition', 'inline; filename="logo"');
    res.end(Buffer.from(logo.bytes.buffer, logo.bytes.byteOffset, logo.bytes.byteLength));
  };
}

export function getOfficeKeys(office: OfficeService): RouteHandler {
  return (_req, res) => {
    const { office: current, sealedOfficeKeys } = office.keysFor(callerOf(res));
    const answer: OfficeKeysResponse = {
      officeId: idToWire(current.id),
      signingPublicKey: toBase64Url(current.signingPublicKey),
      encryptionPublicKey: toBase64Url(current.encryptionPublicKey),
      encryptionKeyStatement: toBase64Url(current.encryptionKeyStatement),
      sealedOfficeKeys: toBase64Url(sealedOfficeKeys),
    };
    res.json(answer);
  };
}

export function getSettings(office: OfficeService): RouteHandler {
  return (_req, res) => {
    const answer: OfficeSettings = office.settings();
    res.json(answer);
  };
}

export function putSettings(office: OfficeService): RouteHandler {
  return (req, res) => {
    const input = parseInput(OfficeSettingsUpdate, req.body);
    const answer: OfficeSettings = office.updateSettings(callerOf(res), input);
    res.json(answer);
  };
}

export function putLogo(office: OfficeService): RouteHandler {
  return async (req, res) => {
    const caller = callerOf(res);
    const bytes = await readLogoUpload(req, res);
    office.setLogo(caller, bytes);
    res.status(204).end();
  };
}

export function deleteLogo(office: OfficeService): RouteHandler {
  return (_req, res) => {
    office.removeLogo(callerOf(res));
    res.status(204).end();
  };
}
