"""Notebook outputs from a kernel's iopub messages, capped per cell and made inert.

`Outputs(limit, figure_room, figure_kb)` turns one cell's messages into nbformat outputs: at most
`limit` characters of text (streams, rich outputs and error tracebacks alike, an error keeping
at least `ERROR_MIN_KB`), at most `figure_room` bytes of images (what is left of the notebook's
`figure_kb`), and only the inert MIME types a grader's browser cannot run.
"""

# Outputs kept in graded notebooks and feedback: text and raster images only. HTML, JavaScript,
# SVG (which may carry scripts), Markdown and widget views a student's code displays would run
# or render in the TA's browser, in the origin where grades are edited.
INERT_MIMETYPES = ("text/plain", "image/png", "image/jpeg", "image/gif")
ERROR_MIN_KB = 4  # an error keeps at least this much of its message and traceback


def _clip(text, n):
    """`text` cut to `n` characters, saying how many were cut."""
    n = max(0, n)
    return text if len(text) <= n else text[:n] + f"... [{len(text) - n} characters cut]"


class Outputs:
    """Collects iopub messages into notebook outputs, keeping at most `limit` bytes of text
    and `figure_room` bytes of images (what is left of the notebook's `figure_kb`)."""

    def __init__(self, limit, figure_room, figure_kb):
        """An empty collector for one cell."""
        self.outputs, self.limit, self.size, self.dropped, self.error = [], limit, 0, 0, False
        self.figure_room, self.figure_kb, self.figure_noted = figure_room, figure_kb, False
        self.unreadable = 0  # messages dropped because they could not be read

    def _fits(self, n):
        """Count `n` characters against the limit -> whether they fit."""
        if self.size + n > self.limit:
            self.dropped += n
            return False
        self.size += n
        return True

    def add(self, kind, content):
        """Turn one iopub message (`kind`, `content`) into outputs, within the caps."""
        if kind == "stream":
            text = str(content.get("text", ""))
            name = "stderr" if content.get("name") == "stderr" else "stdout"
            room = max(0, self.limit - self.size)
            kept = text[:room]
            self.size += len(kept)
            last = self.outputs[-1] if self.outputs else None
            if kept and last and last["output_type"] == "stream" and last["name"] == name:
                last["text"] += kept
            elif kept:
                self.outputs.append({"output_type": "stream", "name": name, "text": kept})
            if len(kept) < len(text):
                self._note_dropped()
        elif kind in ("display_data", "execute_result"):
            data = {k: v for k, v in dict(content.get("data", {})).items()
                    if k in INERT_MIMETYPES and isinstance(v, str)}
            if not data and content.get("data"):  # HTML, JavaScript, SVG, widgets: not kept
                data = {"text/plain": "[rich output not kept: only text and PNG/JPEG/GIF images "
                                      "are shown to graders]"}
            images = [k for k in data if k.startswith("image/")]
            image_size = sum(len(str(data[k])) for k in images)
            dropped = image_size > self.figure_room
            if dropped:  # its text stays ("<Figure size 640x480 with 1 Axes>")
                data = {k: v for k, v in data.items() if k not in images}
            else:
                self.figure_room -= image_size
            text_size = sum(len(str(v)) for k, v in data.items() if k not in images)
            if data and self._fits(text_size):
                out = {"output_type": kind, "data": data, "metadata": {}}
                if kind == "execute_result":
                    out["execution_count"] = content.get("execution_count")
                self.outputs.append(out)
            elif data:
                self._note_dropped()
            if dropped and not self.figure_noted:
                self.figure_noted = True
                self._note("\n[figures not kept from here on: the graded notebook keeps at most "
                           f"{self.figure_kb} KB of figures]\n")
        elif kind == "error":
            self.error = True
            # an error counts against the cell's text budget like any output, with room for
            # a short message however much was printed before
            room = max(self.limit - self.size, ERROR_MIN_KB * 1024)
            evalue = _clip(str(content.get("evalue", "")), room // 2)
            tb, left = [], room - len(evalue)
            for line in [str(line) for line in content.get("traceback", [])][:200]:
                line = _clip(line, left)
                tb.append(line)
                left -= len(line)
                if left <= 0:
                    break
            self.size += room - left
            self.outputs.append({"output_type": "error",
                                 "ename": _clip(str(content.get("ename", "")), 200),
                                 "evalue": evalue, "traceback": tb})
        elif kind == "clear_output":
            self.outputs, self.size = [], 0

    def _note_dropped(self):
        """Tell the reader that output was cut at the limit."""
        self._note(f"\n[output truncated: more than {self.limit // 1024} KB]\n")

    def _note(self, note):
        """Append `note` to the outputs unless it is already the last one."""
        last = self.outputs[-1] if self.outputs else None
        if not (last and last.get("text", "").endswith(note)):
            self.outputs.append({"output_type": "stream", "name": "stdout", "text": note})
