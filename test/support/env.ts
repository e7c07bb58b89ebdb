/** Run `f` with one environment variable set (e.g. TOPK_WORKERS), restored afterwards whatever happens. */
export async function withEnv<T>(name: string, value: string, f: () => Promise<T>): Promise<T> {
  const before = process.env[name];
  process.env[name] = value;
  try {
    return await f();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}

/** `f` with TOPK_WORKERS = n: how many trainings or seeds run side by side. */
export const withWorkers = <T>(n: string, f: () => Promise<T>): Promise<T> => withEnv('TOPK_WORKERS', n, f);
