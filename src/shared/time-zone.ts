/** Whether the runtime knows `zone` as an IANA time zone (Intl refuses any other). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
