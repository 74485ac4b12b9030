"""Graded questions of assignment 3 (forward passes): grade id, points, probe, judge."""

from hiddentests.core import Question
from hiddentests.judges import a3_forward as judge
from hiddentests.probes import a3_forward as probe

QUESTIONS = [
    Question("a3_two_layer_init", 2,
             probe.probe_init("TwoLayerNet"), judge.judge_init("TwoLayerNet")),
    Question("a3_two_layer_scores", 3,
             probe.probe_scores("TwoLayerNet"), judge.judge_scores("TwoLayerNet")),
    Question("a3_three_layer_init", 2,
             probe.probe_init("ThreeLayerNet"), judge.judge_init("ThreeLayerNet")),
    Question("a3_three_layer_scores", 3,
             probe.probe_scores("ThreeLayerNet"), judge.judge_scores("ThreeLayerNet")),
]
