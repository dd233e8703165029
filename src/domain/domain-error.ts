/** Why the decider refused a command. The shell maps each code to an HTTP status. */
export type DomainError =
  | { readonly code: 'UNKNOWN_SEATS'; readonly seats: readonly string[] }
  | { readonly code: 'DUPLICATE_SEATS'; readonly seats: readonly string[] }
  | { readonly code: 'TOO_MANY_SEATS'; readonly max: number }
  | { readonly code: 'NO_SEATS' }
  | { readonly code: 'SEATS_UNAVAILABLE'; readonly seats: readonly string[] }
  | { readonly code: 'SEAT_LIMIT_PER_USER'; readonly max: number; readonly held: number }
  | { readonly code: 'RESERVATION_ID_TAKEN' }
  | { readonly code: 'RESERVATION_NOT_FOUND' }
  | { readonly code: 'NOT_RESERVATION_OWNER' }
  | { readonly code: 'RESERVATION_EXPIRED' }
  | { readonly code: 'RESERVATION_CANCELLED' }
  | { readonly code: 'RESERVATION_CONFIRMED' }
  | { readonly code: 'SALE_IDS_MISSING' }
  | { readonly code: 'SALES_CLOSED'; readonly closedAt: number }
  // the box office's rules
  | { readonly code: 'SEATS_NOT_FOR_SALE'; readonly seats: readonly string[] }
  | { readonly code: 'UNKNOWN_CATEGORY'; readonly category: string }
  | { readonly code: 'NO_ADJACENT_SEATS'; readonly quantity: number; readonly largestBlock: number }
  | { readonly code: 'WOULD_STRAND_SEAT'; readonly seat: string }
  | { readonly code: 'SESSION_CANCELLED' }
  | { readonly code: 'EXTENSION_LIMIT_REACHED'; readonly max: number };

export type DomainErrorCode = DomainError['code'];
