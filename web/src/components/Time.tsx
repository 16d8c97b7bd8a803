/** A time as the app shows it everywhere: relative when recent, exact (locale) on hover. */
import { exactTime, formatTime, parseTime } from "../format";

export function Time({ value, empty = "" }: { value: string | null | undefined; empty?: string }) {
  const date = parseTime(value);
  if (!date) return <>{value || empty}</>;
  return (
    <time dateTime={date.toISOString()} title={exactTime(date)}>
      {formatTime(value)}
    </time>
  );
}
