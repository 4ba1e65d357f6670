/**
 * Formats rows as a plain table: a header line, then one line per row, columns padded to the
 * widest cell and separated by two spaces. Control characters in cells are escaped, so a stored
 * value cannot move the cursor or change the terminal. Ends with a newline.
 * NOTE: widths count UTF-16 code units, so wide or combining characters shift later columns.
 */
export function formatTable(header: string[], rows: string[][]): string {
  const lines = [header, ...rows].map((row) => row.map(cleanCell));
  const widths = header.map((_, column) =>
    Math.max(...lines.map((row) => (row[column] ?? '').length)),
  );
  const text = lines.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
  return `${text.join('\n')}\n`;
}

function cleanCell(cell: string): string {
  return cell.replace(
    /[\u0000-\u001f\u007f-\u009f]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
