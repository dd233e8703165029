/**
 * Text a user may send and the database may store: no C0/C1 control character (NUL among them: Postgres refuses it
 * in text, which would fail a whole group commit) and no lone UTF-16 surrogate. README, "Limits".
 */
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isPlainText(text: string): boolean {
  return !UNSAFE_TEXT.test(text);
}
