"""Graded questions of assignment 4 (backpropagation): grade id, points, probe, judge."""

from hiddentests.core import Question
from hiddentests.judges import a4_backprop as judge
from hiddentests.probes import a4_backprop as probe

QUESTIONS = [
    Question("a4_graph_add_mul", 1,
             probe.probe_variables("dfdx", "dfdy", "dfdz"), judge.judge_variables("add_mul")),
    Question("a4_graph_sigmoid_neuron", 2,
             probe.probe_variables("dw", "dx"), judge.judge_variables("sigmoid_neuron")),
    Question("a4_graph_gates", 2,
             probe.probe_variables("grad_x", "grad_y", "grad_z", "grad_w", "grad_a", "grad_b"),
             judge.judge_variables("gates")),
    Question("a4_graph_staged", 3,
             probe.probe_variables("dx", "dy"), judge.judge_variables("staged")),
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
    Question("a4_train_spiral", 2, probe.probe_trained("spiral"), judge.judge_trained("spiral")),
    Question("a4_train_digits", 2, probe.probe_trained("digits"), judge.judge_trained("digits")),
]
