import { PersistentMap } from '../../../src/domain/persistent-map';
import { A1_FIRST_FRAGMENT } from './colliding-keys';

const mapOf = (...entries: Array<[string, number]>): PersistentMap<number> =>
  entries.reduce((m, [k, v]) => m.set(k, v), PersistentMap.empty<number>());

describe('PersistentMap sharing and the ReadonlyMap contract', () => {
  it('when a key is set to the value it already holds, then the map returned is the same object', () => {
    const map = mapOf(['A1', 1], ['A2', 2], ['B7', 3]);
    expect(map.set('A2', 2)).toBe(map);
    expect(map.set('A2', 5)).not.toBe(map);
  });

  it('when the last key is deleted, then the result is the shared empty map', () => {
    expect(mapOf(['A1', 1]).delete('A1')).toBe(PersistentMap.empty());
    const [near, other] = A1_FIRST_FRAGMENT;
    expect(mapOf(['A1', 1], [near, 2], [other, 3]).delete(near).delete('A1').delete(other)).toBe(PersistentMap.empty());
  });

  it('when a key next to another comes and goes, then the map equals the one before, shape and all', () => {
    const [near] = A1_FIRST_FRAGMENT;
    const before = mapOf(['A1', 1], ['B7', 2]);
    expect(before.set(near, 3).delete(near)).toEqual(before);
  });

  it('when it is built from a Map, then it is a map of its own that the Map does not see change', () => {
    const source = new Map([['A1', 1]]);
    const map = PersistentMap.from(source).set('A2', 2);
    expect({ source: [...source], map: [...map].sort() }).toEqual({ source: [['A1', 1]], map: [['A1', 1], ['A2', 2]] });
  });

  it('when forEach is called, then it visits every entry in iteration order with the map and thisArg', () => {
    const map = mapOf(['A1', 1], ['A2', 2], ['B7', 3]);
    const visits: unknown[] = [];
    const self = { name: 'caller' };
    map.forEach(function (this: unknown, value, key, whole) {
      visits.push([key, value, whole, this]);
    }, self);
    expect(visits).toEqual([...map].map(([k, v]) => [k, v, map, self]));
    expect(visits.every((v) => (v as unknown[])[2] === map && (v as unknown[])[3] === self)).toBe(true);
  });

  it('when the same seats are added in another order, then they iterate in the same order', () => {
    const seats = Array.from({ length: 40 }, (_, i) => `${'ABCD'[i % 4]}${i}`);
    const forwards = seats.reduce((m, s, i) => m.set(s, i), PersistentMap.empty<number>());
    const backwards = [...seats].reverse().reduce((m, s) => m.set(s, seats.indexOf(s)), PersistentMap.empty<number>());
    expect([...backwards.keys()]).toEqual([...forwards.keys()]);
    expect([...forwards.values()]).toEqual([...forwards.keys()].map((s) => seats.indexOf(s)));
  });
});
