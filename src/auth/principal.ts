/** Who is calling, as a verified bearer token says: the token's `sub` and whether it carries the admin role. */
export interface Principal {
  readonly sub: string;
  readonly admin: boolean;
}

/** A verified token, or why it was refused (a short description for `WWW-Authenticate: error_description`). */
export type Verification =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly description: string };

/** Checks a bearer token (the compact JWS, without "Bearer "). */
export interface TokenVerifier {
  verify(token: string): Promise<Verification>;
}
