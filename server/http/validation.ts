// Request validation with the endpoint's schema from shared/wire. A failure names the paths of
// the fields that were wrong, never the values that were sent.
import type { z } from 'zod';
import { invalidInput } from './errors.js';

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields = [...new Set(result.error.issues.map((issue) => (issue.path.length === 0 ? '(body)' : issue.path.map(String).join('.'))))];
  throw invalidInput(fields);
}
