/**
 * Keys for the PersistentMap specs that reach its rare paths: keys whose 32-bit hashes are equal, and keys whose hashes
 * agree on some leading 5-bit fragments. Found offline by a meet-in-the-middle search over FNV-1a (the map's hash); the
 * specs check these properties with `fnv1a` first, so a change of hash cannot silently make them test nothing.
 */

/** FNV-1a, 32 bits, as the map hashes its keys. */
export function fnv1a(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The 5-bit fragment of a hash that picks the child at `level` (0 = root). */
export const fragment = (hash: number, level: number): number => (hash >>> (5 * level)) & 31;

/** Five keys with the same 32-bit hash as seat A1. */
export const SAME_HASH_AS_A1 = ['A1', 'CjaFzJ', 'ptkGcU', 'LRAJYr', 'WDyV51'] as const;

/** A key whose hash equals A1's in every fragment but the last (bits 30-31), so it sits beside A1's collisions. */
export const A1_ALL_BUT_LAST_FRAGMENT = 'YbIBZ4';

/** Seats whose hash shares A1's first fragment only: they share the root's child with A1 and split one level down. */
export const A1_FIRST_FRAGMENT = ['A30', 'B8'] as const;
