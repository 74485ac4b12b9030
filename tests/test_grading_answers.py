"""Answer files are read strictly: what a probe writes loads, anything crafted is refused."""

import io
import os
import zipfile

import numpy as np
import pytest

from autograder.answers import MAX_ANSWER_BYTES, AnswerError, judge_all, load_answer


def _write(tmp_path, data, name="a.npz"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def _npz(**arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def test_what_numpy_savez_writes_loads_unchanged(tmp_path):
    path = _write(tmp_path, _npz(out=np.arange(6.0).reshape(2, 3), loss=np.float64(1.5)))
    answer = load_answer(path, os.getuid())
    assert set(answer) == {"out", "loss"}
    np.testing.assert_array_equal(answer["out"], np.arange(6.0).reshape(2, 3))


def test_a_missing_answer_is_none(tmp_path):
    assert load_answer(str(tmp_path / "nothing.npz"), os.getuid()) is None


def test_a_compressed_member_is_refused_before_it_is_expanded(tmp_path):
    buf = io.BytesIO()
    np.savez_compressed(buf, out=np.zeros(10))
    with pytest.raises(AnswerError, match="compressed"):
        load_answer(_write(tmp_path, buf.getvalue()), os.getuid())


def test_a_header_that_claims_more_than_the_file_holds_is_refused(tmp_path):
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False,
                                                  "shape": (2**30,)})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("out.npy", header.getvalue() + bytes(80))
    with pytest.raises(AnswerError, match="claims 8589934592 bytes"):
        load_answer(_write(tmp_path, buf.getvalue()), os.getuid())


def test_object_arrays_and_non_zip_files_are_refused(tmp_path):
    buf = io.BytesIO()
    np.savez(buf, out=np.array([{"a": 1}], dtype=object))
    with pytest.raises(AnswerError, match="Python objects"):
        load_answer(_write(tmp_path, buf.getvalue()), os.getuid())
    with pytest.raises(AnswerError, match="not a valid .npz"):
        load_answer(_write(tmp_path, b"PK\x03\x04 not really", "b.npz"), os.getuid())


def test_a_file_of_another_owner_or_a_link_is_refused(tmp_path):
    path = _write(tmp_path, _npz(out=np.ones(2)))
    with pytest.raises(AnswerError, match="not a file the test wrote"):
        load_answer(path, os.getuid() + 1)
    os.symlink(path, tmp_path / "link.npz")
    assert load_answer(str(tmp_path / "link.npz"), os.getuid()) is None


def test_an_oversized_file_is_refused_unread(tmp_path):
    path = tmp_path / "big.npz"
    with open(path, "wb") as f:
        f.truncate(MAX_ANSWER_BYTES + 1)
    with pytest.raises(AnswerError, match="too large"):
        load_answer(str(path), os.getuid())


class _Question:
    def __init__(self, judge):
        self.judge = judge


def test_judging_runs_in_a_child_whose_death_fails_only_that_notebook(tmp_path):
    path = _write(tmp_path, _npz(out=np.ones(2)))
    ok = _Question(lambda outputs: [] if outputs["out"].sum() == 2 else ["wrong"])
    wrong = _Question(lambda outputs: ["out[0]: expected 3, got 1"])
    assert judge_all([("q1", ok, path), ("q2", wrong, path)], os.getuid()) == {
        "q1": (True, "passed"), "q2": (False, "out[0]: expected 3, got 1")}
    dies = _Question(lambda outputs: os._exit(3))
    verdicts = judge_all([("q1", ok, path), ("q3", dies, path)], os.getuid())
    assert all(not passed and "judging process failed" in message
               for passed, message in verdicts.values()), verdicts
    hog = _Question(lambda outputs: [bytearray(8 * 2**30)])
    passed, message = judge_all([("q4", hog, path)], os.getuid())["q4"]
    assert not passed and "MemoryError" in message


def test_feedback_shows_hidden_values_to_three_digits_only():
    from autograder.notebook import coarse_numbers

    message = ("dW[2, 7]: expected -0.123456789, got 0.1234567 (relative error 1.0000003e+00); "
               "loss 2.302585093 vs 2.302585 in case 3 of 4")
    assert coarse_numbers(message) == (
        "dW[2, 7]: expected -0.123, got 0.123 (relative error 1); "
        "loss 2.3 vs 2.3 in case 3 of 4")


def test_patching_the_students_checker_is_flagged():
    from autograder.submission import scan

    assert any("monkeypatching" in f for f in scan(
        "import coursekit.gradcheck\ncoursekit.gradcheck.rel_error = lambda a, b: 0.0"))
    assert any("monkeypatching" in f for f in scan("checks.check_affine = print"))
    assert scan("def affine_forward(x, W, b):\n    return x @ W + b, (x, W, b)") == []
