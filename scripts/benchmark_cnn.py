"""One training step of the lecture notes' CNN: the course's NumPy implementation against PyTorch CPU.

    pip install -r requirements-benchmark.txt     # PyTorch and threadpoolctl, for this script only
    python scripts/benchmark_cnn.py [--repeats 30] [--batch 64] [--threads 1] [--fresh-memory]

The model is lecture 08's ``NotesCNN`` (the Keras CNN of the notes, 93,322 parameters):
Conv2D(32, 3x3, ReLU) -> MaxPool 2x2 -> Conv2D(64, 3x3, ReLU) -> MaxPool 2x2 -> Conv2D(64, 3x3, ReLU)
-> Flatten (576) -> Dense(64, ReLU) -> Dense(10) -> softmax cross-entropy.
``NotesCNN`` applies the first two ReLUs after their pooling: ReLU and max pooling commute, so
it is the same function on a quarter of the numbers. PyTorch is timed both
ways (ReLU then pool as the notes write it, and pool then ReLU) and the ratio is taken against
the faster of the two.

A step is the forward pass, the loss and the backward pass of one batch of 64 MNIST digits (the
parameter update, a few hundred microseconds in both, is left out). The NumPy side is
``NotesCNN(seed=0).loss`` itself, its class read from lecture 08's text, calling the reference
answers of the lecture texts, read from their source too (08's ``im2col`` and
``conv_forward_im2col``, 03's dense layers and ReLU, 02's loss: what a student who solved the
exercises runs), with the fast backward passes and pooling of ``course/conv_fast.py``. PyTorch
runs the same architecture with ``torch.nn``. Both get the same number of threads: the BLAS
threads NumPy uses (``--threads``, default 1, sets both). Both run in this one process after
``course.memory.reuse_freed_memory()``, which the lectures call before training too (NumPy's
temporaries then reuse freed memory instead of fresh pages); ``--fresh-memory`` leaves it out, to
show what it saves. The table counts the page faults of a step for both sides.

Each configuration is timed ``--repeats`` times after a warm-up; the table shows the median in
ms per 1,000 images. The breakdown times NumPy's parts inside real steps: ``im2col`` (the copy
into columns), the matrix products of the convolutions (forward, dw and dcols), ``col2im``, the
poolings (forward and backward) and the rest (ReLUs, dense layers, loss, bias, transposes).
"""
import argparse
import ast
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder import cells, lecture_text  # noqa: E402
from course import conv_fast  # noqa: E402


# ---------------------------------------------------------------------------------------------- the NumPy side
def reference_functions():
    """The lectures' reference answers, defined from their source texts, in one namespace."""
    ns = {"np": np}
    for lecture, names in (("02_softmax", ["softmax_cross_entropy"]),
                           ("03_backprop", ["affine_forward", "affine_backward", "relu_forward", "relu_backward"]),
                           ("08_cnn", ["im2col", "conv_forward_im2col"])):
        answers = {c.id: cells.strip_solution_markers(c.source)
                   for c in lecture_text.parse(lecture_text.text_path(lecture)) if c.kind == "solution"}
        for name in names:
            exec(compile(answers[name], f"<{lecture}:{name}>", "exec"), ns)
    return ns


class Timed:
    """Wraps functions so that the seconds spent in each part of a step add up under a label."""

    def __init__(self):
        self.seconds = {}
        self.on = False

    def wrap(self, label, f):
        def timed(*args, **kwargs):
            if not self.on:
                return f(*args, **kwargs)
            start = time.perf_counter()
            try:
                return f(*args, **kwargs)
            finally:
                self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - start
        return timed

    def gemm(self, a, b):
        if not self.on:
            return a @ b
        start = time.perf_counter()
        out = a @ b
        self.seconds["GEMM"] = self.seconds.get("GEMM", 0.0) + time.perf_counter() - start
        return out


def notes_cnn_class(ns):
    """Lecture 08's ``NotesCNN`` class, defined from the lecture text in ``ns`` (its globals: what it calls is looked
    up there at each call, so the timers below can stand in for the layers)."""
    source = next(c.source for c in lecture_text.parse(lecture_text.text_path("08_cnn")) if c.id == "cnn-model")
    (cls,) = [node for node in ast.parse(source).body if isinstance(node, ast.ClassDef) and node.name == "NotesCNN"]
    exec(compile(ast.Module(body=[cls], type_ignores=[]), "<08_cnn:cnn-model>", "exec"), ns)
    return ns["NotesCNN"]


def numpy_model(dtype, seed=0):
    """(step, timer, params): ``step(X, y)`` is ``NotesCNN(seed, dtype).loss(X, y)``, lecture 08's model as it trains."""
    ns = reference_functions()
    timer = Timed()

    # The breakdown: im2col, col2im and pooling are timed where they are called; the products of the convolutions are timed
    # by giving conv_forward_im2col's `w.reshape(F, -1) @ cols` and the backward's products a timed `@` (same operands).
    ns["im2col"] = timer.wrap("im2col", ns["im2col"])
    conv_forward = ns["conv_forward_im2col"]

    def conv_forward_timed(x, w, b, conv_param):
        if not timer.on:
            return conv_forward(x, w, b, conv_param)
        # the reference's own code, with its product timed: same operations in the same order
        out, cache = conv_forward(x, _TimedWeights(w, timer), b, conv_param)
        return out, (x, w) + cache[2:]

    def conv_backward(dout, cache, input_grad=True):
        if not timer.on:
            return conv_fast.conv_backward_im2col(dout, cache, input_grad)
        saved = {name: getattr(conv_fast, name) for name in ("col2im", "_col2im_full_rows")}
        for name, f in saved.items():
            setattr(conv_fast, name, timer.wrap("col2im", f))
        try:
            x, w, b, conv_param, cols = cache
            return conv_fast.conv_backward_im2col(dout, (x, _TimedWeights(w, timer), b, conv_param, _TimedCols(cols, timer)),
                                                  input_grad)
        finally:
            for name, f in saved.items():
                setattr(conv_fast, name, f)

    ns.update(conv_forward_im2col=conv_forward_timed, conv_backward_im2col=conv_backward,
              max_pool_forward_fast=timer.wrap("pooling", conv_fast.max_pool_forward_fast),
              max_pool_backward_fast=timer.wrap("pooling", conv_fast.max_pool_backward_fast))
    model = notes_cnn_class(ns)(seed=seed, dtype=dtype)
    return model.loss, timer, model.params


class _TimedWeights(np.ndarray):
    """A view of w whose reshape(F, -1) @ cols (and .T @ d) goes through the timer."""

    def __new__(cls, w, timer):
        view = np.asarray(w).view(cls)
        view._timer = timer
        return view

    def __array_finalize__(self, obj):
        self._timer = getattr(obj, "_timer", None)

    def __matmul__(self, other):
        return self._timer.gemm(np.asarray(self), np.asarray(other))

    def __rmatmul__(self, other):
        return self._timer.gemm(np.asarray(other), np.asarray(self))


class _TimedCols(_TimedWeights):
    pass


# -------------------------------------------------------------------------------------------- the PyTorch side
def torch_model(torch, dtype, relu_first=True):
    """The CNN in torch.nn; ``relu_first``: ReLU then pooling as the notes write it, else pooling then ReLU."""
    nn = torch.nn

    def conv_block(c_in, c_out):
        conv = nn.Conv2d(c_in, c_out, 3)
        return (conv, nn.ReLU(), nn.MaxPool2d(2)) if relu_first else (conv, nn.MaxPool2d(2), nn.ReLU())
    model = nn.Sequential(
        *conv_block(1, 32),
        *conv_block(32, 64),
        nn.Conv2d(64, 64, 3), nn.ReLU(),
        nn.Flatten(), nn.Linear(576, 64), nn.ReLU(), nn.Linear(64, 10)).to(dtype)
    loss_fn = nn.CrossEntropyLoss()

    def step(X, y):
        model.zero_grad(set_to_none=True)
        loss = loss_fn(model(X), y)
        loss.backward()
        return loss.detach()
    return step, model


# ------------------------------------------------------------------------------------------------- the timing
def median_seconds(steps, repeats, warmup=3):
    """(median seconds, page faults per step) of each (step, args) in ``steps``, the steps taken in turn so that all see
    the same machine load."""
    for step, args in steps:
        for _ in range(warmup):
            step(*args)
    times, faults = [[] for _ in steps], [0 for _ in steps]
    for _ in range(repeats):
        for i, (step, args) in enumerate(steps):
            before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            start = time.perf_counter()
            step(*args)
            times[i].append(time.perf_counter() - start)
            faults[i] += resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
    return [(statistics.median(t), f / repeats) for t, f in zip(times, faults)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS and PyTorch threads (default 1: on the course's 2-core machine both are fastest with one; "
                             "PyTorch with two was 3 to 4 times slower there)")
    parser.add_argument("--fresh-memory", action="store_true",
                        help="leave out course.memory.reuse_freed_memory(): every large temporary gets fresh pages")
    args = parser.parse_args()

    import threadpoolctl
    import torch

    from course.memory import reuse_freed_memory
    reused = False if args.fresh_memory else reuse_freed_memory()

    limiter = threadpoolctl.threadpool_limits(limits=args.threads, user_api="blas")
    blas = [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
    threads = blas[0]["num_threads"] if blas else 1
    torch.set_num_threads(threads)

    data = np.load(ROOT / "course" / "data" / "mnist_subset.npz")
    X = (data["X_train"][:args.batch].reshape(-1, 1, 28, 28) / 255.0)
    y = data["y_train"][:args.batch].astype(np.int64)
    per_1000 = 1000 / args.batch

    print(f"machine: {platform.processor() or platform.machine()}, {len(os.sched_getaffinity(0))} cores "
          f"available; numpy {np.__version__} with {blas[0]['internal_api'] if blas else '?'} "
          f"{blas[0].get('version', '') if blas else ''}, torch {torch.__version__}")
    load = os.getloadavg()[0]
    print(f"load average (1 min) before the run: {load:.1f} on {os.cpu_count()} cores"
          + ("  -- other work is running: the figures are slower and noisier than on an idle machine"
             if load > 0.5 * os.cpu_count() else ""))
    print(f"threads: BLAS {threads}, torch.set_num_threads({torch.get_num_threads()}); batch {args.batch}; "
          f"median of {args.repeats} steps (forward + loss + backward) after 3 warm-up steps,\n"
          f"NumPy and PyTorch steps taken in turn (both see the same load of the machine); freed memory "
          + ("reused (course.memory.reuse_freed_memory)" if reused else "not reused: fresh pages for every temporary")
          + "\n")

    rows, breakdowns = [], {}
    for dtype, tdtype in ((np.float32, torch.float32), (np.float64, torch.float64)):
        step, timer, params = numpy_model(dtype)
        Xn = X.astype(dtype)
        Xt, yt = torch.from_numpy(Xn.copy()), torch.from_numpy(y)
        torch_steps = []
        for relu_first in (True, False):
            tstep, model = torch_model(torch, tdtype, relu_first)
            with torch.no_grad():   # the same weights as the NumPy model (layout (F, C, kh, kw) for both convolutions)
                for k, layer in zip((1, 2, 3), (0, 3, 6)):
                    model[layer].weight.copy_(torch.from_numpy(params[f"W{k}"]))
                model[9].weight.copy_(torch.from_numpy(params["W4"].T.copy()))
                model[11].weight.copy_(torch.from_numpy(params["W5"].T.copy()))
                for layer, k in zip((0, 3, 6, 9, 11), (1, 2, 3, 4, 5)):
                    model[layer].bias.copy_(torch.from_numpy(params[f"b{k}"]))
            torch_steps.append((tstep, (Xt, yt)))
        (np_s, np_faults), *torch_timed = median_seconds([(step, (Xn, y))] + torch_steps, args.repeats)

        # same loss on the same weights: the implementations compute the same thing
        losses = [float(step(Xn, y)[0])] + [float(tstep(*targs)) for tstep, targs in torch_steps]

        # breakdown: the same steps with the timers on (they cost a little themselves: shown as measured)
        runs = []
        timer.on = True
        for _ in range(max(5, args.repeats // 2)):
            timer.seconds = {}
            start = time.perf_counter()
            step(Xn, y)
            total = time.perf_counter() - start
            parts = dict(timer.seconds)
            parts["rest"] = total - sum(parts.values())
            parts["total"] = total
            runs.append(parts)
        timer.on = False
        breakdowns[np.dtype(dtype).name] = {k: statistics.median(r.get(k, 0.0) for r in runs) for k in runs[0]}
        fastest_torch = min(t for t, _ in torch_timed)
        rows.append((np.dtype(dtype).name, np_s * per_1000 * 1000, *(t * per_1000 * 1000 for t, _ in torch_timed),
                     np_s / fastest_torch, f"{np_faults:.0f} / {max(f for _, f in torch_timed):.0f}",
                     " / ".join(f"{v:.5f}" for v in losses)))

    print("a training step, ms per 1,000 images (median); the page faults of one step; the loss on the same weights")
    print(f"{'precision':<10}{'NumPy':>7}{'PyTorch ReLU,pool':>19}{'PyTorch pool,ReLU':>19}{'NumPy/fastest':>15}"
          f"{'faults NumPy/PyTorch':>22}   loss NumPy / PyTorch / PyTorch")
    for name, np_ms, t1_ms, t2_ms, ratio, faults, losses_ in rows:
        print(f"{name:<10}{np_ms:>7.0f}{t1_ms:>19.0f}{t2_ms:>19.0f}{ratio:>15.2f}{faults:>22}   {losses_}")

    labels = ["im2col", "GEMM", "col2im", "pooling", "rest"]
    print("\nwhere NumPy's time goes (median of timed steps, ms per 1,000 images, share of the timed step):")
    print(f"{'precision':<10}" + "".join(f"{label:>16}" for label in labels) + f"{'timed step':>14}")
    for name, parts in breakdowns.items():
        cells_ = [f"{parts.get(label, 0.0) * per_1000 * 1000:.0f} ({parts.get(label, 0.0) / parts['total']:.0%})"
                  for label in labels]
        print(f"{name:<10}" + "".join(f"{c:>16}" for c in cells_) + f"{parts['total'] * per_1000 * 1000:>14.0f}")
    print("\nGEMM: the convolutions' matrix products (forward, dw, dcols); rest: ReLUs, dense layers, loss, bias, transposes.")
    print("PyTorch 'ReLU,pool': the notes' order; 'pool,ReLU': the NumPy model's order (the same function); "
          "NumPy/fastest: NumPy's time over the faster PyTorch.")
    limiter.restore_original_limits()


if __name__ == "__main__":
    main()
