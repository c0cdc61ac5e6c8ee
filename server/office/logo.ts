// The office logo: one small image, read from a multipart form with strict limits and
// accepted only when its first bytes say PNG, JPEG or WebP. The client's file name and
// Content-Type are ignored; SVG (which can carry script) and everything else is refused.
// Memory storage is acceptable only because the limit is small (512 KB).
import type { Request, Response } from 'express';
import multer from 'multer';
import { LOGO_MAX_BYTES } from '../../shared/wire/index.js';
import { badRequest, invalidImage, payloadTooLarge } from '../kernel/http/errors.js';
import type { LogoType } from '../kernel/accounts/office-repo.js';

const LOGO_FIELD = 'logo';

const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: LOGO_MAX_BYTES, files: 1, fields: 0, parts: 1 },
}).single(LOGO_FIELD);

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const RIFF = [0x52, 0x49, 0x46, 0x46];
const WEBP = [0x57, 0x45, 0x42, 0x50];

function startsWith(bytes: Uint8Array, prefix: readonly number[], offset = 0): boolean {
  return bytes.length >= offset + prefix.length && prefix.every((byte, i) => bytes[offset + i] === byte);
}

/** No real image of these types is smaller; the database refuses anything shorter too. */
const MIN_IMAGE_BYTES = 16;

/** The image type by magic bytes, or undefined for anything else. */
export function detectImageType(bytes: Uint8Array): LogoType | undefined {
  if (bytes.length < MIN_IMAGE_BYTES) return undefined;
  if (startsWith(bytes, PNG)) return 'image/png';
  if (startsWith(bytes, JPEG)) return 'image/jpeg';
  if (startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8)) return 'image/webp';
  return undefined;
}

/** Reads the one file of the form; refuses anything but exactly one file in the field `logo` within the limit. */
export function readLogoUpload(req: Request, res: Response): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    upload(req, res, (error?: unknown) => {
      if (error instanceof multer.MulterError) {
        return reject(error.code === 'LIMIT_FILE_SIZE' ? payloadTooLarge() : invalidImage(400));
      }
      if (error !== undefined && error !== null) return reject(badRequest());
      const file = req.file;
      if (file === undefined) return reject(invalidImage(400));
      return resolve(new Uint8Array(file.buffer.buffer, file.buffer.byteOffset, file.buffer.byteLength));
    });
  });
}
