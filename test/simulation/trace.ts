/** The trace of a run: every line hashed (to compare two runs event for event), the last ones kept to print. */
export class Trace {
  private hash = 0x811c9dc5;
  private readonly recent: string[] = [];
  lines = 0;

  constructor(private readonly start: number, private readonly keep = 40) {}

  add(line: string): void {
    const text = `+${Date.now() - this.start}ms ${line}`;
    for (let i = 0; i < text.length; i++) this.hash = Math.imul(this.hash ^ text.charCodeAt(i), 0x01000193);
    this.lines += 1;
    this.recent.push(text);
    if (this.recent.length > this.keep) this.recent.shift();
  }

  get digest(): string {
    return `${(this.hash >>> 0).toString(16)}/${this.lines}`;
  }

  tail(): readonly string[] {
    return [...this.recent];
  }
}
