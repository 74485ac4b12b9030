"""Import an LMS's bulk download of submissions (Canvas's or Moodle's zip) into `submitted/`.

    python -m autograder collect ASSIGNMENT --from FILE.zip --roster ROSTER [--id-column COL]

The zip is read with caps, never extracted as it is: more than `MAX_MEMBERS` members or
`MAX_TOTAL_BYTES` uncompressed, an absolute path, a `..` or a symbolic link anywhere refuses the
whole download; a student's files beyond `untrusted.Caps` refuse that student. Names follow the
LMSs (as nbgrader's `zip_collect` documents them):

- Canvas: `<lastfirst>_<userid>_<submissionid>[_<fileid>]_<filename>`, with `LATE_` before the
  user id when Canvas marked the submission late; the user id is Canvas's `ID`, the roster's
  `lms_user_id`.
- Moodle ("download submissions", in folders or not):
  `<Full Name>_<participantid>_assignsubmission_file_/<path>` or `..._file_<filename>`; the
  participant id is the number in the grading worksheet's `Identifier` ("Participant 1234"),
  the roster's `participant`; without one, the full name must match one roster row.

Neither download holds a submission time a student could not have influenced, so none is
written: the collect record (`COURSE/collected/<assignment>.json`) marks each student's source
(`canvas` or `moodle`, and Canvas's LATE mark), and the late policy counts them as on time with
a note in the report and the feedback saying so (see `late.handed_in`).
"""

import os
import re
import stat
import zipfile

from .collect import Outcome, _write_submission, check_student_id, load_record, save_record
from .course import Course, CourseError
from .layout import fingerprint
from .roster import read_roster
from .untrusted import Caps, Refused, Tree

MAX_MEMBERS = 5000
MAX_TOTAL_BYTES = 2 * 2**30
CANVAS = re.compile(r"^(?P<name>[a-z]*?)_?(?P<late>LATE_)?(?P<uid>\d+)_(?P<sub>\d+)"
                    r"(?:_(?P<fid>\d+))?_(?P<file>.+)$")
MOODLE_FOLDER = re.compile(r"^(?P<name>.+)_(?P<pid>\d+)_assignsubmission_(?P<kind>[a-z]+)_$")
MOODLE_FLAT = re.compile(r"^(?P<name>.+)_(?P<pid>\d+)_assignsubmission_(?P<kind>[a-z]+)_"
                         r"(?P<file>.+)$")


def check_member(info):
    """CourseError unless the zip member `info` is a plain file or folder inside the archive."""
    name = info.filename
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
        raise CourseError(f"the download holds {name!r}, a path outside the archive: refused")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise CourseError(f"the download holds a symbolic link {name!r}: refused")


def parse_member(path):
    """A member's path -> (lms, key, file path inside the submission, late mark) or None.
    `key`: ("uid", Canvas user id), ("pid", Moodle participant id) with the full name."""
    first, _, rest = path.partition("/")
    folder = MOODLE_FOLDER.match(first)
    if folder and rest:
        return "moodle", (folder["pid"], folder["name"]), rest, folder["kind"] != "file"
    flat = MOODLE_FLAT.match(first)
    if flat and not rest:
        return "moodle", (flat["pid"], flat["name"]), flat["file"], flat["kind"] != "file"
    canvas = CANVAS.match(os.path.basename(path))
    if canvas:
        return "canvas", (canvas["uid"], canvas["name"]), canvas["file"], bool(canvas["late"])
    return None


def _student_of(lms, key, roster):
    """The nbgrader id of the roster row a download's name points to, or None."""
    number, name = key
    if lms == "canvas":
        rows = [r for r in roster if r.get("lms_user_id") == number]
    else:
        rows = [r for r in roster
                if r.get("participant", "").removeprefix("Participant ").strip() == number]
        if not rows:
            wanted = " ".join(name.lower().split())
            rows = [r for r in roster if wanted in (
                " ".join(f"{r.get('first_name', '')} {r.get('last_name', '')}".lower().split()),
                " ".join(r.get("name", "").lower().split()))]
    return rows[0]["id"] if len(rows) == 1 else None


def read_download(path, roster, caps=None):
    """{student id: (Tree, lms, late mark)} of the zip at `path`, and the refusals [(who,
    why)]; CourseError for a download that is unsafe as a whole."""
    caps = caps or Caps()
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as e:
        raise CourseError(f"cannot read the download {path}: {e}") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise CourseError(f"the download {path} has {len(infos)} members, more than "
                              f"{MAX_MEMBERS}: refused")
        for info in infos:
            check_member(info)
        if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
            raise CourseError(f"the download {path} unpacks to more than "
                              f"{MAX_TOTAL_BYTES // 2**20} MB: refused")
        return _students(zf, [i for i in infos if not i.is_dir()], roster, caps)


def _students(zf, infos, roster, caps):
    """Group the members by student, within `caps` -> (found, refused)."""
    found, refused, sizes = {}, [], {}
    for info in infos:
        parsed = parse_member(info.filename)
        if parsed is None:
            refused.append((info.filename, "not named as Canvas or Moodle name submissions"))
            continue
        lms, key, rel, late = parsed
        if lms == "moodle" and late:  # online text, feedback files: not a notebook submission
            continue
        sid = _student_of(lms, key, roster)
        try:
            check_student_id(sid or "")
        except Refused:
            sid = None
        if sid is None:
            refused.append((key[1] or key[0], f"{info.filename}: no single roster row has "
                            f"{'lms_user_id' if lms == 'canvas' else 'participant'} {key[0]}"))
            continue
        tree, _, marked = found.setdefault(sid, (Tree(), lms, False))
        found[sid] = (tree, lms, marked or late)
        sizes[sid] = sizes.get(sid, 0) + info.file_size
        if len(tree.files) >= caps.files or info.file_size > caps.file_bytes \
                or sizes[sid] > caps.total_bytes or rel.count("/") >= caps.depth:
            refused.append((sid, f"{info.filename}: more than a submission may hold"))
            tree.files.clear()
            continue
        with zf.open(info) as f:
            data = f.read(caps.file_bytes + 1)
        if len(data) > caps.file_bytes:
            refused.append((sid, f"{info.filename} unpacks to more than it claims"))
            continue
        tree.files[rel] = data
    bad = {who for who, _ in refused}
    return {s: v for s, v in found.items() if s not in bad and v[0].files}, refused


def import_download(course_root, assignment, path, roster_path, id_column=None):
    """Put every student's files of the download at `path` into `COURSE/submitted/` -> Outcome."""
    course = Course(course_root)
    course.check_assignment(assignment)
    roster = read_roster(roster_path, id_column)
    found, refused = read_download(path, roster)
    record = load_record(course.root, assignment)
    outcome = Outcome(refused=refused)
    for sid, (tree, lms, late) in sorted(found.items()):
        dest = os.path.join(course.root, "submitted", sid, assignment)
        _write_submission(dest, tree, None)
        record[sid] = {"source": lms, "time": None, "late_mark": late,
                       "download": os.path.basename(path), "fingerprint": fingerprint(dest)}
        outcome.collected.append(sid)
    save_record(course.root, assignment, record)
    return outcome
