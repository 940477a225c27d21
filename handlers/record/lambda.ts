// PLACEHOLDER — the record Lambda entry point (wiring written with the ledger work, issue 3).
export const handler = async (_event: unknown): Promise<void> => {};
