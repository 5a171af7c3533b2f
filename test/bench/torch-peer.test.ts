// The PyTorch peer's notes: a BLAS that makes PyTorch an unfair yardstick must be named in the
// report, or a ratio against it reads as gradtape's progress.
import { describe, expect, it } from "vitest";
import { blasWarning } from "../../bench/torch-suite.js";

describe("blasWarning", () => {
  it("accepts OpenBLAS' OpenMP build on any thread count and its pthreads build on one thread", () => {
    expect(blasWarning("OpenBLAS 0.3.21 (OpenMP build, 2 threads)", 2)).toBeUndefined();
    expect(blasWarning("OpenBLAS 0.3.21 (pthreads build, 1 thread)", 1)).toBeUndefined();
  });

  it("warns about the pthreads build on two threads and about a BLAS that is not OpenBLAS", () => {
    expect(blasWarning("OpenBLAS 0.3.21 (pthreads build, 2 threads)", 2)).toContain("pthreads build spin-waits");
    expect(blasWarning("not OpenBLAS: /usr/lib/x86_64-linux-gnu/blas/libblas.so.3", 1)).toContain("not on OpenBLAS");
  });
});
