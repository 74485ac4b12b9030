"""Reading what a student controls: links, FIFOs, devices and oversized trees are refused
without being opened or read to the end, and the change time cannot be set back."""

import os
import time

import pytest

from autograder.untrusted import Caps, Refused, read_file, read_tree


def _folder(tmp_path):
    folder = tmp_path / "stu+a1+2026-01-01 00:00:00 UTC+x"
    (folder / "data").mkdir(parents=True)
    (folder / "a1.ipynb").write_bytes(b'{"cells": []}')
    (folder / "data" / "x.csv").write_text("1,2\n")
    return folder


def test_a_tree_of_regular_files_is_read_whole(tmp_path):
    tree = read_tree(str(_folder(tmp_path)))
    assert tree.files == {"a1.ipynb": b'{"cells": []}', "data/x.csv": b"1,2\n"}
    assert tree.size == 17


@pytest.mark.parametrize("plant", ["link to a secret", "link to a folder", "fifo", "socket",
                                   "device"])
def test_a_link_or_special_file_anywhere_refuses_the_tree(tmp_path, plant):
    folder = _folder(tmp_path)
    target = folder / "data" / "planted"
    if plant == "link to a secret":
        os.symlink("/etc/shadow", target)
    elif plant == "link to a folder":
        os.symlink("/etc", target)
    elif plant == "fifo":
        os.mkfifo(target)  # opened for reading, it would block the reader forever
    elif plant == "socket":
        import socket

        s = socket.socket(socket.AF_UNIX)
        s.bind(str(target))
        s.close()
    else:
        os.mknod(target, 0o600 | 0o020000, os.makedev(1, 5))  # a copy of /dev/zero
    with pytest.raises(Refused, match="data/planted is a"):
        read_tree(str(folder))


def test_a_tree_reached_through_a_link_is_refused(tmp_path):
    folder = _folder(tmp_path)
    os.symlink(folder, tmp_path / "alias")
    with pytest.raises(Refused, match="alias is a symbolic link"):
        read_tree(str(tmp_path / "alias"))


def test_caps_on_count_size_and_depth_refuse_the_tree(tmp_path):
    folder = _folder(tmp_path)
    with pytest.raises(Refused, match="more than 1 files"):
        read_tree(str(folder), Caps(files=1))
    with pytest.raises(Refused, match="has 13 bytes; at most 10"):
        read_tree(str(folder), Caps(file_bytes=10))
    with pytest.raises(Refused, match="more than 15 bytes in all"):
        read_tree(str(folder), Caps(total_bytes=15))
    deep = folder / "d" / "d" / "d"
    deep.mkdir(parents=True)
    with pytest.raises(Refused, match="nested deeper than 2 levels"):
        read_tree(str(folder), Caps(depth=2))


def test_read_file_refuses_links_fifos_and_endless_files(tmp_path):
    os.symlink("/dev/zero", tmp_path / "zero")
    with pytest.raises(Refused, match="is a symbolic link"):
        read_file(str(tmp_path / "zero"), 100)
    with pytest.raises(Refused, match="is a character device"):
        read_file("/dev/zero", 100)
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(Refused, match="is a FIFO"):
        read_file(str(tmp_path / "fifo"), 100)
    (tmp_path / "big").write_bytes(b"x" * 101)
    with pytest.raises(Refused, match="has 101 bytes; at most 100"):
        read_file(str(tmp_path / "big"), 100)
    assert read_file(str(tmp_path / "big"), 101) == b"x" * 101


def test_setting_times_back_does_not_move_the_change_time_back(tmp_path):
    folder = _folder(tmp_path)
    before = read_tree(str(folder)).newest_ctime
    time.sleep(0.05)
    (folder / "a1.ipynb").write_bytes(b'{"cells": [1]}')  # edited after the deadline...
    os.utime(folder / "a1.ipynb", (0, 0))  # ...and dated 1970
    after = read_tree(str(folder)).newest_ctime
    assert after > before
