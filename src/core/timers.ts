/** Named timers: setting a name again replaces its timer, so a re-scheduled deadline never fires twice. */
export function createTimers() {
  const timers = new Map<string, NodeJS.Timeout>();
  return {
    set(name: string, delayMs: number, run: () => void): void {
      clearTimeout(timers.get(name));
      timers.set(
        name,
        setTimeout(
          () => {
            timers.delete(name);
            run();
          },
          Math.max(0, delayMs),
        ),
      );
    },
    has(name: string): boolean {
      return timers.has(name);
    },
    clear(name: string): void {
      clearTimeout(timers.get(name));
      timers.delete(name);
    },
    clearAll(): void {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
