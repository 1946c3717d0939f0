"""Problems found in an upload, reported to analysts in plain Chinese."""

from dataclasses import dataclass, asdict


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an upload: where it is (as the analyst sees it) and why."""

    file: str
    reason: str
    row: int | None = None  # row number as Excel or a text editor shows it (header row included)
    column: str | None = None  # the column header as it appears in the file
    value: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"第 {self.row} 行")
        if self.column:
            where.append(f"“{self.column}”列")
        text = "，".join(where)
        if self.value is not None:
            text += f"，值“{_clip(self.value)}”"
        return f"{text}：{self.reason}"


def _clip(value: str, width: int = 40) -> str:
    value = str(value)
    return value if len(value) <= width else value[: width - 1] + "…"


class Rejected(Exception):
    """The upload is refused as a whole; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems[:20]))
