/** The include/select a prisma read needs to answer what a client selects (the GraphQL layer works it out). */
export type RowQuery = { include?: Record<string, unknown>; select?: Record<string, unknown> };
