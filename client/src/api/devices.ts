// Typed calls for enrolled devices and their API tokens (shared/wire/devices.ts is the contract).
// The handover and the certificate are made in the crypto worker; these calls carry them.
import {
  ApiTokenCreated,
  Device,
  DeviceList,
  PendingEnrolments,
  type ApiTokenCreateRequest,
  type EnrolmentApproveRequest,
} from '../../../shared/wire/devices.js';
import { deleteJson, getJson, noContent, postJson, putJson, schema, segment, type RequestOptions } from './http';

export type { ApiToken, DeviceScope } from '../../../shared/wire/devices.js';
export type { Device };

const API = '/api/v1/devices';

export function listPendingEnrolments(options?: RequestOptions): Promise<PendingEnrolments> {
  return getJson(`${API}/enrolments`, schema(PendingEnrolments), options);
}

export function approveEnrolment(enrolmentId: string, body: EnrolmentApproveRequest): Promise<Device> {
  return postJson(`${API}/enrolments/${segment(enrolmentId)}/approve`, body, schema(Device));
}

export function listDevices(options?: RequestOptions): Promise<DeviceList> {
  return getJson(API, schema(DeviceList), options);
}

export function renameDevice(deviceId: string, name: string): Promise<Device> {
  return putJson(`${API}/${segment(deviceId)}`, { name }, schema(Device));
}

export function revokeDevice(deviceId: string): Promise<void> {
  return deleteJson(`${API}/${segment(deviceId)}`, noContent);
}

export function createApiToken(deviceId: string, body: ApiTokenCreateRequest): Promise<ApiTokenCreated> {
  return postJson(`${API}/${segment(deviceId)}/tokens`, body, schema(ApiTokenCreated));
}

export function revokeApiToken(deviceId: string, tokenId: string): Promise<void> {
  return deleteJson(`${API}/${segment(deviceId)}/tokens/${segment(tokenId)}`, noContent);
}
