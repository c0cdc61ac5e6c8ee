// The password strength estimator: zxcvbn-ts with its common dictionaries (including the
// passwords found in leaks), English, and Dutch. Megabytes of word lists, so it is loaded
// only on pages that ask for a new password (import('./strength') there), and once.
import { ZxcvbnFactory, type ZxcvbnResult } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import * as dutch from '@zxcvbn-ts/language-nl-be';
import { MAX_PASSWORD_LENGTH, type Strength } from './policy';

let factory: ZxcvbnFactory | undefined;

function estimator(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({
    // No translations: warnings stay zxcvbn's keys, which policy.ts maps to Coffer's messages.
    dictionary: { ...common.dictionary, ...english.dictionary, ...dutch.dictionary },
    graphs: common.adjacencyGraphs,
    useLevenshteinDistance: false,
    maxLength: MAX_PASSWORD_LENGTH,
  });
  return factory;
}

/**
 * From zxcvbn's result: its score, its main warning, and whether the whole password (perhaps
 * capitalised, reversed or in l33t) is one from the leaked-password list. Words of that list
 * inside a longer passphrase are left to the score.
 */
function strengthOf(result: ZxcvbnResult): Strength {
  const length = result.password.length;
  const leaked = result.sequence.some(
    (match) =>
      match.pattern === 'dictionary' &&
      typeof match['dictionaryName'] === 'string' &&
      match['dictionaryName'].includes('passwords') &&
      match.i === 0 &&
      match.j >= length - 1,
  );
  return { score: result.score, warning: result.feedback.warning, leaked };
}

export function estimateStrength(password: string, userInputs: readonly string[]): Strength {
  return strengthOf(estimator().check(password, [...userInputs]));
}
