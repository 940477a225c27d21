/** Plain-text tables for terminals: columns padded, long cells cut with an ellipsis. */

export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: { maxWidth?: number } = {},
): string {
  const maxWidth = options.maxWidth ?? 60;
  const cells = [headers, ...rows].map((row) => row.map((cell) => clip(oneLine(cell), maxWidth)));
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  return `${cells
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

function oneLine(value: string): string {
  // Terminal control characters in attacker-controlled strings must not reach the terminal.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return value.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

function clip(value: string, width: number): string {
  return value.length > width ? `${value.slice(0, width - 1)}…` : value;
}
