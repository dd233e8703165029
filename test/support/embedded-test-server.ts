/** Set by the jest globalSetup to the URL of the embedded PostgreSQL it started (when DATABASE_URL is unset). */
export const EMBEDDED_TEST_SERVER_URL = 'CINEMA_TEST_EMBEDDED_POSTGRES_URL';
