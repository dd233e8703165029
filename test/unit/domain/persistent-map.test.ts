import fc from 'fast-check';
import { PersistentMap } from '../../../src/domain/persistent-map';

type Op = { kind: 'set'; key: string; value: number } | { kind: 'delete'; key: string };

// Few distinct keys so that sets overwrite and deletes hit; some long keys for deeper tries.
const key = fc.oneof(fc.constantFrom('A1', 'A2', 'B7', 'AN50', 'r1', ''), fc.string({ maxLength: 6 }));
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key, value: fc.integer() }),
  fc.record({ kind: fc.constant('delete' as const), key }),
);

function sorted<V>(map: ReadonlyMap<string, V>): Array<[string, V]> {
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

describe('PersistentMap', () => {
  it('when any sequence of sets and deletes is applied, then it holds what a Map holds', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const model = new Map<string, number>();
        let map = PersistentMap.empty<number>();
        for (const o of ops) {
          if (o.kind === 'set') (model.set(o.key, o.value), (map = map.set(o.key, o.value)));
          else (model.delete(o.key), (map = map.delete(o.key)));
        }
        expect(map.size).toBe(model.size);
        expect(sorted(map)).toEqual(sorted(model));
        for (const k of model.keys()) expect(map.get(k)).toBe(model.get(k));
      }),
    );
  });

  it('when a version is changed, then every earlier version stays as it was', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 100 }), (ops) => {
        const versions: Array<{ map: PersistentMap<number>; entries: Array<[string, number]> }> = [];
        let map = PersistentMap.empty<number>();
        for (const o of ops) {
          map = o.kind === 'set' ? map.set(o.key, o.value) : map.delete(o.key);
          versions.push({ map, entries: sorted(map) });
        }
        for (const v of versions) expect(sorted(v.map)).toEqual(v.entries);
      }),
    );
  });

  it('when 2000 seats are taken one by one, then each is found and deleting them all leaves it empty', () => {
    const labels = Array.from({ length: 2000 }, (_, i) => `${String.fromCharCode(65 + Math.floor(i / 50) % 26)}${i}`);
    let map = PersistentMap.empty<number>();
    labels.forEach((l, i) => (map = map.set(l, i)));
    expect(map.size).toBe(2000);
    expect(labels.every((l, i) => map.get(l) === i)).toBe(true);
    for (const l of labels) map = map.delete(l);
    expect({ size: map.size, entries: [...map] }).toEqual({ size: 0, entries: [] });
  });

  it('when it is built from a Map, then it has the same entries, and from itself it is the same object', () => {
    const source = new Map([['A1', 1], ['A2', 2]]);
    const map = PersistentMap.from(source);
    expect(sorted(map)).toEqual(sorted(source));
    expect(PersistentMap.from(map)).toBe(map);
  });
});
