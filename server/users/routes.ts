// Admin: users (list, detail, approve, disable, enable, role, reset); staff: the directory;
// everyone signed in: their own language.
import {
  ApproveRequest,
  type Directory,
  EmptyRequest,
  LanguageRequest,
  RoleChangeRequest,
  type UserDetail,
  type UserList,
} from '../../shared/wire/index.js';
import { callerOf } from '../kernel/http/caller.js';
import type { RouteHandler } from '../kernel/http/route.js';
import { bytesIn, idParam, parseInput } from '../kernel/http/validation.js';
import type { UsersService } from './service.js';
import { directoryEntryOut, userDetailOut, userSummaryOut } from '../kernel/accounts/wire.js';
import { sentOut } from '../kernel/domain/invitations.js';

export function setMyLanguage(users: UsersService): RouteHandler {
  return (req, res) => {
    const { lang } = parseInput(LanguageRequest, req.body);
    users.setLanguage(callerOf(res), lang);
    res.status(204).end();
  };
}

export function listUsers(users: UsersService): RouteHandler {
  return (_req, res) => {
    const answer: UserList = { users: users.list().map(userSummaryOut) };
    res.json(answer);
  };
}

export function getUser(users: UsersService): RouteHandler {
  return (req, res) => {
    const answer: UserDetail = userDetailOut(users.detail(idParam(req, 'userId')));
    res.json(answer);
  };
}

export function approveUser(users: UsersService): RouteHandler {
  return async (req, res) => {
    const input = parseInput(ApproveRequest, req.body);
    await users.approve(
      callerOf(res),
      idParam(req, 'userId'),
      bytesIn(input.certificate, 'certificate'),
      bytesIn(input.sealedOfficeKeys, 'sealedOfficeKeys'),
    );
    res.status(204).end();
  };
}

export function disableUser(users: UsersService): RouteHandler {
  return (req, res) => {
    parseInput(EmptyRequest, req.body);
    users.disable(callerOf(res), idParam(req, 'userId'));
    res.status(204).end();
  };
}

export function enableUser(users: UsersService): RouteHandler {
  return (req, res) => {
    parseInput(EmptyRequest, req.body);
    users.enable(callerOf(res), idParam(req, 'userId'));
    res.status(204).end();
  };
}

export function changeRole(users: UsersService): RouteHandler {
  return (req, res) => {
    const input = parseInput(RoleChangeRequest, req.body);
    users.changeRole(
      callerOf(res),
      idParam(req, 'userId'),
      input.role,
      input.certificate === undefined ? undefined : bytesIn(input.certificate, 'certificate'),
    );
    res.status(204).end();
  };
}

/** Answers like an invitation: the reset link is mailed, and whether it was delivered. */
export function resetUser(users: UsersService): RouteHandler {
  return async (req, res) => {
    parseInput(EmptyRequest, req.body);
    res.json(sentOut(await users.reset(callerOf(res), idParam(req, 'userId'))));
  };
}

export function getDirectory(users: UsersService): RouteHandler {
  return (_req, res) => {
    const answer: Directory = {
      members: users.directory().flatMap((user) => {
        const entry = directoryEntryOut(user);
        return entry === undefined ? [] : [entry];
      }),
    };
    res.json(answer);
  };
}
