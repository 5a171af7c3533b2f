#!/usr/bin/env python3
"""PyTorch peer of `npm run bench`: the MLP and CNN training steps of bench/harness.ts and
bench/cnn.ts, from the initial weights and batch orders the Node side wrote, on the number of
threads asked for (torch.set_num_threads; the Node side also sets OMP_NUM_THREADS and
OPENBLAS_NUM_THREADS). Says which BLAS it ran on and torch's parallel backend.

Reads a JSON job on stdin: {"dir": folder with the .f32/.i32 files, "threads": n, "jobs": [...]},
each job {"kind": "mlp" | "cnn", "name", "layerSizes"?, "batchSize", "steps", "warmupSteps",
"lr", "momentum", "weights": [file, shape]..., "order": file}. Writes one JSON line: torch's
version, threads, parallel backend, BLAS and the results.
Layouts: our dense kernels are [in, out] (torch's Linear is [out, in]); our conv kernels are
[kh, kw, in, out] (torch's Conv2d is [out, in, kh, kw]); images are NHWC and go NCHW here, and
back to NHWC before the flatten so that the first dense kernel's rows mean the same pixels.
"""
import ctypes
import json
import os
import re
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def load(path, dtype, shape=None):
    a = np.fromfile(path, dtype=dtype)
    return torch.from_numpy(a if shape is None else a.reshape(shape))


def mlp_step(params, x, y):
    h = x
    n = len(params) // 2
    for i in range(n):
        h = F.linear(h, params[2 * i].t(), params[2 * i + 1])
        if i < n - 1:
            h = F.relu(h)
    return F.cross_entropy(h, y)


def cnn_step(params, x, y):
    k1, b1, k2, b2, w3, b3, w4, b4 = params
    h = x.view(-1, 28, 28, 1).permute(0, 3, 1, 2)
    h = F.max_pool2d(F.relu(F.conv2d(h, k1.permute(3, 2, 0, 1), b1)), 2)
    h = F.max_pool2d(F.relu(F.conv2d(h, k2.permute(3, 2, 0, 1), b2)), 2)
    h = h.permute(0, 2, 3, 1).reshape(h.shape[0], -1)
    h = F.relu(F.linear(h, w3.t(), b3))
    return F.cross_entropy(F.linear(h, w4.t(), b4), y)


def run(job, images, labels):
    params = [load(f, np.float32, shape).clone().requires_grad_(True) for f, shape in job["weights"]]
    order = load(job["order"], np.int32).long()
    opt = torch.optim.SGD(params, lr=job["lr"], momentum=job["momentum"])
    step_fn = mlp_step if job["kind"] == "mlp" else cnn_step
    b = job["batchSize"]
    times, losses = [], []
    for s in range(job["steps"]):
        t0 = time.perf_counter()
        idx = order[s * b:(s + 1) * b]
        x, y = images[idx], labels[idx]
        opt.zero_grad(set_to_none=True)
        loss = step_fn(params, x, y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
        if s >= job["warmupSteps"]:
            times.append((time.perf_counter() - t0) * 1000)
    return {"name": job["name"], "msPerStep": times, "losses": losses}


def blas():
    """Which BLAS this process loaded, read from /proc/self/maps after a product: torch's build
    info says only BLAS_INFO=generic on Debian, where update-alternatives picks the library."""
    torch.ones(8, 8) @ torch.ones(8, 8)
    try:
        with open("/proc/self/maps") as f:
            libs = sorted({line.split()[-1] for line in f if "blas" in line.split()[-1].lower()})
    except OSError:
        return "unknown (no /proc/self/maps)"
    for lib in libs:
        try:
            so = ctypes.CDLL(lib)
            so.openblas_get_config.restype = ctypes.c_char_p
            # openblas_get_parallel: 0 single-threaded build, 1 pthreads, 2 OpenMP.
            build = {0: "single-threaded", 1: "pthreads", 2: "OpenMP"}.get(so.openblas_get_parallel(), "unknown")
            version = " ".join(so.openblas_get_config().decode().split()[:2])
            n = so.openblas_get_num_threads()
            return f"{version} ({build} build, {n} thread{'' if n == 1 else 's'})"
        except (OSError, AttributeError):
            continue
    return f"not OpenBLAS: {', '.join(os.path.realpath(lib) for lib in libs) or 'none mapped'}"


def main():
    spec = json.load(sys.stdin)
    torch.set_num_threads(spec["threads"])
    images = load(spec["images"], np.float32, (-1, 784))
    labels = load(spec["labels"], np.int32).long()
    results = [run(job, images, labels) for job in spec["jobs"]]
    backend = re.search(r"ATen parallel backend: (.+)", torch.__config__.parallel_info())
    print(json.dumps({
        "torch": torch.__version__, "threads": torch.get_num_threads(),
        "parallel": backend.group(1).strip() if backend else "unknown", "blas": blas(), "results": results,
    }))


if __name__ == "__main__":
    main()
