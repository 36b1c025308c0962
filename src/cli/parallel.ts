// Running per-file work in parallel while keeping s3cmd's output order: each
// task's lines are released only after those of every earlier task. The
// first failure stops new tasks from starting and is rethrown once the
// tasks in flight have settled and the lines before it are out.

export async function inOrder<T>(
  items: readonly T[],
  concurrency: number,
  run: (item: T, index: number) => Promise<() => void>,
): Promise<void> {
  const emitters: ((() => void) | undefined)[] = new Array(items.length);
  let emitted = 0;
  let next = 0;
  const state: { failure?: { error: unknown; index: number } } = {};
  const release = () => {
    while (emitted < items.length && emitters[emitted] !== undefined && (state.failure === undefined || emitted < state.failure.index)) {
      emitters[emitted]!();
      emitted++;
    }
  };
  const worker = async () => {
    while (state.failure === undefined && next < items.length) {
      const index = next++;
      try {
        emitters[index] = await run(items[index]!, index);
      } catch (error) {
        // Narrowing does not see other workers' writes across the await.
        const earlier = state.failure as { index: number } | undefined;
        if (earlier === undefined || index < earlier.index) state.failure = { error, index };
      }
      release();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  release();
  if (state.failure !== undefined) throw state.failure.error;
}
