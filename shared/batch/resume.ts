// Resuming a batch (docs/threat-model.md, "Batch plans and resume"): the browser trusts its own
// sealed plan, not the server's list. Before anything more is sent, every item the server lists
// must be the plan's item with the same number, address and delivery, and no item may be
// missing or added: a server that changed where a file goes is caught here. Then the person
// chooses the same files again; each is found by its name and size in the plan. Used by the
// browser's batch page and by `coffer batch --resume` alike.

/** What the checks need of a plan entry (the worker's BatchPlanEntry has these and more). */
interface PlanEntry {
  readonly itemNo: number;
  readonly email: string;
  readonly delivery: string;
  readonly fileName: string;
  readonly size: number;
}

/** An item as the server lists it (what matters for the check). */
interface ServerItem {
  readonly itemNo: number;
  readonly email: string;
  readonly delivery: string;
}

/** True when the server's items are exactly the plan's: same numbers, addresses and deliveries. */
export function planMatchesServer(plan: readonly PlanEntry[], server: readonly ServerItem[]): boolean {
  if (plan.length !== server.length) return false;
  const byNo = new Map(server.map((item) => [item.itemNo, item]));
  if (byNo.size !== server.length) return false;
  return plan.every((entry) => {
    const item = byNo.get(entry.itemNo);
    return item !== undefined && item.email.toLowerCase() === entry.email && item.delivery === entry.delivery;
  });
}

/**
 * The chosen files for the plan's items that still need one: a file counts when its name and
 * size are the plan's. `missing` are the items no chosen file fits.
 */
export function matchFiles<E extends PlanEntry, F extends { readonly name: string; readonly size: number }>(
  entries: readonly E[],
  files: readonly F[],
): { readonly found: ReadonlyMap<number, F>; readonly missing: readonly E[] } {
  const byKey = new Map<string, F>();
  for (const file of files) byKey.set(`${file.size}:${file.name}`, file);
  const found = new Map<number, F>();
  const missing: E[] = [];
  for (const entry of entries) {
    const file = byKey.get(`${entry.size}:${entry.fileName}`);
    if (file) found.set(entry.itemNo, file);
    else missing.push(entry);
  }
  return { found, missing };
}
