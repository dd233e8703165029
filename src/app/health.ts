/** A dependency that /health/ready reports on. `check` resolves when it is usable and throws when not. */
export interface HealthCheck {
  readonly name: string;
  check(): Promise<void>;
}
