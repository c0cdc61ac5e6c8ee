// The shape of one entry in the route table (server/routes.ts).
import type { Request, Response } from 'express';
import type { BodyType } from './content.js';
import type { DeviceScope } from '../../../shared/crypto/index.js';
import type { Guard } from './guards.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * `api`: JSON answers under /api (and /healthz), never cached. `page`: the client's
 * index.html (and the service worker at /sw.js), never cached. `static`: content-hashed build output, cached for a year.
 */
type RouteKind = 'api' | 'page' | 'static';

/** A thin handler: parse input with the wire schema, call one service function, answer. */
export type RouteHandler = (req: Request, res: Response) => void | Promise<void>;

export interface RouteSpec {
  readonly method: Method;
  /** An Express 5 path pattern; also what the request log records as `route`. */
  readonly path: string;
  readonly kind: RouteKind;
  readonly body: BodyType;
  readonly guard: Guard;
  /** Not the user's activity (the page polling its session): the session's idle time is not extended. */
  readonly passive?: boolean;
  /** For `json` bodies: the largest accepted, in bytes, when it is not JSON_BODY_LIMIT (64 KiB). */
  readonly jsonLimit?: number;
  /**
   * The scopes whose bearer tokens may call this route (any one of them suffices); without it,
   * a bearer token is refused with 403 token_scope (docs/protocol.md "Devices").
   */
  readonly scopes?: readonly DeviceScope[];
  readonly handler: RouteHandler;
}
