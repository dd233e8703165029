/**
 * Seat labels: rows A, B, ... Z, AA, AB, ... of `seatsPerRow` seats, numbered from 1.
 * 16 seats with 10 per row are A1..A10, B1..B6.
 */
export function rowName(index: number): string {
  let name = '';
  let n = index + 1;
  while (n > 0) {
    const rem = (n - 1) % 26;
    name = String.fromCharCode(65 + rem) + name;
    n = Math.floor((n - 1) / 26);
  }
  return name;
}

export function seatLabels(numberOfSeats: number, seatsPerRow: number): string[] {
  if (!Number.isInteger(seatsPerRow) || seatsPerRow < 1) throw new RangeError('seatsPerRow must be a positive integer');
  const labels: string[] = [];
  for (let i = 0; i < numberOfSeats; i++) {
    labels.push(`${rowName(Math.floor(i / seatsPerRow))}${(i % seatsPerRow) + 1}`);
  }
  return labels;
}

/** The row part of a label: "AB12" -> "AB". */
export function rowOf(label: string): string {
  // Stryker disable next-line Regex: a seat label's only digits are its last characters, so the $ anchor changes no match
  return label.replace(/\d+$/, '');
}

const labelSets = new WeakMap<readonly string[], ReadonlySet<string>>();

/** The labels as a set, built once per layout (layouts are immutable, so the array itself is the cache key). */
export function seatSet(labels: readonly string[]): ReadonlySet<string> {
  let set = labelSets.get(labels);
  if (!set) {
    set = new Set(labels);
    labelSets.set(labels, set);
  }
  return set;
}
