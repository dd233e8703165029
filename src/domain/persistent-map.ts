/**
 * An immutable map from strings whose `set` and `delete` return a new map sharing everything they did not change
 * (a hash array mapped trie: 32-way nodes indexed by 5 bits of the key's hash per level). An update copies one path
 * of at most seven small nodes, so evolving a session's state costs O(seats changed), not O(seats): the old state
 * stays valid, as the decider's purity requires, without copying the seat map.
 *
 * It is a `ReadonlyMap`, so readers cannot tell it from a `Map`. Iteration follows the keys' hashes, not the
 * insertion order: callers that need an order sort.
 */
type Node<V> = Branch<V> | Leaf<V> | Collision<V>;

interface Leaf<V> {
  readonly kind: 0;
  readonly hash: number;
  readonly key: string;
  readonly value: V;
}

interface Branch<V> {
  readonly kind: 1;
  /** Bit i set when the child for the 5-bit fragment i is present; children are stored densely in bit order. */
  readonly bitmap: number;
  readonly children: readonly Node<V>[];
}

/** Keys whose 32-bit hashes are equal. */
interface Collision<V> {
  readonly kind: 2;
  readonly hash: number;
  readonly leaves: readonly Leaf<V>[];
}

const BITS = 5;
const MASK = (1 << BITS) - 1;
const EMPTY_BRANCH: Branch<never> = { kind: 1, bitmap: 0, children: [] };

/** FNV-1a, 32 bits. */
function hashOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

function get<V>(node: Node<V>, hash: number, key: string, shift: number): V | undefined {
  for (;;) {
    if (node.kind !== 1) {
      // Stryker disable next-line ConditionalExpression: a quick exit only; a key of another hash is in no leaf here
      if (node.hash !== hash) return undefined;
      if (node.kind === 2) return node.leaves.find((l) => l.key === key)?.value;
      return node.key === key ? node.value : undefined;
    }
    const bit = 1 << ((hash >>> shift) & MASK);
    if ((node.bitmap & bit) === 0) return undefined;
    node = node.children[popcount(node.bitmap & (bit - 1))];
    shift += BITS;
  }
}

/** Two leaves that share the path so far, placed under new branches until their fragments differ. */
function join<V>(a: Leaf<V> | Collision<V>, b: Leaf<V>, shift: number): Node<V> {
  // Stryker disable next-line EqualityOperator: shift steps by 5 (0, 5, ..., 30, 35), so it is never 32
  if (shift >= 32) {
    // Stryker disable next-line ArrayDeclaration: set joins a collision only to a leaf of another hash: they part before 32
    const leaves = a.kind === 0 ? [a, b] : [...a.leaves, b];
    return { kind: 2, hash: b.hash, leaves };
  }
  const fa = (a.hash >>> shift) & MASK;
  const fb = (b.hash >>> shift) & MASK;
  if (fa === fb) return { kind: 1, bitmap: 1 << fa, children: [join(a, b, shift + BITS)] };
  // Stryker disable next-line EqualityOperator: fa equals fb only on the line above
  return { kind: 1, bitmap: (1 << fa) | (1 << fb), children: fa < fb ? [a, b] : [b, a] };
}

/** Returns the new node and whether a key was added (for the size). */
function set<V>(node: Node<V>, leaf: Leaf<V>, shift: number): [Node<V>, boolean] {
  if (node.kind === 0) {
    if (node.key === leaf.key) return [node.value === leaf.value ? node : leaf, false];
    return [join(node, leaf, shift), true];
  }
  if (node.kind === 2) {
    if (node.hash !== leaf.hash) return [join(node, leaf, shift), true];
    const i = node.leaves.findIndex((l) => l.key === leaf.key);
    if (i < 0) return [{ ...node, leaves: [...node.leaves, leaf] }, true];
    const leaves = node.leaves.slice();
    leaves[i] = leaf;
    return [{ ...node, leaves }, false];
  }
  const bit = 1 << ((leaf.hash >>> shift) & MASK);
  const index = popcount(node.bitmap & (bit - 1));
  const children = node.children.slice();
  if ((node.bitmap & bit) === 0) {
    children.splice(index, 0, leaf);
    return [{ kind: 1, bitmap: node.bitmap | bit, children }, true];
  }
  const [child, added] = set(node.children[index], leaf, shift + BITS);
  // Stryker disable next-line BooleanLiteral: an unchanged child leaves the root unchanged, and the map then ignores `added`
  if (child === node.children[index]) return [node, false];
  children[index] = child;
  return [{ kind: 1, bitmap: node.bitmap, children }, added];
}

/** Returns the new node (undefined when it became empty), or the same node when the key was absent. */
function remove<V>(node: Node<V>, hash: number, key: string, shift: number): Node<V> | undefined {
  if (node.kind === 0) return node.key === key ? undefined : node;
  if (node.kind === 2) {
    const leaves = node.leaves.filter((l) => l.key !== key);
    if (leaves.length === node.leaves.length) return node;
    return leaves.length === 1 ? leaves[0] : { ...node, leaves };
  }
  const bit = 1 << ((hash >>> shift) & MASK);
  if ((node.bitmap & bit) === 0) return node;
  const index = popcount(node.bitmap & (bit - 1));
  const child = remove(node.children[index], hash, key, shift + BITS);
  if (child === node.children[index]) return node;
  const children = node.children.slice();
  if (child === undefined) {
    children.splice(index, 1);
    const bitmap = node.bitmap & ~bit;
    // A branch left with one leaf collapses into it, so equal maps keep similar shapes.
    if (children.length === 1 && children[0].kind !== 1) return children[0];
    return children.length === 0 ? undefined : { kind: 1, bitmap, children };
  }
  children[index] = child;
  return { kind: 1, bitmap: node.bitmap, children };
}

function* leaves<V>(node: Node<V>): Generator<Leaf<V>> {
  if (node.kind === 0) yield node;
  else if (node.kind === 2) yield* node.leaves;
  else for (const child of node.children) yield* leaves(child);
}

export class PersistentMap<V> implements ReadonlyMap<string, V> {
  private static readonly EMPTY = new PersistentMap<never>(EMPTY_BRANCH, 0);

  private constructor(
    private readonly root: Node<V>,
    readonly size: number,
  ) {}

  static empty<V>(): PersistentMap<V> {
    return PersistentMap.EMPTY as PersistentMap<V>;
  }

  /** The map itself when it already is one; otherwise a copy of its entries (once, e.g. after loading rows). */
  static from<V>(map: ReadonlyMap<string, V>): PersistentMap<V> {
    if (map instanceof PersistentMap) return map as PersistentMap<V>;
    let result = PersistentMap.empty<V>();
    for (const [k, v] of map) result = result.set(k, v);
    return result;
  }

  get(key: string): V | undefined {
    return get(this.root, hashOf(key), key, 0);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  set(key: string, value: V): PersistentMap<V> {
    const [root, added] = set(this.root, { kind: 0, hash: hashOf(key), key, value }, 0);
    return root === this.root ? this : new PersistentMap(root, this.size + (added ? 1 : 0));
  }

  delete(key: string): PersistentMap<V> {
    const root = remove(this.root, hashOf(key), key, 0);
    if (root === this.root) return this;
    return root === undefined ? PersistentMap.empty() : new PersistentMap(root, this.size - 1);
  }

  *entries(): MapIterator<[string, V]> {
    for (const leaf of leaves(this.root)) yield [leaf.key, leaf.value];
  }

  *keys(): MapIterator<string> {
    for (const leaf of leaves(this.root)) yield leaf.key;
  }

  *values(): MapIterator<V> {
    for (const leaf of leaves(this.root)) yield leaf.value;
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: string, map: ReadonlyMap<string, V>) => void, thisArg?: unknown): void {
    for (const leaf of leaves(this.root)) callback.call(thisArg, leaf.value, leaf.key, this);
  }
}
