/**
 * Initial passwords for the built-in provisioner.
 *
 * 16 characters from a 65-character alphabet (about 96 bits) with at least one
 * upper-case letter, lower-case letter, digit and symbol, so it passes common password rules. All of it
 * is ASCII, so it also fits the V1 budget: a 128-character encrypted field minus the 16-character IV
 * leaves 112 Base64 characters = 84 bytes = 80 bytes of AES-CBC ciphertext = at most 79 bytes of text.
 * @module
 */
import { randomInt } from 'node:crypto';

/** Upper-case letters without the look-alikes `I` and `O`. */
export const PASSWORD_UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
/** Lower-case letters without the look-alikes `l` and `o`. */
export const PASSWORD_LOWER = 'abcdefghijkmnpqrstuvwxyz';
/** Digits without the look-alikes `0` and `1`. */
export const PASSWORD_DIGITS = '23456789';
/**
 * Symbols that need no escaping in JSON, URLs' query values after encoding, XML, shells inside single
 * quotes or CSV, and that most password rules accept. Deliberately excludes quotes, backslash, `$`, `%`, `&`, `<`, `>`.
 */
export const PASSWORD_SYMBOLS = '!#*+-=?@_';

/** Length of every generated password (characters, all ASCII, so also bytes). */
export const PASSWORD_LENGTH = 16;

const CLASSES = [PASSWORD_UPPER, PASSWORD_LOWER, PASSWORD_DIGITS, PASSWORD_SYMBOLS] as const;
const ALPHABET = CLASSES.join('');

/** True when `password` has at least one character of each class. */
function coversEveryClass(password: string): boolean {
  return CLASSES.every((cls) => [...password].some((ch) => cls.includes(ch)));
}

/**
 * A fresh random password from `crypto.randomInt` (CSPRNG, unbiased). Draws uniformly over the whole
 * alphabet and redraws until every class is present, so every valid password is equally likely
 * (about one draw in five is redrawn).
 */
export function generatePassword(): string {
  for (;;) {
    let password = '';
    for (let i = 0; i < PASSWORD_LENGTH; i++) password += ALPHABET.charAt(randomInt(ALPHABET.length));
    if (coversEveryClass(password)) return password;
  }
}
