/**
 * Bugs the design once had or guards against, switched back on in the simulated ports to prove the simulation
 * finds them (test/simulation/known-bugs.test.ts). Never on in a normal run.
 * - no-fencing: the store commits a batch whatever its epoch (a deposed owner's writes land).
 * - answer-before-commit: the store acknowledges a commit before it is durable, so the actor answers first.
 * - redelivery-revival: forwarded commands as before the exactly-once fix: they carry no deadline the owner keeps to
 *   (the bus stamps one a minute away), the applied-command log is not consulted and the store lets a reservation id
 *   be written again (upsert), so a command re-delivered after its owner restarted runs twice (a cancelled hold
 *   comes back).
 */
export const KNOWN_BUGS = ['no-fencing', 'answer-before-commit', 'redelivery-revival'] as const;
export type KnownBug = (typeof KNOWN_BUGS)[number];
