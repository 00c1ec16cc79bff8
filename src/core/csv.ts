/**
 * CSV for teachers' spreadsheets, one style for every report: UTF-8 with a BOM
 * (Excel reads accented and non-Latin names correctly only with it), lower-case
 * headers with spaces, RFC 4180 quoting and CRLF line ends. Names are chosen by
 * students, so a cell a spreadsheet would run as a formula (= + - @, tab,
 * carriage return) gets a leading apostrophe (OWASP CSV injection).
 */
const BOM = '\uFEFF';

export function formatCsvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => `${row.map(formatCsvCell).join(',')}\r\n`).join('');
}

/** A whole report file: BOM, header row, data rows. */
export function csvFile(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return `${BOM}${toCsv([header, ...rows])}`;
}
