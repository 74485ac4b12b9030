"""Graded questions of assignment 4 (backpropagation): grade id, points, probe, judge."""

from hiddentests.core import Question
from hiddentests.judges import a4_backprop as judge
from hiddentests.judges import a4_training as training_judge
from hiddentests.probes import a4_backprop as probe
from hiddentests.probes import a4_training as training_probe

QUESTIONS = [
    Question("a4_graph_fan_out", 2,
             probe.probe_graph("fan_out_graph", ((), ())), judge.judge_graph("fan_out_graph")),
    Question("a4_graph_max_min", 2,
             probe.probe_graph("max_min_graph", ((), (), ())), judge.judge_graph("max_min_graph")),
    Question("a4_graph_div_exp_log", 2,
             probe.probe_graph("div_exp_log_graph", ((), ())),
             judge.judge_graph("div_exp_log_graph")),
    Question("a4_graph_vector", 3,
             probe.probe_graph("vector_graph", ((3,), (3, 4), (4,))),
             judge.judge_graph("vector_graph")),
    Question("a4_staged_backward", 6, probe.probe_staged, judge.judge_staged),
    Question("a4_jacobian_entries", 3, probe.probe_function("matmul_jacobians", ("Jx", "JW")),
             judge.judge_function("matmul_jacobians", ("Jx", "JW"))),
    Question("a4_jacobian_implicit", 2, probe.probe_function("matmul_backward", ("dx", "dW")),
             judge.judge_function("matmul_backward", ("dx", "dW"))),
    Question("a4_jacobian_size", 1,
             probe.probe_function("jacobian_bytes", ("bytes_x", "bytes_W")),
             judge.judge_function("jacobian_bytes", ("bytes_x", "bytes_W"))),
    Question("a4_affine_forward", 2, probe.probe_affine_forward, judge.judge_affine_forward),
    Question("a4_affine_backward", 3, probe.probe_affine_backward, judge.judge_affine_backward),
    Question("a4_two_layer_loss", 2,
             probe.probe_net("TwoLayerNet", False), judge.judge_net("TwoLayerNet", False)),
    Question("a4_two_layer_grads", 4,
             probe.probe_net("TwoLayerNet", True), judge.judge_net("TwoLayerNet", True)),
    Question("a4_three_layer_loss", 2,
             probe.probe_net("ThreeLayerNet", False), judge.judge_net("ThreeLayerNet", False)),
    Question("a4_three_layer_grads", 4,
             probe.probe_net("ThreeLayerNet", True), judge.judge_net("ThreeLayerNet", True)),
    Question("a4_overfit_tiny", 2, training_probe.probe_overfit_tiny,
             training_judge.judge_overfit_tiny),
    Question("a4_learning_rates", 2, training_probe.probe_learning_rates,
             training_judge.judge_learning_rates),
    Question("a4_train_epochs", 3, training_probe.probe_train_epochs,
             training_judge.judge_train_epochs),
    Question("a4_train_spiral", 2, probe.probe_trained("spiral"), judge.judge_trained("spiral")),
    Question("a4_train_digits", 2, probe.probe_trained("digits"), judge.judge_trained("digits")),
]
