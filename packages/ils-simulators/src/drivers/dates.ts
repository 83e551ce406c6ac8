/** `MM-DD` closed every year → concrete dates for the years around now. */
export function annualDates(monthDays: string[], now = new Date()): string[] {
  const year = now.getUTCFullYear();
  return [-1, 0, 1, 2, 3].flatMap((offset) => monthDays.map((md) => `${year + offset}-${md}`));
}
