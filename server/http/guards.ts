// Who may call a route. Every route in the table names one guard; this is the one place that
// says what each guard checks, so adding a guard (signed-in, staff, admin, …) means adding
// its name to `Guard` and its check to `createGuards`, and the compiler finds the rest.
import type { RequestHandler } from 'express';

export type Guard = 'public';

export type Guards = Readonly<Record<Guard, RequestHandler>>;

export function createGuards(): Guards {
  return {
    public: (_req, _res, next) => next(),
  };
}
