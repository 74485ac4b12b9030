"""The staged graphs of assignment 4: reference gradients, and inputs that test every branch.

Generic over `solutions.graphs.GRAPHS`: a new graph is covered without touching this file.
Well under a second.
"""

import numpy as np
import pytest

from coursekit.checks import a4_graphs as visible
from coursekit.checks.harness import KINK_GAP
from coursekit.gradcheck import eval_numerical_gradient
from hiddentests import QUESTIONS
from hiddentests.probes import a4_backprop as P
from solutions.graphs import BRANCHES, GRAPHS


def _numerical(fn, inputs, i):
    def out_of(v):
        return fn(*visible.with_input(inputs, i, v))[0]

    return eval_numerical_gradient(out_of, np.array(inputs[i], dtype=np.float64))


def _shapes(name):
    return [np.shape(e) for e in GRAPHS[name][1]]


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_reference_gradients_equal_centered_differences(name):
    fn, examples = GRAPHS[name]
    cases = [examples] + [inputs for _, inputs in P.graph_cases(_shapes(name))]
    for inputs in cases:
        out, grads = fn(*inputs)
        assert np.ndim(out) == 0 and len(grads) == len(inputs)
        for i, g in enumerate(grads):
            assert np.shape(g) == np.shape(inputs[i])
            assert np.allclose(g, _numerical(fn, inputs, i), rtol=1e-6, atol=1e-8), (name, i)


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_each_graph_has_one_question_probing_inputs_of_its_examples_shapes(name):
    located = [q for q in QUESTIONS.values() if getattr(q.probe, "locator", "").startswith(
        f"probe_graph({name!r},")]
    assert len(located) == 1, name
    assert located[0].probe.locator == f"probe_graph({name!r}, {tuple(_shapes(name))!r})"


@pytest.mark.parametrize("name", sorted(BRANCHES))
def test_hidden_and_visible_inputs_take_every_branch_away_from_the_kinks(name):
    hidden = [inputs for _, inputs in P.graph_cases(_shapes(name))]
    shown = [visible.graph_inputs(_shapes(name), seed) for seed in visible.VISIBLE_SEEDS]
    for cases in (hidden, shown):
        margins = np.array([np.ravel(BRANCHES[name](*inputs)) for inputs in cases])
        assert np.all(np.abs(margins) > KINK_GAP), (name, margins)
    margins = np.array([np.ravel(BRANCHES[name](*inputs)) for inputs in hidden])
    assert np.all((margins > 0).any(axis=0) & (margins < 0).any(axis=0)), (name, margins)


def test_staged_net_gradients_equal_numerical_ones_on_every_hidden_case():
    from coursekit.checks import a4_staged
    from solutions.staged import INPUTS, two_layer_staged_backward, two_layer_staged_forward

    for label, X, y, params, reg in P.staged_cases():
        assert np.abs(X @ params["W1"] + params["b1"]).min() > KINK_GAP, label
        loss, cache = two_layer_staged_forward(X, y, params, reg)
        names = [k for k in cache if k not in INPUTS]
        assert len(names) == 12 and cache["loss"] == loss
        grads = two_layer_staged_backward(cache)
        expected = a4_staged.numerical_gradients(two_layer_staged_forward, X, y, params, reg,
                                                 names[::-1])
        assert set(grads) == set(expected), label
        for name, value in expected.items():
            assert np.shape(grads[name]) == value.shape, (label, name)
            assert np.allclose(grads[name], value, rtol=1e-5, atol=1e-8), (label, name)


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_the_visible_checks_know_each_graphs_given_forward_pass(name):
    fn, examples = GRAPHS[name]
    for inputs in [examples] + [inputs for _, inputs in P.graph_cases(_shapes(name))]:
        assert visible.GIVEN_FORWARD[name](*inputs) == pytest.approx(fn(*inputs)[0], rel=1e-12)


@pytest.mark.parametrize("name", sorted(visible.USES))
def test_the_graphs_split_by_use_compute_the_given_forward_pass(name):
    positions, split = visible.USES[name]
    fn, examples = GRAPHS[name]
    for inputs in [examples] + [inputs for _, inputs in P.graph_cases(_shapes(name))]:
        assert split(*[inputs[p] for p in positions]) == pytest.approx(fn(*inputs)[0], rel=1e-12)
