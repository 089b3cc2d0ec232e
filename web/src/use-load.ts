import { useCallback, useEffect, useRef, useState } from 'react';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  /** Loads again, keeping the current data on screen meanwhile. */
  reload(): void;
}

/**
 * Runs `load` when a dependency changes and keeps only the newest answer, so a slow response to
 * an old filter never overwrites a newer one.
 */
export function useLoad<T>(load: () => Promise<T>, dependencies: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const generation = useRef(0);
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what `load` depends on.
  const run = useCallback(load, dependencies);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `tick` is how reload() asks for a new load.
  useEffect(() => {
    const current = ++generation.current;
    setState((previous) => ({ ...previous, loading: true }));
    run().then(
      (data) =>
        current === generation.current && setState({ data, error: undefined, loading: false }),
      (error: unknown) =>
        current === generation.current &&
        setState((previous) => ({ data: previous.data, error, loading: false })),
    );
  }, [run, tick]);
  return { ...state, reload: useCallback(() => setTick((value) => value + 1), []) };
}
