"""Graded questions of assignment 5 (autograd): grade id, points, probe, judge."""

from hiddentests.core import Question
from hiddentests.judges import a5_autograd as judge
from hiddentests.probes import a5_autograd as probe

QUESTIONS = [
    Question("a5_value_forward", 2, probe.probe_value_forward, judge.judge_value_forward),
    Question("a5_value_gradients", 3, probe.probe_value_gradients, judge.judge_value_gradients),
    Question("a5_value_graphs", 3, probe.probe_value_graphs, judge.judge_value_graphs),
    Question("a5_backward_deep", 2, probe.probe_deep, judge.judge_deep),
    Question("a5_neuron", 1, probe.probe_neuron, judge.judge_neuron),
    Question("a5_mlp_matches_vectorized", 3, probe.probe_mlp, judge.judge_mlp),
    Question("a5_train_circles", 2, probe.probe_trained, judge.judge_trained),
]
