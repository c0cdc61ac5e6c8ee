// The migrations one by one: 0001_init and 0002_accounts.
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../server/kernel/db/migrate.js';
import { type Db } from '../../server/kernel/db/open.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';
import { MIGRATIONS, open, freshDb, tables } from '../helpers/migrations.js';

afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

afterAll(removeTempDirs);

describe('0001_init', () => {
  it('creates setup_tokens as a strict table with the expected columns', async () => {
    const dir = await tempDir('coffer-migrations-');
    await copyFile(join(MIGRATIONS, '0001_init.sql'), join(dir, '0001_init.sql'));
    const db = await freshDb();
    migrate(db, dir);
    const columns = db.pragma('table_info(setup_tokens)') as {
      name: string;
      type: string;
      notnull: number;
      pk: number;
    }[];
    expect(columns.map(({ name, type, notnull, pk }) => ({ name, type, notnull, pk }))).toEqual([
      { name: 'token_hash', type: 'BLOB', notnull: 1, pk: 1 },
      { name: 'created_at', type: 'INTEGER', notnull: 1, pk: 0 },
      { name: 'expires_at', type: 'INTEGER', notnull: 1, pk: 0 },
      { name: 'used_at', type: 'INTEGER', notnull: 0, pk: 0 },
    ]);
    const list = db.pragma('table_list(setup_tokens)') as { strict: number }[];
    expect(list[0]?.strict).toBe(1);

    const insert = db.prepare(
      'INSERT INTO setup_tokens (token_hash, created_at, expires_at, used_at) VALUES (?, ?, ?, ?)',
    );
    const hash = new Uint8Array(32).fill(7);
    expect(() => insert.run(new Uint8Array(31), 1, 2, null)).toThrow(/CHECK/);
    expect(() => insert.run(hash, 10, 5, null)).toThrow(/CHECK/);
    expect(() => insert.run(hash, 'ten', 20, null)).toThrow(/cannot store TEXT/);
    insert.run(hash, 10, 20, null);
    expect(() => insert.run(hash, 10, 20, null)).toThrow(/UNIQUE|PRIMARY/);
  });
});

describe('0002_accounts', () => {
  async function accountsDb(): Promise<Db> {
    const dir = await tempDir('coffer-migrations-');
    for (const file of ['0001_init.sql', '0002_accounts.sql']) await copyFile(join(MIGRATIONS, file), join(dir, file));
    const db = await freshDb();
    migrate(db, dir);
    return db;
  }

  const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

  function insertUser(db: Db, overrides: Record<string, unknown> = {}) {
    const row = {
      id: bytes(16, 1),
      email: 'anna@kantoor.example',
      name: 'Anna',
      role: 'staff',
      approval: 'pending',
      kdf_salt: bytes(16),
      kdf_ops: 3,
      kdf_mem: 67108864,
      auth_verifier: bytes(32),
      recovery_verifier: bytes(32),
      identity_public_key: bytes(32),
      encryption_public_key: bytes(32),
      encryption_key_signature: bytes(64),
      password_bundle: bytes(140),
      recovery_bundle: bytes(140),
      certificate: null,
      sealed_office_keys: null,
      audit_ref: bytes(16, 9),
      created_at: 1,
      ...overrides,
    };
    const columns = Object.keys(row);
    db.prepare(`INSERT INTO users (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`).run(row);
  }

  it('creates strict tables', async () => {
    const db = await accountsDb();
    const names = [
      'office',
      'users',
      'invitations',
      'sessions',
      'login_tickets',
      'backup_codes',
      'rate_limits',
      'audit_log',
      'audit_people',
    ];
    for (const name of names) {
      const list = db.pragma(`table_list(${name})`) as { strict: number }[];
      expect(list[0]?.strict, name).toBe(1);
    }
    expect(tables(db)).toEqual([...names, 'setup_tokens'].sort());
  });

  it('checks users: lower-case unique address, role, approval and keys together', async () => {
    const db = await accountsDb();
    expect(() => insertUser(db, { email: 'Anna@Kantoor.example' })).toThrow(/CHECK/);
    expect(() => insertUser(db, { role: 'root' })).toThrow(/CHECK/);
    expect(() => insertUser(db, { auth_verifier: bytes(31) })).toThrow(/CHECK/);
    // Approved means certified and holding the office keys.
    expect(() => insertUser(db, { approval: 'approved' })).toThrow(/CHECK/);
    expect(() => insertUser(db, { certificate: bytes(100) })).toThrow(/CHECK/);
    // A reset account has no keys at all.
    expect(() => insertUser(db, { approval: 'reset' })).toThrow(/CHECK/);
    expect(() => insertUser(db, { password_bundle: null })).toThrow(/CHECK/);
    insertUser(db);
    expect(() => insertUser(db, { id: bytes(16, 2), audit_ref: bytes(16, 3) })).toThrow(/UNIQUE/);
    insertUser(db, {
      id: bytes(16, 2),
      email: 'bram@kantoor.example',
      audit_ref: bytes(16, 4),
      approval: 'approved',
      certificate: bytes(100),
      sealed_office_keys: bytes(100),
      certificate_version: 1,
    });
    const reset = Object.fromEntries(
      [
        'kdf_salt',
        'kdf_ops',
        'kdf_mem',
        'auth_verifier',
        'recovery_verifier',
        'identity_public_key',
        'encryption_public_key',
        'encryption_key_signature',
        'password_bundle',
        'recovery_bundle',
      ].map((c) => [c, null]),
    );
    insertUser(db, {
      ...reset,
      id: bytes(16, 5),
      email: 'cas@kantoor.example',
      audit_ref: bytes(16, 6),
      approval: 'reset',
    });
  });

  it('ends sessions, tickets and backup codes with their user, and keeps the office to one row', async () => {
    const db = await accountsDb();
    insertUser(db);
    const user = bytes(16, 1);
    db.prepare(
      'INSERT INTO sessions (token_hash, id, user_id, created_at, last_seen_at, expires_at, device) VALUES (?, ?, ?, 1, 1, 2, ?)',
    ).run(bytes(32), bytes(16, 7), user, 'Firefox on Linux');
    db.prepare(
      "INSERT INTO login_tickets (token_hash, user_id, purpose, created_at, expires_at) VALUES (?, ?, 'signin', 1, 2)",
    ).run(bytes(32), user);
    db.prepare('INSERT INTO backup_codes (user_id, code_hash) VALUES (?, ?)').run(user, bytes(32));
    expect(() =>
      db
        .prepare(
          'INSERT INTO sessions (token_hash, id, user_id, created_at, last_seen_at, expires_at, device) VALUES (?, ?, ?, 1, 1, 2, ?)',
        )
        .run(bytes(32, 2), bytes(16, 8), bytes(16, 99), 'x'),
    ).toThrow(/FOREIGN KEY/);
    db.prepare('DELETE FROM users WHERE id = ?').run(user);
    for (const table of ['sessions', 'login_tickets', 'backup_codes']) {
      expect(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).toBe(0);
    }
    const office = db.prepare(
      'INSERT INTO office (slot, id, name, signing_public_key, encryption_public_key, encryption_key_statement, created_at) VALUES (?, ?, ?, ?, ?, ?, 1)',
    );
    office.run(1, bytes(16), 'Kantoor', bytes(32), bytes(32), bytes(100));
    expect(() => office.run(2, bytes(16), 'Kantoor', bytes(32), bytes(32), bytes(100))).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE office SET logo = ?, logo_type = 'image/svg+xml'").run(bytes(100))).toThrow(
      /CHECK/,
    );
    expect(() => db.prepare('UPDATE office SET logo = ?').run(bytes(100))).toThrow(/CHECK/);
  });

  it('keeps the audit log append-only and chained in order', async () => {
    const db = await accountsDb();
    const insert = db.prepare(
      "INSERT INTO audit_log (seq, at, action, details, prev_hash, hash) VALUES (?, 1, 'setup.completed', '{}', ?, ?)",
    );
    expect(() => insert.run(2, bytes(32, 0), bytes(32))).toThrow(/appended in order/);
    expect(() => insert.run(1, bytes(32, 5), bytes(32))).toThrow(/appended in order/);
    insert.run(1, bytes(32, 0), bytes(32, 7));
    expect(() => insert.run(2, bytes(32, 0), bytes(32))).toThrow(/appended in order/);
    insert.run(2, bytes(32, 7), bytes(32, 8));
    expect(() => db.prepare("UPDATE audit_log SET action = 'x'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log WHERE seq = 2').run()).toThrow(/append-only/);
    expect(() =>
      db
        .prepare(
          "INSERT INTO audit_log (seq, at, action, details, prev_hash, hash) VALUES (3, 1, 'x', 'not json', ?, ?)",
        )
        .run(bytes(32, 8), bytes(32)),
    ).toThrow(/CHECK/);
    expect(() =>
      db
        .prepare(
          "INSERT INTO audit_log (seq, at, action, details, prev_hash, hash) VALUES (3, 1, 'DROP TABLE', '{}', ?, ?)",
        )
        .run(bytes(32, 8), bytes(32)),
    ).toThrow(/CHECK/);
    expect(db.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(2);
  });
});
