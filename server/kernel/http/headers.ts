// Security headers sent with every response. The CSP is built here, in one function, so the
// exact policy is visible in one place and a test can compare it character by character.
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The page policy: nothing but Coffer's own files, no inline code, WebAssembly allowed for
 * libsodium, and Trusted Types so that only the `coffer` policy can feed HTML sinks.
 */
export function contentSecurityPolicy(publicUrlIsHttps: boolean): string {
  const directives = [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "form-action 'none'",
    "base-uri 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    'trusted-types coffer',
  ];
  if (publicUrlIsHttps) directives.push('upgrade-insecure-requests');
  return directives.join('; ');
}

const PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(), payment=(), usb=()';

export function securityHeaders(options: { publicUrlIsHttps: boolean }): RequestHandler[] {
  const csp = contentSecurityPolicy(options.publicUrlIsHttps);
  return [
    helmet({
      contentSecurityPolicy: false, // set below: helmet joins directives without the spaces
      crossOriginEmbedderPolicy: false,
      crossOriginOpenerPolicy: { policy: 'same-origin' },
      crossOriginResourcePolicy: { policy: 'same-origin' },
      originAgentCluster: true,
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true, preload: false },
      xContentTypeOptions: true,
      xDnsPrefetchControl: { allow: false },
      xDownloadOptions: true,
      xFrameOptions: { action: 'deny' },
      xPermittedCrossDomainPolicies: { permittedPolicies: 'none' },
      xPoweredBy: true, // removes X-Powered-By
      xXssProtection: true, // sends "0": the old XSS auditors did more harm than good
    }),
    (_req, res, next) => {
      res.setHeader('Content-Security-Policy', csp);
      res.setHeader('Permissions-Policy', PERMISSIONS_POLICY);
      next();
    },
  ];
}
