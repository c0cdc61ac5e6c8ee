// Admin: privacy rights (shared/wire/privacy.ts). Every route takes the address in the body.
import { PrivacyEraseRequest, PrivacyRequest, type PrivacyExport } from '../../shared/wire/index.js';
import { callerOf } from '../kernel/http/caller.js';
import type { RouteHandler } from '../kernel/http/route.js';
import { bytesIn, parseInput } from '../kernel/http/validation.js';
import type { PrivacyService } from './service.js';
import { eraseOut, exportOut, previewOut } from './wire.js';

/** The export's file name: the same for everyone, so the person's address is not in the Downloads folder. */
const EXPORT_FILE_NAME = 'coffer-privacy-export.json';

export function previewPerson(privacy: PrivacyService): RouteHandler {
  return (req, res) => {
    const input = parseInput(PrivacyRequest, req.body);
    res.json(previewOut(privacy.preview(callerOf(res), input.email)));
  };
}

export function exportPerson(privacy: PrivacyService): RouteHandler {
  return (req, res) => {
    const input = parseInput(PrivacyRequest, req.body);
    const document: PrivacyExport = exportOut(privacy.export(callerOf(res), input.email));
    res.setHeader('Content-Disposition', `attachment; filename="${EXPORT_FILE_NAME}"`);
    res.json(document);
  };
}

export function erasePerson(privacy: PrivacyService): RouteHandler {
  return async (req, res) => {
    const input = parseInput(PrivacyEraseRequest, req.body);
    res.json(eraseOut(await privacy.erase(callerOf(res), input.email, bytesIn(input.confirmation, 'confirmation'))));
  };
}
