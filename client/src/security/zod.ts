// zod compiles fast object parsers with `new Function` when it may. Under Coffer's CSP
// (no 'unsafe-eval') and Trusted Types even zod's probe for that is reported as a violation,
// so the page and the worker switch it off before anything is parsed.
import { z } from 'zod';

z.config({ jitless: true });
