"""Visible check of assignment 4's staged two-layer net: a dashboard with one row per gradient.

Like Karpathy's `cmp`, each row says whether the student's gradient of one intermediate has the
right shape, is close to the true one, and by how much it differs; the first wrong row points
at the first wrong line of the backward pass. The true gradients are numerical: the given
forward pass is run again with one entry of one intermediate nudged by +-h (`nudgeable`), so
the check holds no answers.
"""

import ast
import inspect
import textwrap

import numpy as np

from coursekit.checks.harness import CheckFailed, call, quiet, student_code, visible_check
from coursekit.gradcheck import rel_error

INPUTS = ("X", "y", "W1", "b1", "W2", "b2", "reg")  # the cache's inputs; the rest: intermediates
PARAMS = ("W2", "b2", "W1", "b1", "X")  # the inputs with a gradient, in backward order
H = 1e-5
RTOL, ATOL = 1e-5, 1e-8  # a numerical gradient with step h is good to about 1e-9 here


def staged_case(seed=0, N=4, D=3, H_=5, C=3, reg=0.1, gap=1e-3):
    """(X, y, params, reg) of a small net whose pre-activations are all at least gap from 0."""
    rng = np.random.default_rng(seed)
    while True:
        params = {"W1": rng.standard_normal((D, H_)) / np.sqrt(D),
                  "b1": 0.3 * rng.standard_normal(H_),
                  "W2": rng.standard_normal((H_, C)) / np.sqrt(H_),
                  "b2": 0.3 * rng.standard_normal(C)}
        X = rng.standard_normal((N, D))
        if np.all(np.abs(X @ params["W1"] + params["b1"]) > gap):
            return X, rng.integers(0, C, size=N), params, reg


def nudgeable(forward):
    """forward(X, y, params, reg) rebuilt so that a hook sees every value it assigns.

    Returns run(X, y, params, reg, name=None, index=0, delta=0.0) -> loss: the loss with
    `delta` added to entry `index` (flat) of the intermediate `name` right after its line.
    """
    name = getattr(forward, "__name__", "the forward pass")
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(forward)))
    except (OSError, TypeError, SyntaxError):
        tree = None
    fn = tree.body[0] if tree is not None and tree.body else None
    if not isinstance(fn, ast.FunctionDef) or fn.name != name:
        raise CheckFailed(f"cannot read the source of {name}: run the cell that defines it "
                          "again, then this cell.")
    fn.decorator_list = []
    body = []
    for stmt in fn.body:
        body.append(stmt)
        if isinstance(stmt, ast.Assign) and [type(t) for t in stmt.targets] == [ast.Name]:
            name = stmt.targets[0].id
            body.append(ast.parse(f"{name} = __nudge__({name!r}, {name})").body[0])
    fn.body = body
    nudge = {"name": None, "index": 0, "delta": 0.0}

    def hook(name, value):
        """`value`, nudged by delta at one flat index when it is the chosen intermediate."""
        if name != nudge["name"]:
            return value
        value = np.array(value, dtype=np.float64, copy=True)
        value.flat[nudge["index"]] += nudge["delta"]
        return value

    namespace = {**inspect.unwrap(forward).__globals__, "__nudge__": hook}
    exec(compile(ast.fix_missing_locations(tree), "<staged forward>", "exec"), namespace)  # noqa: S102
    rebuilt = namespace[fn.name]

    def run(X, y, params, reg, name=None, index=0, delta=0.0):
        """The forward's loss (a float) with intermediate `name`'s entry `index` nudged by delta."""
        nudge.update(name=name, index=index, delta=delta)
        with quiet():
            return float(rebuilt(X, y, params, reg)[0])

    return run


def numerical_gradients(forward, X, y, params, reg, names):
    """{"d" + name: centered differences of the loss} for the intermediates `names` and PARAMS."""
    run, out = nudgeable(forward), {}
    _, cache = forward(X, y, params, reg)
    for name in names:
        grad = np.zeros(np.shape(cache[name]))
        for i in range(grad.size):
            grad.flat[i] = (run(X, y, params, reg, name, i, H)
                            - run(X, y, params, reg, name, i, -H)) / (2 * H)
        out["d" + name] = grad
    inputs = {"X": X, **params}
    for name in PARAMS:
        grad = np.zeros(inputs[name].shape)
        for i in range(grad.size):
            for sign in (1, -1):
                moved = {k: v.copy() for k, v in inputs.items()}
                moved[name].flat[i] += sign * H
                X_, p_ = moved.pop("X"), moved
                grad.flat[i] += sign * run(X_, y, p_, reg) / (2 * H)
        out["d" + name] = grad
    return out


def dashboard_rows(got, expected):
    """[(name, shape ok, close, max abs diff or what is wrong)] in the order of `expected`."""
    rows = []
    for name, exp in expected.items():
        value = got.get(name)
        try:
            with quiet():
                arr = None if value is None else np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            arr = None
        if arr is None or arr.shape != np.shape(exp):
            what = ("missing" if value is None else "not numbers" if arr is None
                    else f"shape {arr.shape}, expected {np.shape(exp)}")
            rows.append((name, False, False, what))
            continue
        with quiet():
            diff = float(np.max(np.abs(arr - exp), initial=0.0))
        scale = float(np.max(np.abs(exp), initial=0.0))
        close = bool(np.isfinite(diff) and diff <= ATOL + RTOL * scale)
        rows.append((name, True, close, f"{diff:.1e}"))
    return rows


def format_dashboard(rows):
    """The rows as a table; the first wrong row is marked as the line to fix."""
    lines = [f"{'gradient':<11} {'shape ok':<9} {'close':<6} max abs diff"]
    first = next((r[0] for r in rows if not r[2]), None)
    for name, shape_ok, close, diff in rows:
        mark = "  <- first wrong line: fix this one first" if name == first else ""
        lines.append(f"{name:<11} {str(shape_ok):<9} {str(close):<6} {diff}{mark}")
    return "\n".join(lines)


@visible_check
def check_staged_backward(forward, backward):
    """backward(cache) against numerical gradients of the given forward, one row per gradient."""
    X, y, params, reg = staged_case()
    with student_code("two_layer_staged_forward", "the small net"):
        loss, cache = forward(X, y, {k: v.copy() for k, v in params.items()}, reg)
    names = [k for k in cache if k not in INPUTS]
    grads = call(backward, "two_layer_staged_backward", "the small net", cache,
                 derived={"two_layer_staged_forward": forward})
    if not isinstance(grads, dict):
        raise CheckFailed(f"two_layer_staged_backward should return a dict of gradients "
                          f"(dloss, ..., dX), got {type(grads).__name__}.")
    with student_code("two_layer_staged_forward", "the small net (nudged)"):
        expected = numerical_gradients(forward, X, y, params, reg, names[::-1])
    rows = dashboard_rows(grads, expected)
    wrong = [r[0] for r in rows if not r[2]]
    if wrong:
        raise CheckFailed(f"two_layer_staged_backward: {len(wrong)} of {len(rows)} gradients are "
                          f"wrong; the first in backward order is {wrong[0]}.\n"
                          + format_dashboard(rows))
    print(format_dashboard(rows))
    with quiet():  # gradients that are 0 in exact arithmetic (drow_max) have no relative error
        error = max(rel_error(np.asarray(grads[n], dtype=np.float64), e)
                    for n, e in expected.items() if np.max(np.abs(e), initial=0.0) > 1e-6)
    print(f"✓ two_layer_staged_backward: all {len(rows)} gradients match the numerical ones "
          f"(largest relative error {error:.1e})")
