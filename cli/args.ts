// Puts `coffer`'s arguments in the order node:util's parseArgs reads without guessing.
//
// Coffer's ids are 22 base64url characters, so one in 64 begins with '-'. parseArgs takes such an
// id for an option: `coffer batch --resume -Xb…` is refused as "ambiguous" and `coffer revoke -Xb…`
// as an unknown option, though both are exactly what Coffer printed. Here an option that takes a
// value takes the next argument as that value unless it is itself one of coffer's options, and an
// argument shaped like an id is a positional. Everything else is left for parseArgs to judge.

import { ID_PATTERN } from '../shared/wire/patterns.js';

type OptionShape = Readonly<Record<string, { readonly type: 'string' | 'boolean'; readonly short?: string }>>;

export function separateArgs(argv: readonly string[], options: OptionShape): string[] {
  const shorts = new Set(Object.values(options).flatMap((o) => (o.short === undefined ? [] : [`-${o.short}`])));
  const isOption = (arg: string): boolean =>
    arg === '--' || shorts.has(arg) || (arg.startsWith('--') && (arg.slice(2).split('=')[0] ?? '') in options);
  const flags: string[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    const next = argv[i + 1];
    if (arg.startsWith('--') && options[arg.slice(2)]?.type === 'string' && next !== undefined && !isOption(next)) {
      flags.push(`${arg}=${next}`);
      i++;
    } else if (arg === '-' || !arg.startsWith('-') || ID_PATTERN.test(arg)) {
      positionals.push(arg);
    } else {
      flags.push(arg);
    }
  }
  return [...flags, '--', ...positionals];
}
