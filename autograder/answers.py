"""Read the answers a probe recorded, and judge them, without trusting the file or the judge.

A probe saves a question's outputs in the kernel's work dir as an uncompressed `.npz` (what
`numpy.savez` writes). Student code runs in that kernel and may replace the file with anything,
for example a small zip whose `.npy` header claims gigabytes. So `load_answer` opens it without
following links, accepts only stored (uncompressed) members whose `.npy` headers describe exactly
the bytes present, within `MAX_ANSWER_BYTES` in all, and never unpickles; and `judge_all` loads
and judges a notebook's answers in a forked child with a memory and a time limit, so the worst
an answer file can do is fail its own questions.
"""

import io
import json
import os
import resource
import select
import signal
import stat
import time
import zipfile

import numpy as np

MAX_ANSWER_BYTES = 64 * 1024 * 1024  # largest answer file, and the most its arrays may hold
JUDGE_SECONDS = 60.0  # time to load and judge one notebook's answers
JUDGE_MEMORY_MB = 1024  # memory the judging child may add to what the grader already maps


class AnswerError(ValueError):
    """The recorded answer is not a plain, honest .npz; the message says what is wrong."""


def _check_member(zf, info):
    """AnswerError unless `info` is a stored .npy whose header matches its size."""
    if info.compress_type != zipfile.ZIP_STORED or info.file_size != info.compress_size:
        raise AnswerError(f"{info.filename} is compressed (answers are written uncompressed)")
    if not info.filename.endswith(".npy"):
        raise AnswerError(f"{info.filename} is not an .npy array")
    with zf.open(info) as f:
        version = np.lib.format.read_magic(f)
        read_header = {(1, 0): np.lib.format.read_array_header_1_0,
                       (2, 0): np.lib.format.read_array_header_2_0}.get(version)
        if read_header is None:
            raise AnswerError(f"{info.filename} has an unexpected .npy version {version}")
        shape, _fortran, dtype = read_header(f, max_header_size=10000)
        if dtype.hasobject:
            raise AnswerError(f"{info.filename} holds Python objects")
        claimed = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        present = info.file_size - f.tell()
    if claimed != present:
        raise AnswerError(f"{info.filename} claims {claimed} bytes of data but holds {present}")


def load_answer(path, uid):
    """The arrays a probe saved in `path` -> {name: array}, or None when there is no file.

    Raises AnswerError for anything but a regular file of `uid` holding stored .npy members
    whose headers match their sizes, at most MAX_ANSWER_BYTES in all."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_uid != uid:
            raise AnswerError("the recorded answer is not a file the test wrote")
        if info.st_size > MAX_ANSWER_BYTES:
            raise AnswerError(f"the recorded answer is too large ({info.st_size} bytes)")
        data = f.read(MAX_ANSWER_BYTES + 1)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = zf.infolist()
            if sum(m.file_size for m in members) > MAX_ANSWER_BYTES:
                raise AnswerError("the recorded answer's arrays are too large")
            for member in members:
                _check_member(zf, member)
    except (zipfile.BadZipFile, EOFError, ValueError, OSError) as e:
        if isinstance(e, AnswerError):
            raise
        raise AnswerError(f"the recorded answer is not a valid .npz file ({e})") from e
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        return {k: npz[k] for k in npz.files}


def judge_one(question, answer_path, uid):
    """-> (passed, message) for one question from its recorded arrays (no time limit)."""
    try:
        outputs = load_answer(answer_path, uid)
    except Exception as e:
        return False, f"the recorded answer could not be read: {type(e).__name__}: {e}"
    if outputs is None:
        return None  # no answer: the caller says why
    try:
        verdict = getattr(question, "verdict", None)  # hiddentests.core.Question has one
        failures = verdict(outputs) if verdict else list(question.judge(outputs))
    except Exception as e:
        return False, f"the answer could not be checked: {type(e).__name__}: {e}"
    if failures:
        return False, "\n".join(str(f) for f in failures)
    return True, "passed"


def judge_all(jobs, uid):
    """Judge [(grade_id, question, answer_path)] in a forked child with a memory and a time
    limit -> {grade_id: (passed, message) or None}; if the child dies or runs out of time,
    every question of `jobs` fails with the reason."""
    if not jobs:
        return {}
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: limits first, then load and judge
        os.close(read)
        try:
            _limit_child()
            verdicts = {gid: judge_one(q, path, uid) for gid, q, path in jobs}
            data = json.dumps(verdicts).encode()
        except BaseException as e:  # noqa: BLE001  (MemoryError included)
            data = json.dumps({"__error__": f"{type(e).__name__}: {e}"[:500]}).encode()
        with os.fdopen(write, "wb") as f:
            f.write(data)
        os._exit(0)
    os.close(write)
    data, why = _read_child(read, pid)
    if why is None:
        try:
            verdicts = json.loads(data)
            why = verdicts.pop("__error__", None)
        except ValueError:
            why = "its report could not be read"
    if why is not None:
        message = f"the recorded answers could not be checked: the judging process failed ({why})"
        return {gid: (False, message) for gid, _q, _p in jobs}
    return {gid: (tuple(v) if v is not None else None) for gid, v in verdicts.items()}


def _limit_child():
    """Limit the judging child: JUDGE_MEMORY_MB more than it maps now, JUDGE_SECONDS."""
    with open("/proc/self/status") as f:
        mapped = next(int(line.split()[1]) for line in f if line.startswith("VmSize:")) * 1024
    limit = mapped + JUDGE_MEMORY_MB * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.alarm(int(JUDGE_SECONDS) + 1)


def _read_child(fd, pid):
    """Read the child's report until EOF or the time limit -> (bytes, why it failed or None)."""
    chunks, deadline = [], time.monotonic() + JUDGE_SECONDS
    with os.fdopen(fd, "rb", buffering=0) as f:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([f], [], [], left)[0]:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return b"", f"no verdict within {JUDGE_SECONDS:g} s"
            chunk = f.read(1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    _pid, status = os.waitpid(pid, 0)
    if status != 0:
        return b"", f"it ended with status {os.waitstatus_to_exitcode(status)}"
    return b"".join(chunks), None
