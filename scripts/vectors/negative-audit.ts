// Broken audit chains (docs/protocol.md §16): the three entries of audit.json with one entry
// edited, removed, or edited with its hash recomputed, and where a checker finds the break.
import { c, type VectorFiles } from './common.js';
import { auditHash, type ExtraContext } from './extra.js';

type Entry = ExtraContext['entries'][number];

function rehash(entry: Entry): Entry {
  const hash = auditHash({
    ...entry,
    prevHash: c.fromHex(entry.prevHash),
    actorRef: entry.actorRef === null ? null : c.fromHex(entry.actorRef),
    objectRef: entry.objectRef === null ? null : c.fromHex(entry.objectRef),
  });
  return { ...entry, hash: c.toHex(hash) };
}

export function auditNegatives(files: VectorFiles, x: ExtraContext): void {
  const [first, second, third] = x.entries as [Entry, Entry, Entry];
  const edited = { ...second, details: '{"role":"admin"}' };
  files['audit.json'] = {
    ...files['audit.json'],
    negative: [
      {
        name: 'entry-edited',
        reason: "entry 2's details changed, its stored hash kept",
        entries: [first, edited, third],
        firstFailingSeq: 2,
        check: 'hash',
        break: 'changed',
      },
      {
        name: 'entry-removed',
        reason: 'entry 2 deleted',
        entries: [first, third],
        firstFailingSeq: 3,
        check: 'seq',
        break: 'removed',
      },
      {
        name: 'entry-edited-and-rehashed',
        reason: "entry 2's details changed and its hash recomputed: entry 3 still links to the old hash",
        entries: [first, rehash(edited), third],
        firstFailingSeq: 3,
        check: 'prevHash',
        break: 'changed',
      },
    ],
  };
}
