// Who owns the uploads a request reaches: a signed-in member (server/uploads/routes.ts) or a
// drop's upload session (server/drops/routes.ts). The upload routes are the same for both.
import type { Request, Response } from 'express';
import type { Id } from '../../../shared/crypto/index.js';

/** Whose uploads a request may reach; throws the refusal (it runs before the body is read). */
export type UploadOwnerOf = (req: Request, res: Response) => Id | Promise<Id>;
