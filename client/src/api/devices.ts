// Typed calls for enrolled devices and their API tokens (shared/wire/devices.ts is the contract).
// The handover and the certificate are made in the crypto worker; these calls carry them.
import {
  ApiTokenCreated,
  type ApiToken,
  Device,
  DeviceList,
  PendingEnrolments,
  type ApiTokenCreateRequest,
  type EnrolmentApproveRequest,
} from '../../../shared/wire/devices.js';
import {
  deleteJson,
  getJson,
  noContent,
  postJson,
  putJson,
  schema,
  segment,
  unlessLanded,
  type RequestOptions,
} from './http';

export type { ApiToken, DeviceScope } from '../../../shared/wire/devices.js';
export type { Device };

const API = '/api/v1/devices';

export function listPendingEnrolments(options?: RequestOptions): Promise<PendingEnrolments> {
  return getJson(`${API}/enrolments`, schema(PendingEnrolments), options);
}

/**
 * Approves an enrolment. When the answer is lost (no answer, or a 5xx), the caller's devices are
 * asked for this one (a device keeps its enrolment's id) carrying exactly the certificate sent:
 * if it is there, that is the answer. Without this, the page would show an error for a device
 * that was added, and typing the code again would find no device waiting.
 */
export function approveEnrolment(enrolmentId: string, body: EnrolmentApproveRequest): Promise<Device> {
  return unlessLanded(
    () => postJson(`${API}/enrolments/${segment(enrolmentId)}/approve`, body, schema(Device)),
    async () =>
      (await listDevices()).devices.find(
        (device) =>
          device.deviceId === enrolmentId &&
          device.certificate === body.certificate &&
          sameScopes(device.scopes, body.scopes),
      ) ?? null,
  );
}

function sameScopes(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((scope) => b.includes(scope));
}

export function listDevices(options?: RequestOptions): Promise<DeviceList> {
  return getJson(API, schema(DeviceList), options);
}

export function renameDevice(deviceId: string, name: string): Promise<Device> {
  return putJson(`${API}/${segment(deviceId)}`, { name }, schema(Device));
}

/**
 * Removes a device (its tokens stop working). When the answer is lost, the caller's devices are
 * read again: the device no longer listed means done. Without this, trying again would answer
 * that there is no such device.
 */
export function revokeDevice(deviceId: string): Promise<void> {
  return unlessLanded(
    () => deleteJson(`${API}/${segment(deviceId)}`, noContent),
    async () => ((await listDevices()).devices.some((device) => device.deviceId === deviceId) ? null : undefined),
  );
}

/**
 * Makes an API token for one of the caller's devices. Its value is in the answer alone, so a lost
 * answer (no answer, or a 5xx) cannot be recovered by asking: a token the device now lists with
 * this label and these scopes, that it did not list just before, is revoked (whoever made it can
 * never show its value), and the token is made once more. Without this, the page would show an
 * error and the device would keep a live token nobody has.
 */
export async function createApiToken(deviceId: string, body: ApiTokenCreateRequest): Promise<ApiTokenCreated> {
  const before = new Set(tokensOf(await listDevices(), deviceId).map((token) => token.tokenId));
  const make = (): Promise<ApiTokenCreated> =>
    postJson(`${API}/${segment(deviceId)}/tokens`, body, schema(ApiTokenCreated));
  return unlessLanded(make, async () => {
    const orphans = tokensOf(await listDevices(), deviceId).filter(
      (token) => !before.has(token.tokenId) && token.label === body.label && sameScopes(token.scopes, body.scopes),
    );
    if (orphans.length === 0) return null;
    for (const orphan of orphans) await revokeApiToken(deviceId, orphan.tokenId);
    return make();
  });
}

function tokensOf(list: DeviceList, deviceId: string): readonly ApiToken[] {
  return list.devices.find((device) => device.deviceId === deviceId)?.tokens ?? [];
}

/** Revokes one API token; after a lost answer, the token no longer listed means done (as `revokeDevice`). */
export function revokeApiToken(deviceId: string, tokenId: string): Promise<void> {
  return unlessLanded(
    () => deleteJson(`${API}/${segment(deviceId)}/tokens/${segment(tokenId)}`, noContent),
    async () => (tokensOf(await listDevices(), deviceId).some((token) => token.tokenId === tokenId) ? null : undefined),
  );
}
