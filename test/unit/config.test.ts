import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_MAIL_FROM, parseConfig, type Env } from '../../server/kernel/config.js';
import { runCoffer } from '../helpers/process.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

afterAll(removeTempDirs);

function configError(env: Env): ConfigError {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const SMTP = {
  PUBLIC_URL: 'https://files.office.example',
  SMTP_URL: 'smtp://mailer:hunter2-secret@mail.office.example:587',
  MAIL_FROM: 'Office <coffer@office.example>',
};

describe('parseConfig', () => {
  it('has defaults for a local development start', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      dataDir: resolve('./data'),
      publicUrl: 'http://localhost:8080',
      publicUrlIsHttps: false,
      publicUrlIsLocal: true,
      trustProxy: false,
      logLevel: 'info',
      mail: { transport: 'outbox', from: DEFAULT_MAIL_FROM, forced: false },
      sessionIdleMinutes: 60,
      sessionMaxHours: 12,
      maxFileMib: 10_240,
      quotaMib: 102_400,
      sweepIntervalSeconds: 60,
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.mail)).toBe(true);
  });

  it('derives the default PUBLIC_URL from PORT and stores PUBLIC_URL as its origin', () => {
    expect(parseConfig({ PORT: '3000' }).publicUrl).toBe('http://localhost:3000');
    expect(parseConfig({ ...SMTP, PUBLIC_URL: 'https://Files.Office.Example:443/' }).publicUrl).toBe(
      'https://files.office.example',
    );
    expect(parseConfig({ PUBLIC_URL: 'http://127.0.0.1:9000' }).publicUrl).toBe('http://127.0.0.1:9000');
    expect(parseConfig({ PUBLIC_URL: 'http://[::1]:9000' }).publicUrl).toBe('http://[::1]:9000');
  });

  it('resolves DATA_DIR to an absolute path and treats empty variables as unset', () => {
    expect(parseConfig({ DATA_DIR: 'some/where' }).dataDir).toBe(resolve('some/where'));
    expect(parseConfig({ PORT: '', LOG_LEVEL: '' })).toMatchObject({ port: 8080, logLevel: 'info' });
  });

  it('uses SMTP when SMTP_URL is set, keeping the URL out of printed forms', () => {
    const config = parseConfig(SMTP);
    expect(config.mail.transport).toBe('smtp');
    if (config.mail.transport !== 'smtp') return;
    expect(config.mail.url.reveal()).toBe(SMTP.SMTP_URL);
    expect(config.mail.from).toBe(SMTP.MAIL_FROM);
    expect(JSON.stringify(config)).not.toContain('hunter2');
    expect(String(config.mail.url)).not.toContain('hunter2');
  });

  it('uses the outbox when MAIL_OUTBOX asks for it, even with SMTP_URL or a public address', () => {
    expect(parseConfig({ ...SMTP, MAIL_OUTBOX: '1' }).mail).toMatchObject({
      transport: 'outbox',
      forced: true,
      from: SMTP.MAIL_FROM,
    });
    expect(parseConfig({ PUBLIC_URL: 'https://files.office.example', MAIL_OUTBOX: 'true' }).mail).toMatchObject({
      transport: 'outbox',
      from: DEFAULT_MAIL_FROM,
    });
  });

  it('accepts TRUST_PROXY as hop count, addresses, CIDRs and range names', () => {
    expect(parseConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(parseConfig({ TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(parseConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(parseConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8, 192.168.1.10' }).trustProxy).toEqual([
      'loopback',
      '10.0.0.0/8',
      'fd00::/8',
      '192.168.1.10',
    ]);
  });

  it('reads the session lifetimes within their ranges', () => {
    expect(parseConfig({ SESSION_IDLE_MINUTES: '5', SESSION_MAX_HOURS: '1' })).toMatchObject({
      sessionIdleMinutes: 5,
      sessionMaxHours: 1,
    });
    expect(parseConfig({ SESSION_IDLE_MINUTES: '1440', SESSION_MAX_HOURS: '720' })).toMatchObject({
      sessionIdleMinutes: 1440,
      sessionMaxHours: 720,
    });
    expect(parseConfig({ SESSION_IDLE_MINUTES: ' 30 ', SESSION_MAX_HOURS: '' })).toMatchObject({
      sessionIdleMinutes: 30,
      sessionMaxHours: 12,
    });
  });

  it('reads the file size limit, the quota and the sweep interval (0 turns the sweeper off)', () => {
    expect(parseConfig({ MAX_FILE_MIB: '1', QUOTA_MIB: '104857600', SWEEP_INTERVAL_SECONDS: '0' })).toMatchObject({
      maxFileMib: 1,
      quotaMib: 104_857_600,
      sweepIntervalSeconds: 0,
    });
    expect(parseConfig({ MAX_FILE_MIB: '1048576', SWEEP_INTERVAL_SECONDS: '86400' })).toMatchObject({
      maxFileMib: 1_048_576,
      sweepIntervalSeconds: 86_400,
    });
  });

  it('reads the free-space margin and the reserve (0 turns either off), refusing anything else', () => {
    expect(parseConfig({})).toMatchObject({ minFreeMib: 1024, reserveMib: 64 });
    expect(parseConfig({ MIN_FREE_MIB: '0', RESERVE_MIB: '0' })).toMatchObject({ minFreeMib: 0, reserveMib: 0 });
    expect(parseConfig({ MIN_FREE_MIB: '4096', RESERVE_MIB: '4096' })).toMatchObject({
      minFreeMib: 4096,
      reserveMib: 4096,
    });
    expect(() => parseConfig({ MIN_FREE_MIB: '-1' })).toThrow(/^MIN_FREE_MIB must be a whole number from 0 to 1048576/);
    expect(() => parseConfig({ RESERVE_MIB: '4097' })).toThrow(/^RESERVE_MIB must be a whole number from 0 to 4096/);
  });

  it('reads the mail server timeout, 10 s unless told', () => {
    expect(parseConfig({}).mailTimeoutSeconds).toBe(10);
    expect(parseConfig({ MAIL_TIMEOUT_SECONDS: '1' }).mailTimeoutSeconds).toBe(1);
    expect(() => parseConfig({ MAIL_TIMEOUT_SECONDS: '0' })).toThrow(
      /^MAIL_TIMEOUT_SECONDS must be a whole number from 1 to 300/,
    );
  });

  it.each<[string, Env, RegExp]>([
    ['MAX_FILE_MIB zero', { MAX_FILE_MIB: '0' }, /^MAX_FILE_MIB must be a whole number from 1 to 1048576/],
    ['MAX_FILE_MIB too large', { MAX_FILE_MIB: '1048577' }, /^MAX_FILE_MIB /],
    ['QUOTA_MIB not a number', { QUOTA_MIB: '10G' }, /^QUOTA_MIB must be a whole number/],
    [
      'SWEEP_INTERVAL_SECONDS negative',
      { SWEEP_INTERVAL_SECONDS: '-1' },
      /^SWEEP_INTERVAL_SECONDS must be a whole number from 0 to 86400/,
    ],
    [
      'SESSION_IDLE_MINUTES below 5',
      { SESSION_IDLE_MINUTES: '4' },
      /^SESSION_IDLE_MINUTES must be a whole number from 5 to 1440/,
    ],
    ['SESSION_IDLE_MINUTES above a day', { SESSION_IDLE_MINUTES: '1441' }, /^SESSION_IDLE_MINUTES /],
    ['SESSION_IDLE_MINUTES not a number', { SESSION_IDLE_MINUTES: '1h' }, /^SESSION_IDLE_MINUTES /],
    ['SESSION_IDLE_MINUTES a fraction', { SESSION_IDLE_MINUTES: '7.5' }, /^SESSION_IDLE_MINUTES /],
    ['SESSION_MAX_HOURS zero', { SESSION_MAX_HOURS: '0' }, /^SESSION_MAX_HOURS must be a whole number from 1 to 720/],
    ['SESSION_MAX_HOURS above 30 days', { SESSION_MAX_HOURS: '721' }, /^SESSION_MAX_HOURS /],
    ['SESSION_MAX_HOURS negative', { SESSION_MAX_HOURS: '-1' }, /^SESSION_MAX_HOURS /],
    ['PORT abc', { PORT: 'abc' }, /^PORT /],
    ['PORT out of range', { PORT: '70000' }, /^PORT /],
    [
      'PUBLIC_URL over http on a real host',
      { PUBLIC_URL: 'http://office.example' },
      /PUBLIC_URL must be https unless it is localhost/,
    ],
    ['PUBLIC_URL with a path', { ...SMTP, PUBLIC_URL: 'https://office.example/coffer' }, /^PUBLIC_URL .*path/],
    ['PUBLIC_URL with a query', { ...SMTP, PUBLIC_URL: 'https://office.example/?a=1' }, /^PUBLIC_URL /],
    ['PUBLIC_URL with a fragment', { ...SMTP, PUBLIC_URL: 'https://office.example#x' }, /^PUBLIC_URL /],
    ['PUBLIC_URL not a URL', { PUBLIC_URL: 'office.example' }, /^PUBLIC_URL /],
    ['PUBLIC_URL with credentials', { ...SMTP, PUBLIC_URL: 'https://a:b@office.example' }, /^PUBLIC_URL /],
    ['PUBLIC_URL missing with PORT 0', { PORT: '0' }, /^PUBLIC_URL must be set when PORT is 0/],
    ['TRUST_PROXY true', { TRUST_PROXY: 'true' }, /^TRUST_PROXY=true is refused.*address/],
    ['TRUST_PROXY garbage', { TRUST_PROXY: 'proxy.example' }, /^TRUST_PROXY /],
    ['TRUST_PROXY bad CIDR', { TRUST_PROXY: '10.0.0.0/33' }, /^TRUST_PROXY /],
    ['SMTP_URL missing for a public address', { PUBLIC_URL: 'https://files.office.example' }, /^SMTP_URL must be set/],
    ['SMTP_URL with another scheme', { ...SMTP, SMTP_URL: 'http://mail.office.example' }, /^SMTP_URL /],
    ['MAIL_FROM missing with SMTP', { ...SMTP, MAIL_FROM: undefined }, /^MAIL_FROM must be set/],
    ['MAIL_FROM with a line break', { ...SMTP, MAIL_FROM: 'a@b.example\r\nBcc: x@y.example' }, /^MAIL_FROM /],
    ['MAIL_OUTBOX yes', { MAIL_OUTBOX: 'yes' }, /^MAIL_OUTBOX /],
    ['bad LOG_LEVEL', { LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of/],
  ])('refuses %s, naming the variable', (_name, env, message) => {
    expect(configError(env).message).toMatch(message);
  });

  it('never repeats the SMTP_URL (and its password) in an error', () => {
    const secret = 'sm7p-pa55word';
    const errors = [
      configError({ ...SMTP, SMTP_URL: `ftp://user:${secret}@mail.office.example` }),
      configError({ ...SMTP, SMTP_URL: `smtp://user:${secret}@mail.office.example`, MAIL_FROM: undefined }),
      configError({
        ...SMTP,
        SMTP_URL: `smtp://user:${secret}@mail.office.example`,
        PUBLIC_URL: 'http://office.example',
      }),
      configError({ ...SMTP, SMTP_URL: `not a url ${secret}` }),
    ];
    for (const error of errors) {
      expect(error.message).not.toContain(secret);
      expect(String(error.stack)).not.toContain(secret);
    }
  });

  it('reports every problem at once', () => {
    const message = configError({ PORT: 'abc', LOG_LEVEL: 'loud' }).message;
    expect(message).toContain('PORT');
    expect(message).toContain('LOG_LEVEL');
  });
});

describe('the server entry with a bad configuration', () => {
  it('exits with code 2 and names the variable on stderr', async () => {
    const dataDir = join(await tempDir(), 'data');
    const result = await runCoffer('main', [], { PUBLIC_URL: 'http://office.example', DATA_DIR: dataDir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Configuration error: PUBLIC_URL must be https unless it is localhost');
    expect(result.stdout).toBe('');
  });
});
