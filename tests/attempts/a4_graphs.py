"""Attempts at assignment 4, section 1 (the staged graphs and net, the Jacobians), built from
the mutation corpus's entries (tests/corpus/a4_graphs.py, a4_jacobians.py), with what the
visible test must say. Merged into attempts.a4_backprop."""

import inspect

from assignment_harness import apply_edits
from corpus import a4_graphs, a4_jacobians

from attempts import bug, correct
from solutions import graphs, jacobians, staged

MUTANTS = {**a4_graphs.MUTANTS, **a4_jacobians.MUTANTS}
VARIANTS = {**a4_graphs.VARIANTS, **a4_jacobians.VARIANTS}
MISMATCH = "does not match the numerical gradient of your own function"
# the question of each function: the one its mutants fail
GRADE_IDS = {m.name: next(iter(m.fails)) for m in MUTANTS.values()}


def _cell(entry_id):
    """The student's cell of a corpus entry: its source, or the reference with its edits."""
    entry = {**MUTANTS, **VARIANTS}[entry_id]
    if entry.source is not None:
        return entry.source
    module = next(m for m in (graphs, staged, jacobians) if hasattr(m, entry.name))
    return apply_edits(inspect.getsource(inspect.unwrap(getattr(module, entry.name))),
                       entry.edits)


def _bug(entry_id, says, lines=10):
    name = MUTANTS[entry_id].name
    return bug(GRADE_IDS[name], entry_id, _cell(entry_id), says=says, names=name, lines=lines)


def _correct(entry_id):
    return correct(GRADE_IDS[VARIANTS[entry_id].name], entry_id, _cell(entry_id))


ATTEMPTS = [
    _bug("a4_fan_out_overwrites_da", "hint: da is the gradient of one use of a only", lines=5),
    _bug("a4_fan_out_tanh_gradient_without_square", f"da {MISMATCH}", lines=4),
    _bug("a4_fan_out_hard_coded", "case random inputs", lines=4),
    _correct("a4_fan_out_closed_form"),
    _correct("a4_fan_out_lists_accumulated"),
    _bug("a4_max_min_max_to_both", "no gradient flows to these entries", lines=5),
    _bug("a4_max_min_min_to_the_larger", f"dy {MISMATCH}", lines=5),
    _bug("a4_max_min_overwrites_dz", "hint: dz is the gradient of one use of z only", lines=5),
    _correct("a4_max_min_masks"),
    _correct("a4_max_min_np_arrays"),
    _bug("a4_div_exp_log_division_sign", f"dx {MISMATCH}", lines=4),
    _bug("a4_div_exp_log_log_without_upstream", f"dx {MISMATCH}", lines=4),
    _bug("a4_div_exp_log_overwrites_dx", "hint: dx is the gradient of one use of x only", lines=5),
    _correct("a4_div_exp_log_quotient_rule"),
    _correct("a4_div_exp_log_logs"),
    _bug("a4_vector_relu_times_activation", f"dx {MISMATCH}", lines=7),
    _bug("a4_vector_dW_transposed", "dW should have the shape of W, (3, 4), got (4, 3)", lines=1),
    _bug("a4_vector_dt_sign", "the sign is flipped", lines=8),
    _correct("a4_vector_einsum"),
    _correct("a4_vector_loops"),
    _bug("a4_staged_forgets_one_over_N", "the first in backward order is dlogprobs", lines=20),
    _bug("a4_staged_shifted_overwritten", "the first in backward order is dshifted", lines=20),
    _bug("a4_staged_log_sums_summed_over_examples", "dlog_sums   False", lines=20),
    _correct("a4_staged_one_hot_and_zero_row_max"),
    _correct("a4_staged_loops_per_example"),
    _bug("a4_jacobian_x_column_major", "Jx: 24 of 48 entries differ", lines=7),
    _bug("a4_jacobian_W_wrong_factor", "JW: 24 of 96 entries differ", lines=7),
    _bug("a4_jacobian_transposed", "looks transposed", lines=2),
    _correct("a4_jacobian_kron"),
    _correct("a4_jacobian_column_by_column"),
    _bug("a4_matmul_backward_dW_transposed", "looks transposed", lines=2),
    _bug("a4_matmul_backward_no_transpose", "print the shapes of both operands", lines=5),
    _bug("a4_matmul_backward_dW_averaged", f"dW {MISMATCH}", lines=9),
    _correct("a4_matmul_backward_einsum"),
    _correct("a4_matmul_backward_through_J"),
    _bug("a4_jacobian_bytes_entries_only", "bytes_x: expected", lines=2),
    _bug("a4_jacobian_bytes_one_example", "bytes_x: expected", lines=2),
    _bug("a4_jacobian_bytes_size_of_W", "bytes_W: expected", lines=2),
    _correct("a4_jacobian_bytes_prod"),
    _correct("a4_jacobian_bytes_floats"),
]
