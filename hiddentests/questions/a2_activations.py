"""Graded questions of assignment 2 (activations): grade id, points, probe, judge."""

from hiddentests.core import Question
from hiddentests.judges import a2_activations as judge
from hiddentests.probes import a2_activations as probe

QUESTIONS = [
    Question("a2_sigmoid_forward", 1,
             probe.probe_forward("sigmoid"), judge.judge_forward("sigmoid")),
    Question("a2_sigmoid_backward", 2,
             probe.probe_backward("sigmoid"), judge.judge_backward("sigmoid")),
    Question("a2_tanh_forward", 1, probe.probe_forward("tanh"), judge.judge_forward("tanh")),
    Question("a2_tanh_backward", 2, probe.probe_backward("tanh"), judge.judge_backward("tanh")),
    Question("a2_relu_forward", 1, probe.probe_forward("relu"), judge.judge_forward("relu")),
    Question("a2_relu_backward", 2, probe.probe_backward("relu"), judge.judge_backward("relu")),
    Question("a2_leaky_relu_forward", 1,
             probe.probe_forward("leaky_relu"), judge.judge_forward("leaky_relu")),
    Question("a2_leaky_relu_backward", 2,
             probe.probe_backward("leaky_relu"), judge.judge_backward("leaky_relu")),
    Question("a2_elu_forward", 1, probe.probe_forward("elu"), judge.judge_forward("elu")),
    Question("a2_elu_backward", 2, probe.probe_backward("elu"), judge.judge_backward("elu")),
    Question("a2_maxout_forward", 2, probe.probe_maxout_forward, judge.judge_maxout_forward),
    Question("a2_maxout_backward", 3, probe.probe_maxout_backward, judge.judge_maxout_backward),
]
