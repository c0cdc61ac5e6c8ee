// The reserve file under DATA_DIR (server/kernel/storage/space.ts): made only with room to spare, given
// back when the disk fills anyway or a write fails for want of space, made again once space recovered.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStorage } from '../../server/kernel/storage/space.js';
import { memoryLog } from '../helpers/log.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const MIB = 1024 * 1024;
afterAll(removeTempDirs);

describe('the reserve file', () => {
  it('is made with room to spare, given back when the disk fills or a write fails, and made again', async () => {
    const dataDir = await tempDir();
    const disk = { free: 100 * MIB };
    const lows: number[] = [];
    const storage = createStorage({
      dataDir,
      minFreeBytes: 10 * MIB,
      reserveBytes: 2 * MIB,
      log: memoryLog().log,
      freeSpace: () => Promise.resolve(disk.free),
      readingMaxAgeMs: 0,
      failureHoldMs: 300,
    });
    storage.onLow(() => lows.push(disk.free));
    const reserve = join(dataDir, 'reserve');

    // Not enough room for margin and reserve: none is made.
    disk.free = 11 * MIB;
    await storage.ensureReserve();
    expect(existsSync(reserve)).toBe(false);

    disk.free = 100 * MIB;
    await storage.ensureReserve();
    expect(statSync(reserve).size).toBe(2 * MIB);
    // Written, not sparse: the blocks are really taken.
    expect(statSync(reserve).blocks * 512).toBeGreaterThanOrEqual(2 * MIB);

    // Something else fills the disk past the reserve's size: it goes back at once.
    disk.free = 1 * MIB;
    expect(await storage.state()).toBe('low');
    expect(existsSync(reserve)).toBe(false);
    expect(lows).toHaveLength(1);

    disk.free = 100 * MIB;
    expect(await storage.state()).toBe('ok');
    await storage.ensureReserve();
    expect(existsSync(reserve)).toBe(true);

    // A write failed (ENOSPC, SQLITE_FULL) though the last reading looked fine: low, reserve released.
    storage.writeFailed();
    await expect(storage.admit()).rejects.toMatchObject({ status: 507, code: 'storage_full' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(existsSync(reserve)).toBe(false);
    expect(lows).toHaveLength(2);
    expect(await storage.state()).toBe('low');
    // Once the hold passed, a reading that shows the margin ends it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await storage.state()).toBe('ok');
    await expect(storage.admit()).resolves.toBeUndefined();
  });
});
