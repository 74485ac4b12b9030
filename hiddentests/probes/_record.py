"""Recording what a student's functions return, without judging (runs in the student's kernel).

Everything recorded is a plain numpy array: float64 outputs, int64 indices, or a 0-d string
array `"ExcType: message"` when a call raised. Keys are `<call>/<what>`:
    <call>/error      the exception a call raised (nothing else is recorded for that call)
    <call>/mutated    indices of the positional arguments the call modified in place
    <call>/shortcut   why a gradient was not derived (a numerical shortcut, `derived.Watch`)
    <call>/<output>   an output as float64 (e.g. loss, dW, out, dx)
    <call>/num+ , <call>/num-   the student's own scalar objective at x + h e_i and x - h e_i
                      for the sampled flat indices <call>/num_idx
                      (numerical gradient = (num+ - num-) / 2h)
"""

import functools
from contextlib import nullcontext

import numpy as np

from coursekit.checks.derived import Watch
from coursekit.checks.harness import fresh_copy, layer_objective, mutated, quiet

H = 1e-5  # step of the centered differences


def _describe(exc):
    """`exc` as one short line: its type and the first line of its message."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:500]


class Recorder:
    """Collects the outputs of calls into a dict of arrays; every call is isolated."""

    def __init__(self):
        """An empty record."""
        self.out = {}

    def error(self, key, message):
        """Record that call `key` raised `message`."""
        self.out[f"{key}/error"] = np.array(str(message)[:500])

    def call(self, key, fn, *args, derived=None, name=None, **kwargs):
        """fn(*copies of args, **kwargs), or None after recording the exception it raised.

        Records `key/mutated` when the call modified an argument in place. `derived`: for a
        call whose point is a gradient, {name: given forward function} (or {}); records
        `key/shortcut` when the gradient was computed numerically (`derived.Watch`; `name`
        is the student's function as the message names it).
        """
        if fn is None:
            self.error(key, "NameError: the function is not defined (run its cell first)")
            return None
        passed = [fresh_copy(a) for a in args]
        watch = Watch(fn, name or getattr(fn, "__name__", "your function"), derived) \
            if derived is not None else nullcontext()
        try:
            with quiet(), watch:
                result = fn(*passed, **kwargs)
        except Exception as exc:  # a failing student call must not hide the other calls
            self.error(key, _describe(exc))
            return None
        if derived is not None and watch.shortcut:
            self.out[f"{key}/shortcut"] = np.array(watch.shortcut)
        changed = mutated(args, passed)
        if changed:
            self.out[f"{key}/mutated"] = np.array(changed, dtype=np.int64)
        return result

    def value(self, key, name, value):
        """Record `value` as a float64 array under key/name; False (and an error) if impossible."""
        try:
            with quiet():
                arr = np.array(value, dtype=np.float64)
        except Exception:
            self.error(
                key,
                f"TypeError: {name} should be a number or an array of numbers, "
                f"got {type(value).__name__}",
            )
            return False
        self.out[f"{key}/{name}"] = arr
        return True

    def values(self, key, result, names):
        """Unpack a returned tuple into key/<name> for each of `names` (or record why not)."""
        if len(names) == 1:
            return self.value(key, names[0], result)
        if not isinstance(result, (tuple, list)) or len(result) != len(names):
            got = (
                f"a {type(result).__name__} of length {len(result)}"
                if isinstance(result, (tuple, list))
                else type(result).__name__
            )
            self.error(key, f"TypeError: should return a tuple ({', '.join(names)}), got {got}")
            return False
        return all(self.value(key, n, v) for n, v in zip(names, result, strict=True))

    def numerical(self, key, objective, x, idx, h=H):
        """Record objective(x ± h e_i) for the flat indices idx (objective(x) -> float).

        `objective` receives a fresh perturbed copy of x each time.
        """
        plus, minus = [], []
        try:
            for i in idx:
                for sign, store in ((1.0, plus), (-1.0, minus)):
                    xs = np.array(x, dtype=np.float64, copy=True)
                    xs.flat[i] += sign * h
                    with quiet():
                        store.append(float(objective(xs)))
        except Exception as exc:
            self.error(key + "_num", _describe(exc))
            return False
        self.out[f"{key}/num_idx"] = np.asarray(idx, dtype=np.int64)
        self.out[f"{key}/num+"] = np.asarray(plus, dtype=np.float64)
        self.out[f"{key}/num-"] = np.asarray(minus, dtype=np.float64)
        return True

    def layer_backward(self, key, forward, backward, args, dout, names, num_entries, seed):
        """Record a layer's backward pass and the numerical gradients it should match.

        forward(*args) -> (out, cache) and backward(dout, cache) -> one gradient per argument;
        `names` = (forward's name, argument names, gradient names). Records the gradients under
        key/<gradient name> and, per argument, objective sum(forward(...)[0] * dout) at sampled
        entries under key/<argument name> (seeds seed + position of the argument).
        """
        forward_name, arg_names, grad_names = names
        result = self.call(f"{key}/fwd", forward, *args)
        if f"{key}/fwd/error" in self.out:
            self.error(key, f"{self.out.pop(f'{key}/fwd/error')} (in {forward_name})")
            return
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            self.error(key, f"TypeError: {forward_name} should return (out, cache)")
            return
        grads = self.call(key, backward, dout, result[1], derived={forward_name: forward},
                          name=forward_name.replace("_forward", "_backward"))
        if f"{key}/error" in self.out or not self.values(key, grads, grad_names):
            return
        for a, name in enumerate(arg_names):

            out_of = layer_objective(forward, args, a)

            def objective(v, out_of=out_of):
                """The scalar sum(f(v) * dout) whose gradient is the backward's result."""
                return np.sum(out_of(v) * dout)

            idx = sample_indices(args[a].size, num_entries, seed=seed + a)
            self.numerical(f"{key}/{name}", objective, args[a], idx)


def sample_indices(size, k, seed):
    """k distinct flat indices out of `size` (all of them when size <= k), sorted."""
    if size <= k:
        return np.arange(size)
    return np.sort(np.random.default_rng(seed).choice(size, k, replace=False))


def student(ns, name):
    """The student's object called `name` in the namespace, or None."""
    return ns.get(name)


def probe_factory(factory):
    """Decorate a function that makes probes: each probe remembers the call that made it.

    `probe.locator` is that call as text (e.g. "probe_forward('relu')"), so the grader's
    kernel can make the same probe from this module alone. Arguments must be plain literals.
    """

    @functools.wraps(factory)
    def make(*args):
        """The probe of `factory(*args)`, with how the kernel finds it again."""
        probe = factory(*args)
        probe.locator = f"{factory.__name__}({', '.join(repr(a) for a in args)})"
        return probe

    return make

