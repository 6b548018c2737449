/**
 * The template's "model": text statistics of a conversation, deterministic, and an approximate token count
 * (a real model reports its own). Pure computation.
 *
 * - a word is a run of letters, digits or marks, or one Han / kana / Hangul character;
 * - a token is a word or one punctuation or symbol character (so `Hello, world!` is 4 tokens);
 * - characters are Unicode code points.
 * @module
 */

/** One message of the conversation, its content as plain text. */
export interface TextMessage {
  role: string;
  text: string;
}

/** What the statistics say about a conversation. */
export interface ConversationStats {
  messages: number;
  /** Messages per role, in first-seen order. */
  byRole: Array<[role: string, count: number]>;
  words: number;
  characters: number;
  lines: number;
  /** The last `user` message, if any. */
  lastUser?: { words: number; characters: number; topWord?: { word: string; count: number } };
}

const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}';
const WORD = new RegExp(`[${CJK}]|[^\\s\\p{P}\\p{S}${CJK}]+`, 'gu');
const TOKEN = new RegExp(`[${CJK}]|[^\\s\\p{P}\\p{S}${CJK}]+|[\\p{P}\\p{S}]`, 'gu');

/** The words of `text`, as written. */
export function wordsOf(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** The approximate token count of `text`. */
export function countTokens(text: string): number {
  return (text.match(TOKEN) ?? []).length;
}

/** Code points of `text`. */
export function countCharacters(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function lineCount(text: string): number {
  return text === '' ? 0 : text.split(/\r\n|\r|\n/).length;
}

/** The most frequent word (lower case); a tie goes to the one seen first. */
function topWord(words: readonly string[]): { word: string; count: number } | undefined {
  const counts = new Map<string, number>();
  for (const w of words) {
    const k = w.toLowerCase();
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  let best: { word: string; count: number } | undefined;
  for (const [word, count] of counts) if (!best || count > best.count) best = { word, count };
  return best;
}

/**
 * The statistics of a conversation.
 * @example
 * conversationStats([{ role: 'user', text: 'the cat and the hat' }]).lastUser?.topWord; // { word: 'the', count: 2 }
 */
export function conversationStats(messages: readonly TextMessage[]): ConversationStats {
  const roles = new Map<string, number>();
  let words = 0;
  let characters = 0;
  let lines = 0;
  for (const m of messages) {
    roles.set(m.role, (roles.get(m.role) ?? 0) + 1);
    words += wordsOf(m.text).length;
    characters += countCharacters(m.text);
    lines += lineCount(m.text);
  }
  const last = [...messages].reverse().find((m) => m.role === 'user');
  const stats: ConversationStats = { messages: messages.length, byRole: [...roles], words, characters, lines };
  if (last) {
    const w = wordsOf(last.text);
    const top = topWord(w);
    stats.lastUser = { words: w.length, characters: countCharacters(last.text), ...(top ? { topWord: top } : {}) };
  }
  return stats;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The reply the template sends: the statistics in one or two sentences.
 * @example
 * describeStats(conversationStats([{ role: 'user', text: 'Hi there' }]));
 * // 'Text statistics of 1 message (user 1): 2 words, 8 characters, 1 line. The last user message has 2 words and 8 characters; its most frequent word is "hi" (1 time).'
 */
export function describeStats(s: ConversationStats): string {
  const roles = s.byRole.map(([role, n]) => `${role} ${n}`).join(', ');
  let text = `Text statistics of ${plural(s.messages, 'message')} (${roles}): ${plural(s.words, 'word')}, ${plural(s.characters, 'character')}, ${plural(s.lines, 'line')}.`;
  if (s.lastUser) {
    const u = s.lastUser;
    text += ` The last user message has ${plural(u.words, 'word')} and ${plural(u.characters, 'character')}`;
    text += u.topWord ? `; its most frequent word is "${u.topWord.word}" (${plural(u.topWord.count, 'time')}).` : '.';
  }
  return text;
}
