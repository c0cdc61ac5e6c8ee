// The caller's own pins (list, store one) and pin index (read, compare-and-swap) (shared/wire/shares.ts).
import { idToWire, toBase64Url } from '../../shared/crypto/index.js';
import {
  PinIndexPutRequest,
  type PinIndexResponse,
  type PinList,
  PinPutRequest,
  PinSubject,
} from '../../shared/wire/index.js';
import { callerOf } from '../kernel/http/caller.js';
import { notFound } from '../kernel/http/errors.js';
import type { RouteHandler } from '../kernel/http/route.js';
import { bytesIn, idParam, parseInput } from '../kernel/http/validation.js';
import type { PinsService } from './service.js';

export function listPins(pins: PinsService): RouteHandler {
  return (_req, res) => {
    const answer: PinList = {
      pins: pins.list(callerOf(res)).map((pin) => ({
        subject: pin.subject,
        subjectId: idToWire(pin.subjectId),
        envelope: toBase64Url(pin.envelope),
      })),
    };
    res.json(answer);
  };
}

export function putPin(pins: PinsService): RouteHandler {
  return (req, res) => {
    const subject = PinSubject.safeParse(req.params.subject);
    if (!subject.success) throw notFound();
    const subjectId = idParam(req, 'subjectId');
    const { envelope } = parseInput(PinPutRequest, req.body);
    pins.put(callerOf(res), subject.data, subjectId, bytesIn(envelope, 'envelope'));
    res.status(204).end();
  };
}

export function getPinIndex(pins: PinsService): RouteHandler {
  return (_req, res) => {
    const index = pins.index(callerOf(res));
    const answer: PinIndexResponse = {
      index: index === null ? null : { counter: index.counter, envelope: toBase64Url(index.envelope) },
    };
    res.json(answer);
  };
}

export function putPinIndex(pins: PinsService): RouteHandler {
  return (req, res) => {
    const { previousCounter, counter, envelope } = parseInput(PinIndexPutRequest, req.body);
    pins.putIndex(callerOf(res), previousCounter, counter, bytesIn(envelope, 'envelope'));
    res.status(204).end();
  };
}
