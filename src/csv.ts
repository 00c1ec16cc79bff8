/**
 * CSV for teachers' spreadsheets: RFC 4180 quoting with CRLF line ends. Names
 * are chosen by students, so a cell a spreadsheet would run as a formula
 * (= + - @, tab, carriage return) gets a leading apostrophe (OWASP CSV injection).
 */
export function formatCsvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => `${row.map(formatCsvCell).join(',')}\r\n`).join('');
}
