"""Speed of the reference math: each computation against its floor and against PyTorch.

The floor of a computation is the matrix products it cannot avoid, each timed alone in its
fastest orientation: `A.T @ B` and `(B.T @ A).T` are the same product, but a BLAS can take very
different times for them, so the floor takes the faster one, measured in the same round.
A ratio of 1.0 to the floor means every other step (exp, max, masks, sums, regularization,
input checks) is free. When PyTorch is installed, the same float64 work is timed on CPU
(autograd for losses and nets, the same three products for a layer's backward).

Fairness on a shared machine:
- both libraries get the same number of threads (--threads, default 1), printed with the run;
- with one thread the clock is the CPU time of the calling thread, where numpy's BLAS and
  PyTorch (autograd included) do all their work: other programs on the machine then cannot
  lengthen a call, only the code can. With several threads it is the wall clock, which also
  counts the threads' waits for each other (and for a busy machine's other programs);
- rounds interleave: in each round, numpy's functions (floor products and ours) take turns call
  by call, then PyTorch's functions run, each library after the other's threads have been idle
  for IDLE seconds (OpenBLAS's worker threads spin for about 0.1 s after a call and would slow
  PyTorch; PyTorch's OpenMP workers would slow numpy likewise);
- a function's time in a round is its fastest call (on a busy machine other programs only ever
  add time: they evict a call's data from the caches); a ratio is the median over rounds of
  that round's ratio, and a time the median over rounds;
- freed memory stays with the process (glibc's mallopt), so that a call never pays the page
  faults of memory another call gave back to the system.

Run: python benchmarks/bench_math.py [--rounds R] [--threads T]   (or: make bench)
"""

import argparse
import ctypes
import ctypes.util
import os
import statistics
import sys
import time
from dataclasses import dataclass, field

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

from torch_work import (  # noqa: E402
    torch,
    torch_affine_backward,
    torch_linear,
    torch_net,
    torch_score_loss,
)

from solutions.layers import affine_backward, affine_forward  # noqa: E402
from solutions.losses import (  # noqa: E402
    softmax_loss,
    softmax_loss_naive,
    softmax_loss_vectorized,
    svm_loss,
    svm_loss_naive,
    svm_loss_vectorized,
)
from solutions.nets import ThreeLayerNet, TwoLayerNet  # noqa: E402

IDLE = 0.2  # seconds each library's threads rest before the other library is timed
CALL_BUDGET = 0.03  # seconds of calls per function per round (at least 3 calls)
clock = time.thread_time  # set by main(): thread CPU time with one thread, else wall time


@dataclass
class Product:
    """One unavoidable matrix product, with the ways to compute it."""

    label: str
    ways: list  # (how, callable) pairs
    fastest: object = None  # chosen by choose_orientations()


def product(label, A, B, a="A", b="B"):
    """A @ B computed directly, and as (B^T A^T)^T (the same numbers, another BLAS call)."""
    At, Bt = A.T, B.T
    a_t, b_t = (name[:-2] if name.endswith(".T") else f"{name}.T" for name in (a, b))
    ways = [(f"{a} @ {b}", lambda: A @ B), (f"({b_t} @ {a_t}).T", lambda: (Bt @ At).T)]
    return Product(label, ways)


@dataclass
class Case:
    """One computation: ours, its unavoidable products (in order) and PyTorch doing the same."""

    name: str
    ours: object
    products: list = field(default_factory=list)
    torch_fn: object = None
    calls: int = 3
    times: dict = field(default_factory=dict)  # label -> per-round times

    def floor(self):
        """The products alone, in the computation's order, each in its fastest orientation."""
        fns = [p.fastest for p in self.products]
        return lambda: [fn() for fn in fns]


# ----- the work ---------------------------------------------------------------------------------


def linear_cases(N=500, D=3073, C=10, reg=1e-3, seed=0):
    """The linear classifier losses at CIFAR-10 size, and the data losses on their scores."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, D))
    y = rng.integers(0, C, size=N)
    W = 1e-3 * rng.standard_normal((D, C))
    scores = X @ W
    dscores = rng.standard_normal((N, C))
    # what a linear loss with its gradient cannot avoid: s = X W, then dW = X^T dS
    products = [product("s = X W", X, W, "X", "W"),
                product("dW = X^T dS", X.T, dscores, "X.T", "dS")]
    size = f"N={N}, D={D}, C={C}"
    return [
        Case(f"svm_loss_vectorized ({size})", lambda: svm_loss_vectorized(W, X, y, reg),
             products, torch_linear("svm", X, y, W, reg)),
        Case(f"softmax_loss_vectorized ({size})", lambda: softmax_loss_vectorized(W, X, y, reg),
             products, torch_linear("softmax", X, y, W, reg)),
        Case(f"svm_loss (scores {N}x{C})", lambda: svm_loss(scores, y), [],
             torch_score_loss("svm", scores, y)),
        Case(f"softmax_loss (scores {N}x{C})", lambda: softmax_loss(scores, y), [],
             torch_score_loss("softmax", scores, y)),
    ]


def layer_case(N=200, D=3072, M=100, seed=0):
    """affine_backward at the size of the nets' first layer."""
    rng = np.random.default_rng(seed)
    x, W, b = rng.standard_normal((N, D)), 1e-2 * rng.standard_normal((D, M)), np.zeros(M)
    dout = rng.standard_normal((N, M))
    _, cache = affine_forward(x, W, b)
    products = [product("dx = dout W^T", dout, W.T, "dout", "W.T"),
                product("dW = x^T dout", x.T, dout, "x.T", "dout")]
    return Case(f"affine_backward (N={N}, D={D}, M={M})", lambda: affine_backward(dout, cache),
                products, torch_affine_backward(dout, x, W))


def net_case(net_class, hidden, N=200, D=3072, C=10, seed=0):
    """A net's loss and gradients; its products: the forward's, then each dW_k and dh_k."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, D))
    y = rng.integers(0, C, size=N)
    net = net_class(D, hidden, C, weight_scale=1e-2, reg=1e-3, seed=seed)
    L = net.num_layers
    Ws = {k: net.params[f"W{k}"] for k in range(1, L + 1)}
    hs, h = {0: X}, X
    forward, backward = [], []
    for k in range(1, L + 1):
        forward.append(product(f"a{k} = h{k - 1} W{k}", h, Ws[k], f"h{k - 1}", f"W{k}"))
        h = hs[k] = np.maximum(0, h @ Ws[k])
    for k in range(L, 0, -1):
        da = rng.standard_normal((N, Ws[k].shape[1]))
        backward.append(product(f"dW{k} = h{k - 1}^T da{k}", hs[k - 1].T, da,
                                f"h{k - 1}.T", f"da{k}"))
        if k > 1:  # the input X needs no gradient
            backward.append(product(f"dh{k - 1} = da{k} W{k}^T", da, Ws[k].T, f"da{k}", f"W{k}.T"))
    sizes = hidden if isinstance(hidden, tuple) else (hidden,)
    name = f"{net_class.__name__}.loss (N={N}, H={', '.join(map(str, sizes))})"
    return Case(name, lambda: net.loss(X, y), forward + backward, torch_net(X, y, net))


# ----- timing -----------------------------------------------------------------------------------


def choose_orientations(cases, calls=15):
    """Time each product's ways in turns and keep the fastest; returns the report's lines."""
    lines, seen = [], set()
    for case in cases:
        for p in case.products:
            if id(p) in seen:
                continue
            seen.add(id(p))
            t = time_in_turns(p.ways, calls)
            how = min(t, key=t.get)
            p.fastest = dict(p.ways)[how]
            ways = ", ".join(f"{w} {t[w] * 1e3:.3f} ms" for w, _ in p.ways)
            lines.append(f"  {p.label:<22} {ways}  -> {how}")
    return lines


def numpy_items(case):
    """(label, function) of the numpy functions of a case: ours and, if any, the floor."""
    return [("ours", case.ours)] + ([("floor", case.floor())] if case.products else [])


def calibrate(cases):
    """Calls per function per round, so that each takes about CALL_BUDGET seconds."""
    for case in cases:
        fns = [fn for _, fn in numpy_items(case)] + ([case.torch_fn] if case.torch_fn else [])
        slowest = 0.0
        for fn in fns:
            fn()  # warm-up
            start = clock()
            fn()
            slowest = max(slowest, clock() - start)
        case.calls = max(3, int(CALL_BUDGET / max(slowest, 1e-7)))


def time_in_turns(items, calls):
    """Fastest call of each function, the functions taking turns call by call after one
    untimed call each (it brings their data back into the caches)."""
    samples = {label: [] for label, _ in items}
    for _, fn in items:
        fn()
    for _ in range(calls):
        for label, fn in items:
            start = clock()
            fn()
            samples[label].append(clock() - start)
    return {label: min(s) for label, s in samples.items()}


def run_rounds(cases, rounds):
    """Interleaved rounds: numpy's functions, IDLE, PyTorch's functions, IDLE."""
    for _ in range(rounds):
        for case in cases:
            for label, t in time_in_turns(numpy_items(case), case.calls).items():
                case.times.setdefault(label, []).append(t)
        if torch is None:
            continue
        time.sleep(IDLE)
        for case in cases:
            if case.torch_fn:
                t = time_in_turns([("torch", case.torch_fn)], case.calls)["torch"]
                case.times.setdefault("torch", []).append(t)
        time.sleep(IDLE)


def median_ratio(a, b):
    """The median of the per-round ratios a[i] / b[i]."""
    return statistics.median(x / y for x, y in zip(a, b, strict=True))


# ----- set-up and report ------------------------------------------------------------------------


def set_threads(threads):
    """Give numpy's BLAS and PyTorch `threads` threads each and pick the clock (see the top)."""
    global clock
    clock = time.thread_time if threads == 1 else time.perf_counter
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        if os.environ.get("OPENBLAS_NUM_THREADS") != str(threads):
            sys.exit(f"threadpoolctl is not installed: set OPENBLAS_NUM_THREADS={threads} "
                     f"(and OMP_NUM_THREADS={threads}) for this command instead")
    else:
        threadpool_limits(threads)
    if torch is not None:
        torch.set_num_threads(threads)


def keep_freed_memory():
    """Ask glibc to keep freed memory instead of returning it to the system.

    By default glibc gives the top of its heap back once it holds twice the largest block freed
    so far; the next call that allocates then pays page faults (about 1 ms per 2 MB here),
    whichever function that is. Keeping the memory makes each call pay for its own work only.
    Returns a line for the report.
    """
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    if libc is None or not hasattr(libc, "mallopt"):
        return "memory: the C library's defaults (no mallopt)"
    M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
    libc.mallopt(M_TRIM_THRESHOLD, 1 << 30)
    libc.mallopt(M_MMAP_THRESHOLD, 1 << 25)  # glibc's largest: blocks up to 32 MB from the heap
    return "memory: freed memory is kept (mallopt), so no call pays another's page faults"


def thread_report():
    """The thread pools numpy and PyTorch use (threadpoolctl when available)."""
    lines = []
    try:
        from threadpoolctl import threadpool_info

        for pool in threadpool_info():
            arch = f", {pool['architecture']}" if pool.get("architecture") else ""
            lines.append(f"  {pool['internal_api']} ({pool['prefix']}{arch}): "
                         f"{pool['num_threads']} threads")
    except ImportError:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        env = os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS")
        lines.append(f"  numpy's BLAS {blas.get('name')}: {env or os.cpu_count()} threads "
                     f"({'from the environment' if env else 'one per CPU, by default'})")
    if torch is not None:
        lines.append(f"  torch: {torch.get_num_threads()} intra-op threads")
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if os.environ.get(var):
            lines.append(f"  {var}={os.environ[var]} is set (it can slow a current OpenBLAS)")
    return "\n".join(lines)


def ms(times):
    """The median of `times` (seconds) in ms, right-aligned."""
    return f"{statistics.median(times) * 1e3:8.3f} ms"


def report(cases):
    """One line per case; returns the worst ratios to the floor and to PyTorch."""
    print(f"{'':<46}{'ours':>11}{'floor':>11}{'x floor':>9}{'torch':>11}{'x torch':>9}")
    worst_floor, worst_torch = 0.0, 0.0
    for case in cases:
        ours = case.times["ours"]
        cells = [f"{case.name:<46}", ms(ours)]
        floor = case.times.get("floor")
        if floor:
            ratio = median_ratio(ours, floor)
            worst_floor = max(worst_floor, ratio)
            cells += [ms(floor), f"{ratio:8.2f}x"]
        else:
            cells += [f"{'no product':>11}", f"{'':>9}"]
        if "torch" in case.times:
            ratio = median_ratio(ours, case.times["torch"])
            worst_torch = max(worst_torch, ratio)
            cells += [ms(case.times["torch"]), f"{ratio:8.2f}x"]
        print("".join(cells))
    return worst_floor, worst_torch


def naive_speedups():
    """The naive losses (loops) against the vectorized ones, a few calls each."""
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((500, 3073)), rng.integers(0, 10, size=500)
    W = 1e-3 * rng.standard_normal((3073, 10))
    for kind, naive, vectorized in [("svm", svm_loss_naive, svm_loss_vectorized),
                                    ("softmax", softmax_loss_naive, softmax_loss_vectorized)]:
        items = [("naive", lambda f=naive: f(W, X, y, 1e-3)),
                 ("vectorized", lambda f=vectorized: f(W, X, y, 1e-3))]
        t = time_in_turns(items, 3)
        print(f"{kind}_loss_naive: {t['naive'] * 1e3:.1f} ms, "
              f"{t['naive'] / t['vectorized']:.0f}x the vectorized loss")


def main():
    """Time every case in interleaved rounds and print the ratios to the floor and to PyTorch."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds (default 15)")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads of numpy's BLAS and of PyTorch (default 1)")
    args = parser.parse_args()
    set_threads(args.threads)
    memory = keep_freed_memory()
    print(f"numpy {np.__version__}, " + (f"torch {torch.__version__}" if torch else "no torch"))
    print(f"threads:\n{thread_report()}\nclock: "
          + ("CPU time of the calling thread" if clock is time.thread_time else "wall time"))
    print(memory)
    cases = [*linear_cases(), layer_case(), net_case(TwoLayerNet, 100),
             net_case(ThreeLayerNet, (100, 50))]
    print("\nthe unavoidable products, each way (fastest of 15 calls in turns) -> the floor's way")
    print("\n".join(choose_orientations(cases)))
    calibrate(cases)
    run_rounds(cases, 1)  # warm-up round, not counted
    for case in cases:
        case.times.clear()
    run_rounds(cases, args.rounds)
    print(f"\nmedians over {args.rounds} interleaved rounds; 'x floor' = ours / unavoidable "
          f"products, each in its fastest orientation; 'x torch' = ours / PyTorch CPU, float64\n")
    worst_floor, worst_torch = report(cases)
    print(f"\nworst ratio to the floor: {worst_floor:.2f}"
          + (f"; worst ratio to PyTorch: {worst_torch:.2f}" if torch else ""))
    naive_speedups()


if __name__ == "__main__":
    main()
