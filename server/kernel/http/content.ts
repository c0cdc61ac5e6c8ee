// Each route accepts exactly one kind of body, named in the route table. The content type is
// checked before any byte of the body is read, and JSON bodies are parsed with a size limit.
import express, { type RequestHandler } from 'express';
import { badRequest, malformedJson, payloadTooLarge, unsupportedMediaType } from './errors.js';

export type BodyType = 'none' | 'json' | 'octet-stream' | 'multipart';

const JSON_BODY_LIMIT = 64 * 1024;

const MEDIA_TYPE: Record<Exclude<BodyType, 'none'>, string> = {
  json: 'application/json',
  'octet-stream': 'application/octet-stream',
  multipart: 'multipart/form-data',
};

function hasBody(headers: {
  'transfer-encoding'?: string | undefined;
  'content-length'?: string | undefined;
}): boolean {
  return (
    headers['transfer-encoding'] !== undefined ||
    (headers['content-length'] !== undefined && headers['content-length'] !== '0')
  );
}

/** Whether a Content-Type header names `expected`, with only the parameters that type allows. */
function contentTypeMatches(header: string | undefined, body: Exclude<BodyType, 'none'>): boolean {
  if (header === undefined) return false;
  const [type = '', ...params] = header.split(';').map((part) => part.trim().toLowerCase());
  if (type !== MEDIA_TYPE[body]) return false;
  const names = params.filter((param) => param !== '').map((param) => param.split('=')[0]?.trim());
  switch (body) {
    case 'json':
      return names.every((name) => name === 'charset');
    case 'octet-stream':
      return names.length === 0;
    case 'multipart':
      return names.includes('boundary');
  }
}

export function contentTypeCheck(body: BodyType): RequestHandler {
  return (req, _res, next) => {
    if (body === 'none') return next(hasBody(req.headers) ? unsupportedMediaType() : undefined);
    return next(contentTypeMatches(req.headers['content-type'], body) ? undefined : unsupportedMediaType());
  };
}

// Compressed bodies are refused (inflate: false): the limit should bound what the client sends.
const jsonParser = (limit: number) => express.json({ limit, strict: true, inflate: false, type: () => true });

/**
 * Parses the body of `json` routes, up to `jsonLimit` bytes (JSON_BODY_LIMIT unless the route
 * table says otherwise); other kinds are read by their handlers as streams.
 */
export function bodyParser(body: BodyType, jsonLimit: number = JSON_BODY_LIMIT): RequestHandler {
  if (body !== 'json') return (_req, _res, next) => next();
  const parse = jsonParser(jsonLimit);
  return (req, res, next) => {
    parse(req, res, (error?: unknown) => {
      if (error === undefined || error === null) return next();
      const type = (error as { type?: unknown }).type;
      if (type === 'entity.too.large') return next(payloadTooLarge());
      if (type === 'entity.parse.failed') return next(malformedJson());
      if (type === 'encoding.unsupported' || type === 'charset.unsupported') return next(unsupportedMediaType());
      return next(badRequest());
    });
  };
}
