import fc from 'fast-check';
import { PersistentMap } from '../../../src/domain/persistent-map';
import { A1_ALL_BUT_LAST_FRAGMENT, A1_FIRST_FRAGMENT, SAME_HASH_AS_A1, fnv1a, fragment } from './colliding-keys';

const [A1, K2, K3, K4, K5] = SAME_HASH_AS_A1;
const NEIGHBOUR = A1_ALL_BUT_LAST_FRAGMENT;

const mapOf = (...entries: Array<[string, number]>): PersistentMap<number> =>
  entries.reduce((m, [k, v]) => m.set(k, v), PersistentMap.empty<number>());

function sorted<V>(map: ReadonlyMap<string, V>): Array<[string, V]> {
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

describe('PersistentMap with keys whose hashes collide', () => {
  it('the fixture keys share A1 hash, and the neighbour parts from it in the last fragment only', () => {
    expect(new Set(SAME_HASH_AS_A1.map(fnv1a)).size).toBe(1);
    const [a1, near] = [fnv1a(A1), fnv1a(NEIGHBOUR)];
    expect([0, 1, 2, 3, 4, 5].every((level) => fragment(near, level) === fragment(a1, level))).toBe(true);
    expect(fragment(near, 6)).not.toBe(fragment(a1, 6));
    for (const seat of A1_FIRST_FRAGMENT) {
      expect([fragment(fnv1a(seat), 0), fragment(fnv1a(seat), 1)]).toEqual([fragment(a1, 0), expect.anything()]);
      expect(fragment(fnv1a(seat), 1)).not.toBe(fragment(a1, 1));
    }
  });

  it('when keys share a hash, then each is found with its own value and one never set is absent', () => {
    const map = mapOf([A1, 1], [K2, 2], [K3, 3]);
    expect([map.size, map.get(A1), map.get(K2), map.get(K3)]).toEqual([3, 1, 2, 3]);
    expect([map.get(K4), map.has(K4), map.has(K3)]).toEqual([undefined, false, true]);
    expect([mapOf([A1, 1]).get(K2), mapOf([A1, 1]).has(K2)]).toEqual([undefined, false]);
  });

  it('when a colliding key is set again, then its value is replaced and the size stays', () => {
    for (const key of [A1, K2, K3]) {
      const map = mapOf([A1, 1], [K2, 2], [K3, 3]).set(key, 9);
      const seen = { size: map.size, value: map.get(key), entries: sorted(map).length };
      expect(seen).toEqual({ size: 3, value: 9, entries: 3 });
    }
  });

  it('when one of several colliding keys is deleted, then only it is gone', () => {
    for (const key of [A1, K2, K3]) {
      const map = mapOf([A1, 1], [K2, 2], [K3, 3]).delete(key);
      const rest = new Map<string, number>([[A1, 1], [K2, 2], [K3, 3]]);
      rest.delete(key);
      expect({ size: map.size, entries: sorted(map), has: map.has(key) }).toEqual({ size: 2, entries: sorted(rest), has: false });
    }
  });

  it('when an absent key with the same hash is deleted, then the map is unchanged and the same object', () => {
    const map = mapOf([A1, 1], [K2, 2]);
    expect(map.delete(K3)).toBe(map);
    expect(map.delete(K3).size).toBe(2);
  });

  it('when all but one colliding key are deleted, then the last one behaves as any lone key does', () => {
    const map = mapOf([A1, 1], [K2, 2]).delete(K2);
    expect({ size: map.size, entries: [...map] }).toEqual({ size: 1, entries: [[A1, 1]] });
    expect(map.set(A1, 1)).toBe(map);
  });

  it('when a neighbour of colliding keys comes and goes, then the colliding keys stay found and it can come back', () => {
    const without = mapOf([A1, 1], [K2, 2], [NEIGHBOUR, 3]).delete(NEIGHBOUR);
    const seen = { size: without.size, a1: without.get(A1), k2: without.get(K2), gone: !without.has(NEIGHBOUR) };
    expect(seen).toEqual({ size: 2, a1: 1, k2: 2, gone: true });
    const back = without.set(NEIGHBOUR, 4).set(K3, 5);
    const expected = new Map([[A1, 1], [K2, 2], [NEIGHBOUR, 4], [K3, 5]]);
    expect({ size: back.size, entries: sorted(back) }).toEqual({ size: 4, entries: sorted(expected) });
  });

  it('when sets and deletes mix colliding and neighbouring keys, then after each it answers as a Map does', () => {
    const key = fc.constantFrom(...SAME_HASH_AS_A1, K5, NEIGHBOUR, ...A1_FIRST_FRAGMENT, 'A2', 'B7');
    const candidates = [...SAME_HASH_AS_A1, NEIGHBOUR, ...A1_FIRST_FRAGMENT, 'A2', 'B7'];
    const op = fc.record({ set: fc.boolean(), key, value: fc.integer({ min: 0, max: 3 }) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const model = new Map<string, number>();
        let map = PersistentMap.empty<number>();
        for (const o of ops) {
          if (o.set) (model.set(o.key, o.value), (map = map.set(o.key, o.value)));
          else (model.delete(o.key), (map = map.delete(o.key)));
          expect(map.size).toBe(model.size);
          for (const k of candidates) expect([map.get(k), map.has(k)]).toEqual([model.get(k), model.has(k)]);
        }
        expect(sorted(map)).toEqual(sorted(model));
      }),
    );
  });
});
