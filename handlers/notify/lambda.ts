// PLACEHOLDER — the notify Lambda entry point (wiring written with the ledger work, issue 3).
export const handler = async (
  _event: unknown,
): Promise<{ batchItemFailures: { itemIdentifier: string }[] }> => ({
  batchItemFailures: [],
});
