import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { listMigrations, migrate, MigrationError, schemaVersion } from '../../server/kernel/db/migrate.js';
import { openDatabase, type Db } from '../../server/kernel/db/open.js';
import { projectPaths } from '../../server/kernel/paths.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const MIGRATIONS = projectPaths().migrations;
const LATEST = listMigrations(MIGRATIONS).length;

const open: Db[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});
afterAll(removeTempDirs);

async function freshDb(): Promise<Db> {
  const db = openDatabase(join(await tempDir(), 'coffer.db'));
  open.push(db);
  return db;
}

function tables(db: Db): string[] {
  return db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all() as string[];
}

async function migrationsFolder(files: Record<string, string>): Promise<string> {
  const dir = await tempDir('coffer-migrations-');
  for (const [name, sql] of Object.entries(files)) await writeFile(join(dir, name), sql);
  return dir;
}

function migrationError(run: () => unknown): MigrationError {
  try {
    run();
  } catch (error) {
    if (error instanceof MigrationError) return error;
    throw error;
  }
  throw new Error('expected a MigrationError');
}

describe('openDatabase', () => {
  it('puts the required pragmas in effect', async () => {
    const db = await freshDb();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('secure_delete', { simple: true })).toBe(1);
    // Short: SQLite's wait blocks the event loop; longer waits are on timers (server/kernel/db/busy.ts).
    expect(db.pragma('busy_timeout', { simple: true })).toBe(100);
    expect(db.pragma('journal_size_limit', { simple: true })).toBe(64 * 1024 * 1024);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
  });
});

describe('migrate', () => {
  it('applies every migration to a fresh database and sets user_version to N', async () => {
    const db = await freshDb();
    const result = migrate(db, MIGRATIONS);
    expect(LATEST).toBeGreaterThanOrEqual(1);
    expect(result.from).toBe(0);
    expect(result.to).toBe(LATEST);
    expect(result.applied.map((m) => m.version)).toEqual(Array.from({ length: LATEST }, (_, i) => i + 1));
    expect(schemaVersion(db)).toBe(LATEST);
  });

  it('does nothing when run again', async () => {
    const db = await freshDb();
    migrate(db, MIGRATIONS);
    const before = db.prepare('SELECT sql FROM sqlite_schema ORDER BY name').pluck().all();
    const again = migrate(db, MIGRATIONS);
    expect(again).toMatchObject({ from: LATEST, to: LATEST, applied: [] });
    expect(db.prepare('SELECT sql FROM sqlite_schema ORDER BY name').pluck().all()).toEqual(before);
  });

  it('rolls a failing migration back completely', async () => {
    const dir = await migrationsFolder({
      '0001_first.sql': 'CREATE TABLE first (id INTEGER PRIMARY KEY) STRICT;',
      // The first statement succeeds, the second fails: neither may remain.
      '0002_broken.sql': 'CREATE TABLE second (id INTEGER PRIMARY KEY) STRICT;\nINSERT INTO no_such_table VALUES (1);',
    });
    const db = await freshDb();
    const error = migrationError(() => migrate(db, dir));
    expect(error.kind).toBe('failed');
    expect(error.message).toContain('migration 2 (broken)');
    expect(tables(db)).toEqual(['first']);
    expect(schemaVersion(db)).toBe(1);
    expect(db.inTransaction).toBe(false);
  });

  it('refuses a migration that ends the transaction itself', async () => {
    const dir = await migrationsFolder({ '0001_sneaky.sql': 'CREATE TABLE sneaky (id INTEGER) STRICT; COMMIT;' });
    const db = await freshDb();
    expect(migrationError(() => migrate(db, dir)).kind).toBe('failed');
    expect(schemaVersion(db)).toBe(0);
  });

  it('refuses a database written by a newer Coffer', async () => {
    const db = await freshDb();
    migrate(db, MIGRATIONS);
    db.pragma(`user_version = ${LATEST + 1}`);
    const error = migrationError(() => migrate(db, MIGRATIONS));
    expect(error.kind).toBe('newer_database');
    expect(error.message).toContain('newer Coffer');
    expect(schemaVersion(db)).toBe(LATEST + 1);
  });

  it('refuses a gap in the numbering', async () => {
    const dir = await migrationsFolder({ '0001_a.sql': 'SELECT 1;', '0003_c.sql': 'SELECT 1;' });
    const db = await freshDb();
    expect(migrationError(() => migrate(db, dir)).kind).toBe('numbering');
    expect(schemaVersion(db)).toBe(0);
    const late = await migrationsFolder({ '0002_b.sql': 'SELECT 1;' });
    expect(migrationError(() => listMigrations(late)).kind).toBe('numbering');
  });

  it('refuses a duplicate number', async () => {
    const dir = await migrationsFolder({
      '0001_a.sql': 'SELECT 1;',
      '0001_b.sql': 'SELECT 1;',
      '0002_c.sql': 'SELECT 1;',
    });
    const error = migrationError(() => listMigrations(dir));
    expect(error.kind).toBe('numbering');
    expect(error.message).toContain('two migrations have number 1');
  });

  it('refuses a .sql file that is not named NNNN_name.sql', async () => {
    const dir = await migrationsFolder({ '0001_a.sql': 'SELECT 1;', '2_b.sql': 'SELECT 1;' });
    expect(migrationError(() => listMigrations(dir)).kind).toBe('numbering');
  });

  it('applies only the pending migrations of an older database', async () => {
    const dir = await migrationsFolder({ '0001_a.sql': 'CREATE TABLE a (id INTEGER) STRICT;' });
    const db = await freshDb();
    migrate(db, dir);
    await writeFile(join(dir, '0002_b.sql'), 'CREATE TABLE b (id INTEGER) STRICT;');
    const result = migrate(db, dir);
    expect(result).toMatchObject({ from: 1, to: 2 });
    expect(result.applied.map((m) => m.name)).toEqual(['b']);
    expect(tables(db)).toEqual(['a', 'b']);
  });
});

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

describe('0003_uploads and 0004_shares', () => {
  async function sharesDb(upTo = 4): Promise<Db> {
    const dir = await tempDir('coffer-migrations-');
    for (const file of ['0001_init.sql', '0002_accounts.sql', '0003_uploads.sql', '0004_shares.sql'].slice(0, upTo))
      await copyFile(join(MIGRATIONS, file), join(dir, file));
    const db = await freshDb();
    migrate(db, dir);
    return db;
  }
  const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);
  function user(db: Db, fill: number) {
    db.prepare(
      `INSERT INTO users (id, email, name, role, approval, kdf_salt, kdf_ops, kdf_mem, auth_verifier, recovery_verifier, identity_public_key,
         encryption_public_key, encryption_key_signature, password_bundle, recovery_bundle, audit_ref, created_at)
       VALUES (?, ?, 'U', 'staff', 'pending', ?, 3, 67108864, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
    ).run(
      bytes(16, fill),
      `u${fill}@kantoor.example`,
      bytes(16),
      bytes(32),
      bytes(32),
      bytes(32),
      bytes(32),
      bytes(64),
      bytes(140),
      bytes(140),
      bytes(16, 100 + fill),
    );
    return bytes(16, fill);
  }

  it('creates strict tables', async () => {
    const db = await sharesDb();
    for (const name of [
      'uploads',
      'upload_parts',
      'shares',
      'share_files',
      'share_recipients',
      'recipient_keys',
      'email_codes',
      'grant_uses',
      'pins',
      'audit_people',
    ]) {
      const list = db.pragma(`table_list(${name})`) as { strict: number }[];
      expect(list[0]?.strict, name).toBe(1);
    }
  });

  it('checks uploads: part count fits the size, a finished upload has its blob and hash, parts go with their upload', async () => {
    const db = await sharesDb(3);
    const owner = user(db, 1);
    const insert = db.prepare(
      'INSERT INTO uploads (id, owner_id, size, part_size, part_count, created_at, expires_at) VALUES (?, ?, ?, ?, ?, 1, 2)',
    );
    expect(() => insert.run(bytes(16, 2), owner, 100, 40, 2)).toThrow(/CHECK/);
    expect(() => insert.run(bytes(16, 2), owner, 100, 40, 4)).toThrow(/CHECK/);
    insert.run(bytes(16, 2), owner, 100, 40, 3);
    expect(() => db.prepare('UPDATE uploads SET completed_at = 1 WHERE id = ?').run(bytes(16, 2))).toThrow(/CHECK/);
    db.prepare('INSERT INTO upload_parts (upload_id, part_index, received_at) VALUES (?, 0, 1)').run(bytes(16, 2));
    expect(() =>
      db.prepare('INSERT INTO upload_parts (upload_id, part_index, received_at) VALUES (?, 0, 1)').run(bytes(16, 9)),
    ).toThrow(/FOREIGN KEY/);
    db.prepare('DELETE FROM uploads WHERE id = ?').run(bytes(16, 2));
    expect(db.prepare('SELECT count(*) FROM upload_parts').pluck().get()).toBe(0);
  });

  it('checks shares: guests alone hold Ks and link secrets, keys and secrets go together, a limit is never passed', async () => {
    const db = await sharesDb();
    const sender = user(db, 1);
    const recipientUser = user(db, 2);
    db.prepare(
      `INSERT INTO shares (id, sender_id, manifest, sender_certificate, sender_encryption_key_signature, created_at, expires_at, download_limit, receipt_mail)
       VALUES (?, ?, ?, ?, ?, 1, 2, 1, 0)`,
    ).run(bytes(16, 5), sender, bytes(100), bytes(100), bytes(64));
    expect(() => db.prepare('UPDATE shares SET downloads_used = 2').run()).toThrow(/CHECK/);
    const recipient = db.prepare(
      `INSERT INTO share_recipients (id, share_id, position, kind, user_id, email, audit_ref, access_code, server_half, link_secret_sender, link_secret_office)
       VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // An account recipient holds no Ks; a guest has no user; Ks comes with both link secrets.
    expect(() =>
      recipient.run(
        bytes(16, 6),
        bytes(16, 5),
        'account',
        recipientUser,
        'u2@kantoor.example',
        bytes(16, 7),
        0,
        bytes(32),
        bytes(60),
        bytes(60),
      ),
    ).toThrow(/CHECK/);
    expect(() =>
      recipient.run(
        bytes(16, 6),
        bytes(16, 5),
        'guest',
        recipientUser,
        'g@example.nl',
        bytes(16, 7),
        0,
        bytes(32),
        bytes(60),
        bytes(60),
      ),
    ).toThrow(/CHECK/);
    expect(() =>
      recipient.run(
        bytes(16, 6),
        bytes(16, 5),
        'guest',
        null,
        'g@example.nl',
        bytes(16, 7),
        0,
        bytes(32),
        null,
        bytes(60),
      ),
    ).toThrow(/CHECK/);
    recipient.run(
      bytes(16, 6),
      bytes(16, 5),
      'guest',
      null,
      'g@example.nl',
      bytes(16, 7),
      0,
      bytes(32),
      bytes(60),
      bytes(60),
    );
    expect(() =>
      recipient.run(
        bytes(16, 8),
        bytes(16, 5),
        'guest',
        null,
        'g@example.nl',
        bytes(16, 9),
        0,
        bytes(32),
        bytes(60),
        bytes(60),
      ),
    ).toThrow(/UNIQUE/);
    const file = db.prepare(
      `INSERT INTO share_files (share_id, file_id, position, size, ciphertext_hash, sealed_metadata, blob_id, sender_key, office_key)
       VALUES (?, ?, 0, 46, ?, ?, ?, ?, ?)`,
    );
    expect(() => file.run(bytes(16, 5), bytes(16, 10), bytes(32), bytes(300), bytes(16, 11), null, bytes(60))).toThrow(
      /CHECK/,
    );
    file.run(bytes(16, 5), bytes(16, 10), bytes(32), bytes(300), bytes(16, 11), bytes(60), bytes(60));
    db.prepare('INSERT INTO recipient_keys (recipient_id, file_id, key) VALUES (?, ?, ?)').run(
      bytes(16, 6),
      bytes(16, 10),
      bytes(76),
    );
    db.prepare('INSERT INTO email_codes (recipient_id, code_hash, created_at, expires_at) VALUES (?, ?, 1, 2)').run(
      bytes(16, 6),
      bytes(32),
    );
    db.prepare('DELETE FROM shares WHERE id = ?').run(bytes(16, 5));
    for (const table of ['share_files', 'share_recipients', 'recipient_keys', 'email_codes'])
      expect(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).toBe(0);
  });

  it('keeps the audit pseudonyms across the rebuild of audit_people, and accepts recipients', async () => {
    const db = await sharesDb(3);
    db.prepare(
      "INSERT INTO audit_people (ref, kind, name, email) VALUES (?, 'user', 'Anna', 'anna@kantoor.example')",
    ).run(bytes(16, 1));
    const dir = await tempDir('coffer-migrations-');
    for (const file of ['0001_init.sql', '0002_accounts.sql', '0003_uploads.sql', '0004_shares.sql'])
      await copyFile(join(MIGRATIONS, file), join(dir, file));
    migrate(db, dir);
    expect(db.prepare('SELECT kind, name, email FROM audit_people').all()).toEqual([
      { kind: 'user', name: 'Anna', email: 'anna@kantoor.example' },
    ]);
    db.prepare("INSERT INTO audit_people (ref, kind, email) VALUES (?, 'recipient', 'klant@example.nl')").run(
      bytes(16, 2),
    );
    expect(() => db.prepare("INSERT INTO audit_people (ref, kind) VALUES (?, 'stranger')").run(bytes(16, 3))).toThrow(
      /CHECK/,
    );
  });
});

describe('0005_drops', () => {
  const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);
  const FILES = ['0001_init.sql', '0002_accounts.sql', '0003_uploads.sql', '0004_shares.sql', '0005_drops.sql'];
  async function migrateTo(db: Db, upTo: number): Promise<void> {
    const dir = await tempDir('coffer-migrations-');
    for (const file of FILES.slice(0, upTo)) await copyFile(join(MIGRATIONS, file), join(dir, file));
    migrate(db, dir);
  }
  function user(db: Db) {
    db.prepare(
      `INSERT INTO users (id, email, name, role, approval, kdf_salt, kdf_ops, kdf_mem, auth_verifier, recovery_verifier, identity_public_key,
         encryption_public_key, encryption_key_signature, password_bundle, recovery_bundle, audit_ref, created_at)
       VALUES (?, 'u@kantoor.example', 'U', 'staff', 'pending', ?, 3, 67108864, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
    ).run(
      bytes(16),
      bytes(16),
      bytes(32),
      bytes(32),
      bytes(32),
      bytes(32),
      bytes(64),
      bytes(140),
      bytes(140),
      bytes(16, 100),
    );
    return bytes(16);
  }
  function drop(db: Db, owner: Uint8Array, fill: number, email: string | null, personal = 0, singleUse = 0) {
    db.prepare(
      `INSERT INTO drops (id, owner_id, audit_ref, link_ref, created_at, expires_at, personal, title, instructions, email, max_files, max_bytes,
         single_use, public_key, secrets_owner, secrets_office, label_owner, label_office)
       VALUES (?, ?, ?, ?, 1, 2, ?, 'Titel', '', ?, 10, 1000, ?, ?, ?, ?, ?, ?)`,
    ).run(
      bytes(16, fill),
      owner,
      bytes(16, fill + 1),
      bytes(16, fill + 2),
      personal,
      email,
      singleUse,
      bytes(32),
      bytes(190),
      bytes(190),
      bytes(376),
      bytes(376),
    );
    return bytes(16, fill);
  }

  it('keeps uploads in progress and their parts through the rebuild of uploads', async () => {
    const db = await freshDb();
    await migrateTo(db, 4);
    const owner = user(db);
    db.prepare(
      'INSERT INTO uploads (id, owner_id, size, part_size, part_count, created_at, expires_at) VALUES (?, ?, 100, 40, 3, 1, 2)',
    ).run(bytes(16, 2), owner);
    db.prepare('INSERT INTO upload_parts (upload_id, part_index, received_at) VALUES (?, 0, 1), (?, 2, 1)').run(
      bytes(16, 2),
      bytes(16, 2),
    );
    await migrateTo(db, 5);
    expect(schemaVersion(db)).toBe(5);
    expect(db.prepare('SELECT owner_id, drop_session_id FROM uploads').all()).toEqual([
      { owner_id: Buffer.from(owner), drop_session_id: null },
    ]);
    expect(db.prepare('SELECT part_index FROM upload_parts ORDER BY part_index').pluck().all()).toEqual([0, 2]);
    // The parts still go with their upload.
    db.prepare('DELETE FROM uploads').run();
    expect(db.prepare('SELECT count(*) FROM upload_parts').pluck().get()).toBe(0);
    for (const name of [
      'drops',
      'drop_sessions',
      'drop_codes',
      'drop_uploads',
      'drop_files',
      'uploads',
      'upload_parts',
    ]) {
      expect((db.pragma(`table_list(${name})`) as { strict: number }[])[0]?.strict, name).toBe(1);
    }
  });

  it('gives an upload exactly one owner, a member or a drop session, and drops their rules', async () => {
    const db = await freshDb();
    await migrateTo(db, 5);
    const owner = user(db);
    // A personal drop is bound and reusable; keys and labels go together.
    expect(() => drop(db, owner, 10, null, 1)).toThrow(/CHECK/);
    expect(() => drop(db, owner, 10, 'k@example.nl', 1, 1)).toThrow(/CHECK/);
    const dropId = drop(db, owner, 10, 'k@example.nl', 1);
    expect(() => db.prepare('UPDATE drops SET label_office = NULL').run()).toThrow(/CHECK/);
    db.prepare('INSERT INTO drop_sessions (id, drop_id, created_at, expires_at) VALUES (?, ?, 1, 2)').run(
      bytes(16, 20),
      dropId,
    );
    const insert = db.prepare(
      'INSERT INTO uploads (id, owner_id, drop_session_id, size, part_size, part_count, created_at, expires_at) VALUES (?, ?, ?, 10, 10, 1, 1, 2)',
    );
    expect(() => insert.run(bytes(16, 30), null, null)).toThrow(/CHECK/);
    expect(() => insert.run(bytes(16, 30), owner, bytes(16, 20))).toThrow(/CHECK/);
    expect(() => insert.run(bytes(16, 30), null, bytes(16, 99))).toThrow(/FOREIGN KEY/);
    insert.run(bytes(16, 30), null, bytes(16, 20));
    db.prepare('INSERT INTO drop_uploads (id, drop_id, manifest, received_at) VALUES (?, ?, ?, 1)').run(
      bytes(16, 40),
      dropId,
      bytes(100),
    );
    db.prepare(
      'INSERT INTO drop_files (drop_upload_id, file_id, position, size, ciphertext_hash, sealed_metadata, blob_id, sealed_key) VALUES (?, ?, 0, 46, ?, ?, ?, ?)',
    ).run(bytes(16, 40), bytes(16, 41), bytes(32), bytes(300), bytes(16, 42), bytes(155));
    db.prepare('INSERT INTO drop_codes (drop_id, code_hash, created_at, expires_at) VALUES (?, ?, 1, 2)').run(
      dropId,
      bytes(32),
    );
    // Deleting the drop takes everything that hangs on it.
    db.prepare('DELETE FROM drops').run();
    for (const table of ['drop_sessions', 'uploads', 'drop_uploads', 'drop_files', 'drop_codes'])
      expect(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).toBe(0);
  });
});

describe('the foreign-keys-off marker', () => {
  const parent =
    'CREATE TABLE parent (id INTEGER PRIMARY KEY, v INTEGER) STRICT;\nCREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent (id) ON DELETE CASCADE) STRICT;\nINSERT INTO parent VALUES (1, 1);\nINSERT INTO child VALUES (1, 1);';
  const rebuild =
    'CREATE TABLE parent_next (id INTEGER PRIMARY KEY, v INTEGER CHECK (v > 0)) STRICT;\nINSERT INTO parent_next SELECT * FROM parent;\nDROP TABLE parent;\nALTER TABLE parent_next RENAME TO parent;';

  it('turns foreign keys off around the transaction, so dropping a parent cascades nothing, and on again after', async () => {
    const dir = await migrationsFolder({
      '0001_a.sql': parent,
      '0002_b.sql': `-- coffer:foreign-keys-off\n${rebuild}`,
    });
    const db = await freshDb();
    migrate(db, dir);
    expect(db.prepare('SELECT count(*) FROM child').pluck().get()).toBe(1);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    // The child's reference now names the rebuilt table, with its cascade.
    db.prepare('DELETE FROM parent').run();
    expect(db.prepare('SELECT count(*) FROM child').pluck().get()).toBe(0);
  });

  it('is needed: the same rebuild without it loses the child rows (the reason for the marker)', async () => {
    const dir = await migrationsFolder({ '0001_a.sql': parent, '0002_b.sql': rebuild });
    const db = await freshDb();
    migrate(db, dir);
    expect(db.prepare('SELECT count(*) FROM child').pluck().get()).toBe(0);
  });

  it('still refuses a migration that leaves a broken reference, and turns foreign keys on again', async () => {
    const dir = await migrationsFolder({
      '0001_a.sql': parent,
      '0002_b.sql': '-- coffer:foreign-keys-off\nDELETE FROM parent;',
    });
    const db = await freshDb();
    const error = migrationError(() => migrate(db, dir));
    expect(error.kind).toBe('failed');
    expect(error.message).toContain('foreign key');
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare('SELECT count(*) FROM parent').pluck().get()).toBe(1);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });
});

describe('0006_clients', () => {
  const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);
  const FILES = [
    '0001_init.sql',
    '0002_accounts.sql',
    '0003_uploads.sql',
    '0004_shares.sql',
    '0005_drops.sql',
    '0006_clients.sql',
  ];
  async function migrateTo(db: Db, upTo: number): Promise<void> {
    const dir = await tempDir('coffer-migrations-');
    for (const file of FILES.slice(0, upTo)) await copyFile(join(MIGRATIONS, file), join(dir, file));
    migrate(db, dir);
  }
  function user(db: Db, fill: number, role = 'staff', approved = false, officeKeys = approved) {
    db.prepare(
      `INSERT INTO users (id, email, name, role, approval, kdf_salt, kdf_ops, kdf_mem, auth_verifier, recovery_verifier, identity_public_key,
         encryption_public_key, encryption_key_signature, password_bundle, recovery_bundle, certificate, certificate_version, sealed_office_keys,
         audit_ref, created_at)
       VALUES (?, ?, 'U', ?, ?, ?, 3, 67108864, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
    ).run(
      bytes(16, fill),
      `u${fill}@kantoor.example`,
      role,
      approved ? 'approved' : 'pending',
      bytes(16),
      bytes(32),
      bytes(32),
      bytes(32),
      bytes(32),
      bytes(64),
      bytes(140),
      bytes(140),
      approved ? bytes(100) : null,
      approved ? 1 : 0,
      officeKeys ? bytes(100) : null,
      bytes(16, 100 + fill),
    );
    return bytes(16, fill);
  }
  function drop(db: Db, owner: Uint8Array, fill: number) {
    db.prepare(
      `INSERT INTO drops (id, owner_id, audit_ref, link_ref, created_at, expires_at, personal, title, instructions, email, max_files, max_bytes,
         single_use, public_key, secrets_owner, secrets_office, label_owner, label_office)
       VALUES (?, ?, ?, ?, 1, 2, 1, 'Titel', '', 'k@example.nl', 10, 1000, 0, ?, ?, ?, ?, ?)`,
    ).run(
      bytes(16, fill),
      owner,
      bytes(16, fill + 1),
      bytes(16, fill + 2),
      bytes(32),
      bytes(190),
      bytes(190),
      bytes(376),
      bytes(376),
    );
    return bytes(16, fill);
  }

  it('rebuilds users keeping every row that refers to a user: sessions, pins, shares, uploads, drops, invitations', async () => {
    const db = await freshDb();
    await migrateTo(db, 5);
    const anna = user(db, 1, 'admin', true);
    const bram = user(db, 2, 'staff', true);
    db.prepare(
      'INSERT INTO sessions (token_hash, id, user_id, created_at, last_seen_at, expires_at, device) VALUES (?, ?, ?, 1, 1, 2, ?)',
    ).run(bytes(32, 1), bytes(16, 50), anna, 'Firefox on Linux');
    db.prepare(
      "INSERT INTO login_tickets (token_hash, user_id, purpose, created_at, expires_at) VALUES (?, ?, 'signin', 1, 2)",
    ).run(bytes(32, 2), bram);
    db.prepare('INSERT INTO backup_codes (user_id, code_hash) VALUES (?, ?)').run(anna, bytes(32, 3));
    db.prepare(
      "INSERT INTO pins (owner_id, subject, subject_id, envelope, updated_at) VALUES (?, 'user', ?, ?, 1)",
    ).run(anna, bram, bytes(120));
    db.prepare(
      `INSERT INTO invitations (id, token_hash, kind, user_id, email, role, audit_ref, invited_by, created_at, expires_at)
       VALUES (?, ?, 'invitation', ?, 'c@kantoor.example', 'staff', ?, ?, 1, 2)`,
    ).run(bytes(16, 60), bytes(32, 4), bytes(16, 61), bytes(16, 62), anna);
    db.prepare(
      'INSERT INTO uploads (id, owner_id, size, part_size, part_count, created_at, expires_at) VALUES (?, ?, 10, 10, 1, 1, 2)',
    ).run(bytes(16, 70), anna);
    db.prepare(
      `INSERT INTO shares (id, sender_id, manifest, sender_certificate, sender_encryption_key_signature, created_at, expires_at, download_limit, receipt_mail)
       VALUES (?, ?, ?, ?, ?, 1, 2, 1, 0)`,
    ).run(bytes(16, 80), anna, bytes(100), bytes(100), bytes(64));
    db.prepare(
      `INSERT INTO share_recipients (id, share_id, position, kind, user_id, email, audit_ref, access_code) VALUES (?, ?, 0, 'account', ?, 'u2@kantoor.example', ?, 0)`,
    ).run(bytes(16, 81), bytes(16, 80), bram, bytes(16, 82));
    drop(db, bram, 90);
    const counts = () =>
      Object.fromEntries(
        [
          'users',
          'sessions',
          'login_tickets',
          'backup_codes',
          'pins',
          'invitations',
          'uploads',
          'shares',
          'share_recipients',
          'drops',
        ].map((t) => [t, db.prepare(`SELECT count(*) FROM ${t}`).pluck().get()]),
      );
    const before = counts();
    expect(Object.values(before).every((n) => n !== 0)).toBe(true);

    await migrateTo(db, 6);
    expect(schemaVersion(db)).toBe(6);
    expect(counts()).toEqual(before);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect((db.pragma('table_list(users)') as { strict: number }[])[0]?.strict).toBe(1);
    // The other tables' references follow the rebuilt table, cascades included.
    expect(() =>
      db
        .prepare('INSERT INTO pins (owner_id, subject, subject_id, envelope, updated_at) VALUES (?, ?, ?, ?, 1)')
        .run(bytes(16, 99), 'user', anna, bytes(120)),
    ).toThrow(/FOREIGN KEY/);
    db.prepare('DELETE FROM login_tickets').run();
    db.prepare('DELETE FROM users WHERE id = ?').run(user(db, 3));
    expect(db.prepare('SELECT count(*) FROM sessions WHERE user_id = ?').pluck().get(anna)).toBe(1);
  });

  it('certifies clients without ever giving them the office keys; members keep both together', async () => {
    const db = await freshDb();
    await migrateTo(db, 6);
    expect(() => user(db, 1, 'client', true, true)).toThrow(/CHECK/);
    expect(() => user(db, 1, 'client', false, true)).toThrow(/CHECK/);
    const client = user(db, 1, 'client', true, false);
    expect(() => db.prepare('UPDATE users SET sealed_office_keys = ? WHERE id = ?').run(bytes(100), client)).toThrow(
      /CHECK/,
    );
    expect(() =>
      db.prepare("UPDATE users SET approval = 'pending', certificate = NULL WHERE id = ?").run(client),
    ).not.toThrow();
    user(db, 2, 'client', false, false);
    expect(() => user(db, 3, 'staff', true, false)).toThrow(/CHECK/);
    expect(() => user(db, 3, 'staff', false, true)).toThrow(/CHECK/);
    user(db, 3, 'staff', true, true);
  });

  it('ties a personal drop, its sessions and uploads to a client', async () => {
    const db = await freshDb();
    await migrateTo(db, 6);
    const staff = user(db, 1, 'staff', true);
    const client = user(db, 2, 'client', true, false);
    const dropId = drop(db, staff, 10);
    expect(() => db.prepare('UPDATE drops SET client_link = ? WHERE id = ?').run(bytes(100), dropId)).toThrow(/CHECK/);
    expect(() => db.prepare('UPDATE drops SET client_id = ? WHERE id = ?').run(bytes(16, 99), dropId)).toThrow(
      /FOREIGN KEY/,
    );
    db.prepare('UPDATE drops SET client_id = ?, client_link = ? WHERE id = ?').run(client, bytes(100), dropId);
    // One personal drop per client; only a personal drop has a client.
    expect(() => {
      const other = drop(db, staff, 20);
      db.prepare('UPDATE drops SET client_id = ? WHERE id = ?').run(client, other);
    }).toThrow(/UNIQUE/);
    expect(() => db.prepare('UPDATE drops SET personal = 0, email = NULL WHERE id = ?').run(dropId)).toThrow(/CHECK/);
    db.prepare('INSERT INTO drop_sessions (id, drop_id, created_at, expires_at, client_id) VALUES (?, ?, 1, 2, ?)').run(
      bytes(16, 30),
      dropId,
      client,
    );
    db.prepare('INSERT INTO drop_uploads (id, drop_id, manifest, received_at, client_id) VALUES (?, ?, ?, 1, ?)').run(
      bytes(16, 40),
      dropId,
      bytes(100),
      client,
    );
    expect(() =>
      db
        .prepare('INSERT INTO drop_sessions (id, drop_id, created_at, expires_at, client_id) VALUES (?, ?, 1, 2, ?)')
        .run(bytes(16, 31), dropId, bytes(16, 98)),
    ).toThrow(/FOREIGN KEY/);
    // A client account with a drop, sessions or uploads cannot just vanish from under them.
    expect(() => db.prepare('DELETE FROM users WHERE id = ?').run(client)).toThrow(/FOREIGN KEY/);
  });
});

// migrations/0007_mail_queue.sql
describe('the mail queue migration (mail_queue)', () => {
  it('creates a strict table whose outcome and ref go together', async () => {
    const db = await freshDb();
    migrate(db, MIGRATIONS);
    expect(listMigrations(MIGRATIONS).some((m) => m.name === 'mail_queue')).toBe(true);
    expect((db.pragma('table_list(mail_queue)') as { strict: number }[])[0]?.strict).toBe(1);
    const insert = db.prepare(
      `INSERT INTO mail_queue (outcome, ref, recipient, subject, body_text, next_attempt_at, created_at)
       VALUES (?, ?, 'a@example.nl', 's', 't', 0, 0)`,
    );
    insert.run(null, null);
    insert.run('share_recipient', new Uint8Array(16));
    expect(() => insert.run('share_recipient', null)).toThrow(/CHECK/);
    expect(() => insert.run(null, new Uint8Array(16))).toThrow(/CHECK/);
    expect(db.prepare('SELECT count(*) FROM mail_queue').pluck().get()).toBe(2);
  });
});

// migrations/0009_drop_records.sql
describe('0009_drop_records', () => {
  const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);
  async function migrateTo(db: Db, files: readonly string[]): Promise<void> {
    const dir = await tempDir('coffer-migrations-');
    for (const file of files) await copyFile(join(MIGRATIONS, file), join(dir, file));
    migrate(db, dir);
  }
  const BEFORE = [
    '0001_init.sql',
    '0002_accounts.sql',
    '0003_uploads.sql',
    '0004_shares.sql',
    '0005_drops.sql',
    '0006_clients.sql',
    '0007_mail_queue.sql',
    '0008_upload_commit.sql',
  ];
  function insertDrop(db: Db, owner: Uint8Array, fill: number, signedRecord?: Uint8Array | null) {
    const withRecord = signedRecord !== undefined;
    db.prepare(
      `INSERT INTO drops (id, owner_id, audit_ref, link_ref, created_at, expires_at, personal, title, instructions, email, max_files, max_bytes,
         single_use, public_key, secrets_owner, secrets_office, label_owner, label_office${withRecord ? ', signed_record' : ''})
       VALUES (?, ?, ?, ?, 1, 2, 0, 'Titel', '', NULL, 10, 1000, 0, ?, ?, ?, ?, ?${withRecord ? ', ?' : ''})`,
    ).run(
      bytes(16, fill),
      owner,
      bytes(16, fill + 1),
      bytes(16, fill + 2),
      bytes(32),
      bytes(190),
      bytes(190),
      bytes(376),
      bytes(376),
      ...(withRecord ? [signedRecord] : []),
    );
  }

  it('keeps drops made before records (record NULL) and stores a record of a signed envelope’s length', async () => {
    const db = await freshDb();
    await migrateTo(db, BEFORE);
    const owner = bytes(16, 9);
    db.prepare(
      `INSERT INTO users (id, email, name, role, approval, audit_ref, created_at, kdf_salt, kdf_ops, kdf_mem, auth_verifier,
         recovery_verifier, identity_public_key, encryption_public_key, encryption_key_signature, password_bundle, recovery_bundle)
       VALUES (?, 'o@kantoor.example', 'O', 'staff', 'pending', ?, 1, ?, 3, 67108864, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      owner,
      bytes(16, 99),
      bytes(16),
      bytes(32),
      bytes(32),
      bytes(32),
      bytes(32),
      bytes(64),
      bytes(140),
      bytes(140),
    );
    insertDrop(db, owner, 20);
    await migrateTo(db, [...BEFORE, '0009_drop_records.sql']);
    expect(schemaVersion(db)).toBe(9);
    expect(db.prepare('SELECT signed_record FROM drops').pluck().get()).toBeNull();
    insertDrop(db, owner, 30, bytes(249));
    expect(() => insertDrop(db, owner, 40, bytes(10))).toThrow(/CHECK/);
    expect(db.prepare('SELECT count(*) FROM drops WHERE signed_record IS NOT NULL').pluck().get()).toBe(1);
  });
});
