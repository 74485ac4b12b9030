"""Speed of the lecture playground's redraw: one retraining and its figure, against a 1 s budget.

A redraw is what a student waits for after moving a control: `coursekit.playground.
train_and_draw` trains the tiny net (plain gradient descent, playground.N_STEPS full-batch
steps) and draws its decision regions and loss curve. Each setting is timed in rounds; a
setting's time is its fastest round (a busy machine's other programs only ever add time).
Both clocks are printed: CPU time of this process (the work itself) and wall time (what the
student waits for, which on a shared machine also counts the other programs). The ratio is the
CPU time to the budget of one second.

Run: python benchmarks/bench_playground.py [--rounds R]
"""

import argparse
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from coursekit.playground import N_STEPS, train_and_draw  # noqa: E402

BUDGET_S = 1.0
SETTINGS = [  # the lecture's default, then the playground's largest nets
    ("spiral", 20, "relu"),
    ("spiral", 100, "relu"),
    ("spiral", 100, "elu"),
    ("spiral", 100, "sigmoid"),
    ("circles", 100, "tanh"),
]


def redraw(dataset, hidden_size, activation):
    """(CPU seconds, wall seconds) of one redraw."""
    cpu, wall = time.process_time(), time.perf_counter()
    fig, _ = train_and_draw(dataset, hidden_size=hidden_size, activation=activation, reg=1e-3)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    plt.close(fig)
    return cpu, wall


def main(argv=None):
    """Time the redraw of every setting and print it against the budget."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"playground redraw: {N_STEPS} gradient-descent steps + figure, "
          f"fastest of {args.rounds} rounds")
    print(f"{'data set':<10}{'units':>6}  {'activation':<11}{'CPU s':>7}{'wall s':>8}"
          f"{'CPU / 1 s budget':>18}")
    for dataset, hidden_size, activation in SETTINGS:
        times = [redraw(dataset, hidden_size, activation) for _ in range(args.rounds)]
        cpu = min(t[0] for t in times)
        wall = min(t[1] for t in times)
        print(f"{dataset:<10}{hidden_size:>6}  {activation:<11}{cpu:>7.2f}{wall:>8.2f}"
              f"{cpu / BUDGET_S:>18.2f}")


if __name__ == "__main__":
    main()
